#include <core/teach/notices.h>

#include <cmath>
#include <cstdio>

namespace bnflow {
namespace {

std::string num(double v)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3g", v == 0 ? 0.0 : v);  // 0, never "-0"
    return buffer;
}

}  // namespace

VarianceComparison compareVariance(const Matrix& x, Eigen::Index j)
{
    const auto n = static_cast<float>(x.rows());
    float sum = 0, sumSquares = 0;
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
        const auto v = static_cast<float>(x(i, j));
        sum += v;
        sumSquares += v * v;
    }
    const float mean = sum / n;
    const float onePass = sumSquares / n - mean * mean;
    float squares = 0;
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
        const float d = static_cast<float>(x(i, j)) - mean;
        squares += d * d;
    }
    const double mean64 = x.col(j).mean();
    return {onePass, squares / n, (x.col(j).array() - mean64).square().mean()};
}

std::vector<std::string> notices(const Session& s, const FamilyAnalysis& a)
{
    std::vector<std::string> out;
    if (!s.norm.isTrainingBatchNorm())
        return out;
    const Eigen::Index n = s.samples();
    if (n == 1)
        out.push_back("One sample: var = 0, xhat = 0 and y = beta whatever x is, so dx = 0 and "
                      "dgamma = 0. Batch norm needs a batch; PyTorch refuses N = 1 in training mode.");
    else if (n == 2)
        out.push_back("Two samples: xhat is about +-1 whatever x is, so y hardly depends on x and dx "
                      "is tiny (it vanishes as eps goes to 0).");
    if (s.dout.size() > 0 && (s.dout.array() == 1.0).all())
        out.push_back("dout = 1 everywhere, i.e. f = sum(y): dx is 0 in exact math; what is left is "
                      "rounding.");
    for (Eigen::Index j = 0; j < s.features(); ++j) {
        const std::string feature = "Feature " + std::to_string(j) + ": ";
        const double var = a.forward.var(0, j);
        if (n > 1 && var == 0)
            out.push_back(feature + "constant, so var = 0 and xhat = 0; only eps keeps invStd finite "
                          "(1/sqrt(eps) = " + num(a.forward.invStd(0, j)) + ").");
        else if (n > 1 && var < s.eps)
            out.push_back(feature + "var (" + num(var) + ") is below eps (" + num(s.eps) +
                          "), so eps dominates and xhat is far from unit variance.");
        if (s.gamma[j] == 0)
            out.push_back(feature + "gamma = 0, so y is constant there and its dx is 0.");
        if (n > 1 && var > 0) {
            const VarianceComparison v = compareVariance(s.x, j);
            if (std::abs(v.onePassF32 - var) > 0.1 * var)
                out.push_back(feature + "in float32, the one-pass E[x^2] - E[x]^2 gives var = " +
                              num(v.onePassF32) + " (two-pass float32: " + num(v.twoPassF32) +
                              "; float64: " + num(var) + "): catastrophic cancellation, which is "
                              "why the variance is computed in two passes.");
        }
        const double spread = std::sqrt(var);
        const double offset = std::abs(a.forward.mean(0, j));
        if (spread > 0 && offset > 1e6 * spread)
            out.push_back(feature + "the mean is " + num(offset / spread) +
                          " times the spread; centring loses about " +
                          num(std::log10(offset / spread)) +
                          " of the 16 digits (two-pass variance keeps the rest; E[x^2] - E[x]^2 "
                          "would lose them all).");
    }
    return out;
}

}  // namespace bnflow
