// A session whose every cell says where it came from, for tests of edits and presets.
#pragma once

#include <core/model/session.h>

#include <cstdint>
#include <string>

namespace bnflow::test {

// The seed of a seeded session's dout.
constexpr std::uint64_t kDoutSeed = 7;

// x(i, j) = 100 i + j + 1 and a typed dout of -x, so every cell says where it came from;
// gamma and beta likewise per feature. A seeded session draws dout from kDoutSeed instead.
Session labelledSession(Eigen::Index n, Eigen::Index d, bool seeded);

// The first problem validate() finds, formatted; empty for a valid session.
std::string problemsText(const Session& s);

}  // namespace bnflow::test
