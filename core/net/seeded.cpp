#include <core/net/seeded.h>

#include <core/model/session.h>

#include <cmath>
#include <random>
#include <vector>

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

namespace {

// The unit normals of the latest networks drawn on this thread, by shape and seed: an edit that
// keeps them (the Depth tab's gain slider) scales them instead of drawing every W again. The
// same numbers either way: a cached matrix is the draw itself.
const Matrix& unitNormals(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed)
{
    struct Entry {
        Eigen::Index rows, cols;
        std::uint64_t seed;
        Matrix z;
    };
    constexpr Eigen::Index kMaxCachedEntries = 1 << 20;  // 8 MiB of doubles per thread
    thread_local std::vector<Entry> cache;
    thread_local Eigen::Index cached = 0;
    for (const Entry& e : cache)
        if (e.rows == rows && e.cols == cols && e.seed == seed)
            return e.z;
    if (cached + rows * cols > kMaxCachedEntries) {
        cache.clear();
        cached = 0;
    }
    cached += rows * cols;
    cache.push_back({rows, cols, seed, standardNormalMatrix(rows, cols, seed)});
    return cache.back().z;
}

}  // namespace

Matrix seededWeights(const NetworkShape& shape, int k, double gain, std::uint64_t seed)
{
    const Eigen::Index fanIn = shape.fanIn(k);
    const std::uint64_t stream = kWeightStream * std::uint64_t(k + 1);
    const Eigen::Index fanOut = shape.fanOut(k);
    const double scale = gain / std::sqrt(double(fanIn));
    if (fanIn * fanOut > (1 << 18))  // too large to keep
        return standardNormalMatrix(fanIn, fanOut, seed ^ stream) * scale;
    return unitNormals(fanIn, fanOut, seed ^ stream) * scale;
}

}  // namespace bnflow
