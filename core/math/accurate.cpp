#include <core/math/accurate.h>

#include <core/math/family.h>

#include <cmath>
#include <vector>

namespace bnflow {
namespace {

using Index = Eigen::Index;
using Wide = long double;

// Statistic-shaped accumulators, one per set (Reduction::statRows x statCols), row-major.
struct SetSums {
    Index cols = 1;
    std::vector<Wide> values;
    SetSums(const Reduction& r) : cols(r.statCols()), values(std::size_t(r.statRows() * r.statCols()), 0.0L) {}
    Wide& at(const Reduction& r, Index i, Index j) { return values[std::size_t(r.statRow(i) * cols + r.statCol(j))]; }
};

}  // namespace

AccurateGradients accurateGradients(const Session& s)
{
    const Reduction r = Reduction::of(s.norm, s.samples(), s.features());
    const Index n = s.samples(), d = s.features();
    const bool rms = r.layer == Layer::RmsNorm;
    const Wide m = Wide(r.count());
    const Wide eps = s.eps;
    // Per cell: the centre and the inverse root of its set (eval: the running statistics of its
    // channel; RMSNorm: no centre).
    SetSums mean(r), inv(r);
    Matrix centre(n, d), invRoot(n, d);
    if (r.eval) {
        for (Index i = 0; i < n; ++i)
            for (Index j = 0; j < d; ++j) {
                const Index c = r.channelOf(j);
                centre(i, j) = (*s.norm.runningMean)[c];
                invRoot(i, j) = double(1.0L / std::sqrt(Wide((*s.norm.runningVar)[c]) + eps));
            }
    } else {
        SetSums square(r);
        if (!rms) {
            for (Index i = 0; i < n; ++i)
                for (Index j = 0; j < d; ++j)
                    mean.at(r, i, j) += s.x(i, j);
            for (Wide& v : mean.values)
                v /= m;
        }
        for (Index i = 0; i < n; ++i)
            for (Index j = 0; j < d; ++j) {
                const Wide xmu = Wide(s.x(i, j)) - mean.at(r, i, j);
                square.at(r, i, j) += xmu * xmu;
            }
        for (std::size_t k = 0; k < square.values.size(); ++k)
            inv.values[k] = 1.0L / std::sqrt(square.values[k] / m + eps);
    }
    // xhat and dxhat in extended precision, then the set sums of the fused form.
    const auto xhatOf = [&](Index i, Index j) {
        return r.eval ? (Wide(s.x(i, j)) - Wide(centre(i, j))) * Wide(invRoot(i, j))
                      : (Wide(s.x(i, j)) - mean.at(r, i, j)) * inv.at(r, i, j);
    };
    const Index params = s.gamma.size();
    std::vector<Wide> dgamma(std::size_t(params), 0.0L), dbeta(std::size_t(params), 0.0L);
    SetSums sumDxhat(r), sumDxhatXhat(r);
    for (Index i = 0; i < n; ++i)
        for (Index j = 0; j < d; ++j) {
            const Index c = r.channelOf(j);
            const Wide xhat = xhatOf(i, j), dout = s.dout(i, j);
            const Wide dxhat = dout * Wide(s.gamma[c]);
            dgamma[std::size_t(c)] += dout * xhat;
            dbeta[std::size_t(c)] += dout;
            if (!r.eval) {
                sumDxhat.at(r, i, j) += dxhat;
                sumDxhatXhat.at(r, i, j) += dxhat * xhat;
            }
        }
    AccurateGradients g;
    g.dx.resize(n, d);
    for (Index i = 0; i < n; ++i)
        for (Index j = 0; j < d; ++j) {
            const Wide xhat = xhatOf(i, j);
            const Wide dxhat = Wide(s.dout(i, j)) * Wide(s.gamma[r.channelOf(j)]);
            Wide dx;
            if (r.eval)
                dx = dxhat * Wide(invRoot(i, j));
            else if (rms)
                dx = inv.at(r, i, j) * (dxhat - xhat * sumDxhatXhat.at(r, i, j) / m);
            else
                dx = inv.at(r, i, j) / m *
                     (m * dxhat - sumDxhat.at(r, i, j) - xhat * sumDxhatXhat.at(r, i, j));
            g.dx(i, j) = double(dx);
        }
    g.dgamma.resize(params);
    g.dbeta.resize(params);
    for (Index c = 0; c < params; ++c) {
        g.dgamma[c] = double(dgamma[std::size_t(c)]);
        g.dbeta[c] = double(dbeta[std::size_t(c)]);
    }
    return g;
}

}  // namespace bnflow
