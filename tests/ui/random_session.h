// A seeded N x D session with standard-normal x and dout, gamma 1 and beta 0: a batch of any size
// for the UI tests that need more than the built-in example.
#pragma once

#include <core/model/session.h>

#include <cstdint>

namespace bnflow::test {

inline Session randomSession(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed)
{
    Session s;
    s.x = standardNormalMatrix(rows, cols, seed);
    s.dout = standardNormalMatrix(rows, cols, seed + 1);
    s.gamma = RowVector::Ones(cols);
    s.beta = RowVector::Zero(cols);
    return s;
}

}  // namespace bnflow::test
