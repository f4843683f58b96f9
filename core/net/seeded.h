// bnflow's own seeded draws for a network (doc/depth.md#seeded-draws): the same numbers on every
// platform for the same seed. Normals come from standardNormalMatrix (core/model/session.h: a
// 64-bit Mersenne Twister, 53-bit uniforms in (0, 1], Box-Muller, filled row by row); integers
// from the same engine by rejection, never std::*_distribution (implementation-defined).
#pragma once

#include <core/net/network.h>

#include <cstdint>

namespace bnflow {

// The stream constants XORed into a seed, so that x, the labels and each W_k never share draws.
inline constexpr std::uint64_t kLabelStream = 0xD1B54A32D192ED03ull;
inline constexpr std::uint64_t kWeightStream = 0x9E3779B97F4A7C15ull;

// x ~ N(0, 1): standardNormalMatrix(n, inputs, seed). labels: mt19937_64 seeded with
// seed XOR kLabelStream; each label takes draws v until v < 2^64 - (2^64 mod classes), then
// v mod classes, so every class is exactly equally likely.
Dataset seededDataset(Eigen::Index n, Eigen::Index inputs, Eigen::Index classes, std::uint64_t seed);

// W_k ~ N(0, gain^2 / fan_in): gain / sqrt(fan_in) * standardNormalMatrix(fan_in, fan_out,
// seed XOR (kWeightStream * (k + 1) mod 2^64)).
Matrix seededWeights(const NetworkShape& shape, int k, double gain, std::uint64_t seed);

}  // namespace bnflow
