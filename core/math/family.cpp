#include <core/math/family.h>

#include <core/math/batchnorm.h>

#include <cmath>
#include <cstdio>

namespace bnflow {

using Index = Eigen::Index;

Reduction Reduction::of(const NormConfig& config, Index samples, Index features)
{
    Reduction r;
    r.layer = config.layerOrDefault();
    r.eval = r.layer == Layer::BatchNorm && config.isEval();
    r.samples = samples;
    r.features = features;
    r.groups = r.layer == Layer::GroupNorm && config.groups ? *config.groups : 1;
    r.channels = config.affineSize(features);
    r.positions = r.channels > 0 ? features / r.channels : 1;
    return r;
}

Index Reduction::statRows() const
{
    return layer == Layer::BatchNorm ? 1 : samples;
}

Index Reduction::statCols() const
{
    switch (layer) {
    case Layer::BatchNorm: return channels;
    case Layer::GroupNorm: return groups;
    case Layer::LayerNorm:
    case Layer::RmsNorm: return 1;
    }
    return 1;
}

Index Reduction::statCol(Index j) const
{
    switch (layer) {
    case Layer::BatchNorm: return channelOf(j);
    case Layer::GroupNorm: return j / (features / groups);
    case Layer::LayerNorm:
    case Layer::RmsNorm: return 0;
    }
    return 0;
}

Index Reduction::count() const
{
    switch (layer) {
    case Layer::BatchNorm: return samples * positions;
    case Layer::GroupNorm: return features / groups;
    case Layer::LayerNorm:
    case Layer::RmsNorm: return features;
    }
    return features;
}

std::string Reduction::setName(Index r, Index c) const
{
    switch (layer) {
    case Layer::BatchNorm:
        if (positions == 1)
            return "x[*][" + std::to_string(c) + "]";
        return "x[*][" + std::to_string(c * positions) + ":" + std::to_string((c + 1) * positions) +
               "] (channel " + std::to_string(c) + ")";
    case Layer::GroupNorm: {
        const Index size = features / groups;
        return "x[" + std::to_string(r) + "][" + std::to_string(c * size) + ":" +
               std::to_string((c + 1) * size) + "]";
    }
    case Layer::LayerNorm:
    case Layer::RmsNorm: return "x[" + std::to_string(r) + "][*]";
    }
    return {};
}

std::vector<std::pair<Index, Index>> Reduction::setCells(Index r, Index c) const
{
    std::vector<std::pair<Index, Index>> cells;
    if (eval || r < 0 || c < 0 || r >= statRows() || c >= statCols())
        return cells;
    for (Index i = 0; i < samples; ++i)
        for (Index j = 0; j < features; ++j)
            if (statRow(i) == r && statCol(j) == c)
                cells.emplace_back(i, j);
    return cells;
}

namespace {

// Sums f(i, j) over each statistic's elements, in index order within a set.
template <typename F>
Matrix reduce(const Reduction& r, F f)
{
    Matrix s = Matrix::Zero(r.statRows(), r.statCols());
    // The common shapes with the running sum in a register, in the same order (so the same
    // bits): a column per feature, a row per sample.
    if (r.layer == Layer::BatchNorm && r.positions == 1) {
        for (Index j = 0; j < r.features; ++j) {
            double sum = 0;
            for (Index i = 0; i < r.samples; ++i)
                sum += f(i, j);
            s(0, j) = sum;
        }
        return s;
    }
    if (r.layer != Layer::BatchNorm && r.statCols() == 1) {  // not spatial batch norm's one channel
        for (Index i = 0; i < r.samples; ++i) {
            double sum = 0;
            for (Index j = 0; j < r.features; ++j)
                sum += f(i, j);
            s(i, 0) = sum;
        }
        return s;
    }
    for (Index j = 0; j < r.features; ++j)
        for (Index i = 0; i < r.samples; ++i)
            s(r.statRow(i), r.statCol(j)) += f(i, j);
    return s;
}

// Each element gets its statistic's value: N x D.
Matrix broadcast(const Reduction& r, const Matrix& s)
{
    // The common shapes without the per-element index arithmetic (the depth network calls this
    // in every layer of every step): a row per feature, or a column per sample.
    Matrix m(r.samples, r.features);
    if (r.layer == Layer::BatchNorm && r.positions == 1 && s.rows() == 1) {
        for (Index j = 0; j < r.features; ++j)
            m.col(j).setConstant(s(0, j));
        return m;
    }
    if (r.layer != Layer::BatchNorm && r.statCols() == 1) {
        for (Index j = 0; j < r.features; ++j)
            m.col(j) = s.col(0);
        return m;
    }
    for (Index j = 0; j < r.features; ++j)
        for (Index i = 0; i < r.samples; ++i)
            m(i, j) = s(r.statRow(i), r.statCol(j));
    return m;
}

// A per-channel row (gamma, beta; per feature without channels) spread over the D features.
RowVector perFeature(const Reduction& r, const RowVector& v)
{
    if (r.positions == 1)
        return v;
    RowVector out(r.features);
    for (Index j = 0; j < r.features; ++j)
        out[j] = v[r.channelOf(j)];
    return out;
}

Matrix timesPerFeature(const Reduction& r, const Matrix& m, const RowVector& v)
{
    return m.array().rowwise() * perFeature(r, v).array();
}

// The sum over the samples and the positions of each channel: 1 x C (column sums without channels).
RowVector channelSums(const Reduction& r, const Matrix& m)
{
    const RowVector columns = m.colwise().sum();
    if (r.positions == 1)
        return columns;
    RowVector out = RowVector::Zero(r.channels);
    for (Index j = 0; j < r.features; ++j)
        out[r.channelOf(j)] += columns[j];
    return out;
}

}  // namespace

FamilyForward familyForward(const Reduction& r, const Matrix& x, const RowVector& gamma,
                            const RowVector& beta, double eps, const NormConfig& config)
{
    FamilyForward f;
    const double m = static_cast<double>(r.count());
    if (r.eval) {  // the statistics are given (doc/derivation.md#eval-mode)
        f.mean = *config.runningMean;
        f.var = *config.runningVar;
        f.xmu = x.rowwise() - perFeature(r, *config.runningMean);
    } else if (r.layer == Layer::RmsNorm) {  // no centring: the mean square (doc/derivation.md#beyond-training-mode (RMSNorm))
        f.xmu = x;
        f.var = reduce(r, [&](Index i, Index j) { return x(i, j) * x(i, j); }) / m;
    } else {  // two-pass over each set, as batch norm over its columns
        f.mean = reduce(r, [&](Index i, Index j) { return x(i, j); }) / m;
        f.xmu = x - broadcast(r, f.mean);
        f.var = reduce(r, [&](Index i, Index j) { return f.xmu(i, j) * f.xmu(i, j); }) / m;
    }
    f.invStd = (f.var.array() + eps).rsqrt();
    f.xhat = f.xmu.cwiseProduct(broadcast(r, f.invStd));
    if (r.layer == Layer::RmsNorm) {  // the same arithmetic, RMSNorm's names
        f.rms = (f.var.array() + eps).sqrt();
        f.ms = std::move(f.var);
        f.rrms = std::move(f.invStd);
        f.var = Matrix();
        f.invStd = Matrix();
    }
    f.y = timesPerFeature(r, f.xhat, gamma).rowwise() + perFeature(r, beta);
    return f;
}

FamilyStaged familyStaged(const Reduction& r, const Matrix& dout, const FamilyForward& f,
                          const RowVector& gamma)
{
    FamilyStaged s;
    const double m = static_cast<double>(r.count());
    // cell 2: y = gamma * xhat + beta; gamma and beta are per feature (per channel) in every layer.
    s.dbeta = channelSums(r, dout);
    s.dgamma = channelSums(r, dout.cwiseProduct(f.xhat));
    s.dxhat = timesPerFeature(r, dout, gamma);
    const Matrix& invStd = f.inverseRoot();
    s.dxViaXhat = s.dxhat.cwiseProduct(broadcast(r, invStd));
    if (r.eval) {  // the statistics are constants: one path only
        s.dx = s.dxViaXhat;
        return s;
    }
    // cell 3: through inv_std = (var + eps)^(-1/2) (RMSNorm: rrms = (ms + eps)^(-1/2)).
    s.dinvStd = reduce(r, [&](Index i, Index j) { return s.dxhat(i, j) * f.xmu(i, j); });
    s.dvar = s.dinvStd.cwiseProduct((-0.5 * invStd.array().cube()).matrix());
    // cell 4: var (or ms) = (1/M) sum over the set of xmu^2: its gradient is 2 xmu / M.
    s.dxViaVar = broadcast(r, s.dvar).cwiseProduct(f.xmu) * (2.0 / m);
    if (r.layer == Layer::RmsNorm) {  // no mean: two paths, RMSNorm's names
        s.dx = s.dxViaXhat + s.dxViaVar;
        s.drrms = std::move(s.dinvStd);
        s.dms = std::move(s.dvar);
        s.dxViaMs = std::move(s.dxViaVar);
        s.dinvStd = s.dvar = s.dxViaVar = Matrix();
        return s;
    }
    s.dmeanViaXhat = -reduce(r, [&](Index i, Index j) { return s.dxhat(i, j); })
                          .cwiseProduct(invStd);
    s.dmeanViaVar = s.dvar.cwiseProduct(reduce(r, [&](Index i, Index j) { return f.xmu(i, j); })) *
                    (-2.0 / m);
    s.dmean = s.dmeanViaXhat + s.dmeanViaVar;
    s.dxViaMean = broadcast(r, s.dmean / m);
    // x - mu fans out into xhat and var: its gradient is the sum of the two shares, and x's
    // is that plus the share through the mean (the graph's fan-outs, core/teach/graph.h).
    s.dxmu = s.dxViaXhat + s.dxViaVar;
    s.dx = s.dxmu + s.dxViaMean;
    return s;
}

FamilyFused familyFused(const Reduction& r, const Matrix& dout, const FamilyForward& f,
                        const RowVector& gamma)
{
    FamilyFused t;
    const double m = static_cast<double>(r.count());
    const Matrix dxhat = timesPerFeature(r, dout, gamma);
    t.dgamma = channelSums(r, dout.cwiseProduct(f.xhat));
    t.dbeta = channelSums(r, dout);
    if (r.eval) {
        t.term1 = dxhat;
        t.scale = f.inverseRoot();
        t.dx = t.term1.cwiseProduct(broadcast(r, t.scale));
        return t;
    }
    t.sumDxhatXhat = reduce(r, [&](Index i, Index j) { return dxhat(i, j) * f.xhat(i, j); });
    if (r.layer == Layer::RmsNorm) {
        t.term1 = dxhat;
        t.sumDxhatXhat /= m;  // the mean over the row
        t.term3 = f.xhat.cwiseProduct(broadcast(r, t.sumDxhatXhat));
        t.scale = f.inverseRoot();
        t.dx = broadcast(r, t.scale).cwiseProduct(t.term1 - t.term3);
        return t;
    }
    t.term1 = m * dxhat;
    t.term2 = reduce(r, [&](Index i, Index j) { return dxhat(i, j); });
    t.term3 = f.xhat.cwiseProduct(broadcast(r, t.sumDxhatXhat));
    t.scale = f.inverseRoot() / m;
    t.dx = broadcast(r, t.scale).cwiseProduct(t.term1 - broadcast(r, t.term2) - t.term3);
    return t;
}

RunningUpdate updateRunning(const NormConfig& config, const RowVector& batchMean,
                            const RowVector& biasedBatchVar, Index setSize)
{
    RunningUpdate u;
    u.momentum = config.momentumOrDefault();
    const double m = u.momentum;
    const RowVector& mean = *config.runningMean;
    const RowVector& var = *config.runningVar;
    if (config.conventionOrDefault() == Convention::PyTorch) {
        // r <- (1 - m) r + m s, with the unbiased variance (N - 1), as torch.nn.BatchNorm1d.
        const double n = static_cast<double>(setSize);
        u.batchVar = biasedBatchVar * (n / (n - 1));
        u.mean = (1 - m) * mean + m * batchMean;
        u.var = (1 - m) * var + m * u.batchVar;
    } else {
        // Keras and CS231n: r <- m r + (1 - m) s, with the biased variance.
        u.batchVar = biasedBatchVar;
        u.mean = m * mean + (1 - m) * batchMean;
        u.var = m * var + (1 - m) * u.batchVar;
    }
    return u;
}

namespace {

std::optional<std::string> firstNonFinite(std::string_view name, const Matrix& m)
{
    for (Index i = 0; i < m.rows(); ++i)
        for (Index j = 0; j < m.cols(); ++j)
            if (!std::isfinite(m(i, j)))
                return std::string(name) + "[" + std::to_string(i) + "][" + std::to_string(j) + "]";
    return std::nullopt;
}

// Whether every element of set (a, c) has the same value, i.e. its variance is 0 rather than
// too small for a double.
bool isConstant(const Reduction& r, const Matrix& x, Index a, Index c)
{
    const auto cells = r.setCells(a, c);
    for (const auto& [i, j] : cells)
        if (x(i, j) != x(cells.front().first, cells.front().second))
            return false;
    return true;
}

std::string shortNumber(double v)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.3g", v);
    return text;
}

Problems checkStatistics(const Reduction& r, const Matrix& x, const FamilyForward& f, double eps)
{
    Problems problems;
    for (Index a = 0; a < f.square().rows(); ++a)
        for (Index c = 0; c < f.square().cols(); ++c) {
            const double varEps = f.square()(a, c) + eps;
            if (r.eval) {
                if (varEps == 0)
                    problems.push_back({"running_var[" + std::to_string(c) + "]",
                                        "is 0 and eps = 0, so 1/sqrt(running_var + eps) divides "
                                        "by zero; set eps > 0"});
                continue;
            }
            const std::string set = r.setName(a, c);
            const bool rms = r.layer == Layer::RmsNorm;
            const std::string square = rms ? "ms" : "var";
            if (!std::isfinite(f.square()(a, c)) || (!rms && !std::isfinite(f.mean(a, c))))
                problems.push_back({set, std::string(rms ? "the mean square" : "the variance") +
                                             " overflows a double; scale the values down"});
            else if (varEps == 0 && rms)
                problems.push_back({set, "is all zeros (mean square 0) and eps = 0, so the inverse "
                                         "square root divides by zero; set eps > 0"});
            else if (varEps == 0 && isConstant(r, x, a, c))
                problems.push_back({set, "is constant (variance 0) and eps = 0, so 1/sqrt(var + eps) "
                                         "divides by zero; set eps > 0"});
            else if (varEps == 0)
                problems.push_back({set, "is not constant, but its variance underflows to 0 (its "
                                         "values differ by less than a double can square) and eps = "
                                         "0, so 1/sqrt(var + eps) divides by zero; scale the values "
                                         "up or set eps > 0"});
            else if (!std::isfinite(std::pow(varEps, -1.5)))  // the backward pass's (var + eps)^(-3/2)
                problems.push_back({set, square + " + eps = " + shortNumber(varEps) + " is so small "
                                         "that (" + square + " + eps)^(-3/2) in the backward pass "
                                         "overflows a double; set eps >= 1e-200 or scale the "
                                         "values up"});
        }
    return problems;
}

// Training batch norm with a gamma per feature has its own tuned kernels (batchnorm.h, the ones
// bnflow-cli bench times): its layer calls them, so what is shown is what is timed, bit for bit.
// The reduction routines above compute the same quantities in the same order of cells; the
// kernels' sums may differ from theirs in the last bits.
FamilyForward kernelForward(const Session& s)
{
    const ForwardCache<double> c = forward<double>(s.x, s.gamma, s.beta, s.eps);
    FamilyForward f;
    f.mean = c.mean;
    f.xmu = c.xmu;
    f.var = c.var;
    f.invStd = c.invStd;
    f.xhat = c.xhat;
    f.y = c.y;
    return f;
}

void kernelBackward(const Session& s, FamilyAnalysis& a)
{
    ForwardCache<double> c;
    c.mean = a.forward.mean;
    c.xmu = a.forward.xmu;
    c.var = a.forward.var;
    c.invStd = a.forward.invStd;
    c.xhat = a.forward.xhat;
    c.y = a.forward.y;
    const StagedGradients<double> g = backwardStaged<double>(s.dout, c, s.gamma);
    FamilyStaged& st = a.staged;
    st.dbeta = g.dbeta;
    st.dgamma = g.dgamma;
    st.dxhat = g.dxhat;
    st.dinvStd = g.dinvStd;
    st.dvar = g.dvar;
    st.dmeanViaXhat = g.dmeanViaXhat;
    st.dmeanViaVar = g.dmeanViaVar;
    st.dmean = g.dmean;
    st.dxViaXhat = g.dxViaXhat;
    st.dxViaVar = g.dxViaVar;
    st.dxmu = g.dxmu;
    st.dxViaMean = g.dxViaMean.replicate(s.samples(), 1);  // the family's cells are N x D
    st.dx = g.dx;
    FusedTerms<double> t = backwardFusedTerms<double>(s.dout, c, s.gamma);
    FamilyFused& fu = a.fused;
    fu.term1 = std::move(t.term1);
    fu.term2 = t.term2;
    fu.sumDxhatXhat = t.sumDxhatXhat;
    fu.term3 = std::move(t.term3);
    fu.scale = t.scale;
    fu.dx = std::move(t.grads.dx);
    fu.dgamma = t.grads.dgamma;
    fu.dbeta = t.grads.dbeta;
}

}  // namespace

FamilyResult analyzeFamily(const Session& session)
{
    FamilyResult result;
    result.problems = session.validate();
    if (!result.problems.empty())
        return result;
    FamilyAnalysis a;
    a.reduction = Reduction::of(session.norm, session.samples(), session.features());
    const bool kernels = session.norm.isTrainingBatchNorm();
    a.forward = kernels ? kernelForward(session)
                        : familyForward(a.reduction, session.x, session.gamma, session.beta,
                                        session.eps, session.norm);
    result.problems = checkStatistics(a.reduction, session.x, a.forward, session.eps);
    if (!result.problems.empty())
        return result;
    if (kernels) {
        kernelBackward(session, a);
    } else {
        a.staged = familyStaged(a.reduction, session.dout, a.forward, session.gamma);
        a.fused = familyFused(a.reduction, session.dout, a.forward, session.gamma);
    }
    if (session.norm.updatesRunning())
        a.running = updateRunning(session.norm, a.forward.mean, a.forward.var, a.reduction.count());

    const std::pair<const char*, const Matrix*> inOrder[] = {
        {"xhat", &a.forward.xhat}, {"y", &a.forward.y}, {"dxhat", &a.staged.dxhat},
        {"dx", &a.staged.dx}, {"dx (fused)", &a.fused.dx}};
    for (const auto& [name, m] : inOrder)
        if (const auto where = firstNonFinite(name, *m)) {
            result.problems.push_back({*where, "overflows a double; the inputs are too large"});
            return result;
        }
    for (const auto& [name, v] : {std::pair{"dgamma", &a.staged.dgamma}, {"dbeta", &a.staged.dbeta}})
        if (!v->allFinite()) {
            result.problems.push_back({name, "overflows a double; the inputs are too large"});
            return result;
        }
    if (a.running && !(a.running->mean.allFinite() && a.running->var.allFinite())) {
        result.problems.push_back({"running_var", "the updated running statistics overflow a double"});
        return result;
    }
    a.absDiffDx = (a.fused.dx - a.staged.dx).cwiseAbs();
    a.maxAbsDiffDx = a.absDiffDx.maxCoeff();
    a.maxAbsDiffDgamma = (a.fused.dgamma - a.staged.dgamma).cwiseAbs().maxCoeff();
    a.maxAbsDiffDbeta = (a.fused.dbeta - a.staged.dbeta).cwiseAbs().maxCoeff();
    if (session.norm.isTrainingBatchNorm()) {
        a.dxColumnSums = a.staged.dx.colwise().sum();
        a.dxXhatColumnSums = (a.staged.dx.array() * a.forward.xhat.array()).colwise().sum();
    }
    result.analysis = std::move(a);
    return result;
}

}  // namespace bnflow
