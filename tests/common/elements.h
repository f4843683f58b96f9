// A matrix as the plots hold it: its elements in column-major order, k = j * N + i.
#pragma once

#include <core/model/types.h>

#include <vector>

namespace bnflow::test {

inline std::vector<double> elements(const Matrix& m)
{
    return std::vector<double>(m.data(), m.data() + m.size());
}

}  // namespace bnflow::test
