#include <core/net/seeded.h>

#include <core/model/session.h>

#include <cmath>
#include <random>

namespace bnflow {

Dataset seededDataset(Eigen::Index n, Eigen::Index inputs, Eigen::Index classes, std::uint64_t seed)
{
    Dataset data;
    data.x = standardNormalMatrix(n, inputs, seed);
    std::mt19937_64 engine(seed ^ kLabelStream);
    const auto k = std::uint64_t(classes);
    // The largest multiple of k that fits in 2^64, minus one: draws above it would favour the
    // small classes. (2^64 mod k) is (2^64 - k) mod k in unsigned arithmetic.
    const std::uint64_t limit = ~std::uint64_t(0) - (std::uint64_t(0) - k) % k;
    data.labels.reserve(std::size_t(n));
    for (Eigen::Index i = 0; i < n; ++i) {
        std::uint64_t v = engine();
        while (v > limit)
            v = engine();
        data.labels.push_back(Eigen::Index(v % k));
    }
    return data;
}

Matrix seededWeights(const NetworkShape& shape, int k, double gain, std::uint64_t seed)
{
    const Eigen::Index fanIn = shape.fanIn(k);
    const std::uint64_t stream = kWeightStream * std::uint64_t(k + 1);
    return standardNormalMatrix(fanIn, shape.fanOut(k), seed ^ stream) *
           (gain / std::sqrt(double(fanIn)));
}

}  // namespace bnflow
