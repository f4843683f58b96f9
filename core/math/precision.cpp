#include <core/math/precision.h>
#include <core/math/precision_lens.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace bnflow {

using Index = Eigen::Index;

Matrix PrecisionLens::store(const Matrix& m)
{
    Matrix out(m.rows(), m.cols());
    for (Index j = 0; j < m.cols(); ++j)
        for (Index i = 0; i < m.rows(); ++i)
            out(i, j) = store(m(i, j));
    return out;
}

RowVector PrecisionLens::store(const RowVector& v)
{
    RowVector out(v.size());
    for (Index j = 0; j < v.size(); ++j)
        out[j] = store(v[j]);
    return out;
}

namespace {

// The session's values in T, each rounded once.
struct Inputs {
    Matrix x, dout;
    RowVector gamma, beta, runningMean, runningVar;
    double eps = 0;
};

// f(i, j) for every element: N x D.
template <typename F>
Matrix each(const Reduction& r, F f)
{
    Matrix m(r.samples, r.features);
    for (Index i = 0; i < r.samples; ++i)
        for (Index j = 0; j < r.features; ++j)
            m(i, j) = f(i, j);
    return m;
}

// f(a, c) for every statistic: the layer's statistics shape.
template <typename F>
Matrix eachSet(const Reduction& r, F f)
{
    Matrix m(r.statRows(), r.statCols());
    for (Index a = 0; a < m.rows(); ++a)
        for (Index c = 0; c < m.cols(); ++c)
            m(a, c) = f(a, c);
    return m;
}

// The sum of term(i, j) over each statistic's set, in family.cpp's reduce() order (feature by
// feature, sample by sample within a feature), running in A, stored in T.
template <typename F>
Matrix setSums(PrecisionLens& lens, const Reduction& r, F term)
{
    Matrix s = Matrix::Zero(r.statRows(), r.statCols());
    for (Index j = 0; j < r.features; ++j)
        for (Index i = 0; i < r.samples; ++i)
            s(r.statRow(i), r.statCol(j)) = lens.accumulate(s(r.statRow(i), r.statCol(j)), term(i, j));
    return lens.store(s);
}

// The sum of term(i, j) over the samples and positions of each channel (dgamma, dbeta): 1 x C,
// in the same order, running in A, stored in T.
template <typename F>
RowVector channelSums(PrecisionLens& lens, const Reduction& r, F term)
{
    RowVector s = RowVector::Zero(r.channels);
    for (Index j = 0; j < r.features; ++j)
        for (Index i = 0; i < r.samples; ++i)
            s[r.channelOf(j)] = lens.accumulate(s[r.channelOf(j)], term(i, j));
    return lens.store(s);
}

// The statistic element (i, j) belongs to.
double stat(const Reduction& r, const Matrix& s, Index i, Index j)
{
    return s(r.statRow(i), r.statCol(j));
}

FamilyForward forward(PrecisionLens& lens, const Reduction& r, const Inputs& in)
{
    FamilyForward f;
    const double m = lens.store(static_cast<double>(r.count()));
    const auto xhatAndY = [&](const Matrix& scale) {
        lens.at("xhat");
        f.xhat = each(r, [&](Index i, Index j) { return lens.mul(f.xmu(i, j), stat(r, scale, i, j)); });
        lens.at("y");
        f.y = each(r, [&](Index i, Index j) {
            const Index c = r.channelOf(j);
            return lens.add(lens.mul(f.xhat(i, j), in.gamma[c]), in.beta[c]);
        });
    };
    const auto inverseRoot = [&](const Matrix& square) {
        return eachSet(r, [&](Index a, Index c) { return lens.rsqrt(lens.add(square(a, c), in.eps)); });
    };
    if (r.eval) {  // the statistics are given: the eval step list's order
        f.mean = in.runningMean;
        f.var = in.runningVar;
        lens.at("inv_std");
        f.invStd = inverseRoot(f.var);
        lens.at("xmu");
        f.xmu = each(r, [&](Index i, Index j) { return lens.sub(in.x(i, j), f.mean(0, r.channelOf(j))); });
        xhatAndY(f.invStd);
        return f;
    }
    if (r.layer == Layer::RmsNorm) {
        f.xmu = in.x;
        lens.at("ms");
        f.ms = setSums(lens, r, [&](Index i, Index j) { return lens.mul(in.x(i, j), in.x(i, j)); });
        f.ms = eachSet(r, [&](Index a, Index c) { return lens.div(f.ms(a, c), m); });
        lens.at("rms");
        f.rms = eachSet(r, [&](Index a, Index c) { return lens.sqrt(lens.add(f.ms(a, c), in.eps)); });
        lens.at("rrms");
        f.rrms = inverseRoot(f.ms);
        xhatAndY(f.rrms);
        return f;
    }
    lens.at("mean");
    f.mean = setSums(lens, r, [&](Index i, Index j) { return in.x(i, j); });
    f.mean = eachSet(r, [&](Index a, Index c) { return lens.div(f.mean(a, c), m); });
    lens.at("xmu");
    f.xmu = each(r, [&](Index i, Index j) { return lens.sub(in.x(i, j), stat(r, f.mean, i, j)); });
    lens.at("var");
    f.var = setSums(lens, r, [&](Index i, Index j) { return lens.mul(f.xmu(i, j), f.xmu(i, j)); });
    f.var = eachSet(r, [&](Index a, Index c) { return lens.div(f.var(a, c), m); });
    lens.at("inv_std");
    f.invStd = inverseRoot(f.var);
    xhatAndY(f.invStd);
    return f;
}

// family.cpp's updateRunning(), each product and sum one operation in T.
RunningUpdate running(PrecisionLens& lens, const NormConfig& config, const Reduction& r,
                      const FamilyForward& f, const Inputs& in)
{
    RunningUpdate u;
    u.momentum = config.momentumOrDefault();
    const double m = lens.store(u.momentum);
    const double rest = lens.store(1 - u.momentum);
    const bool pytorch = config.conventionOrDefault() == Convention::PyTorch;
    // r <- (1 - m) r + m s (pytorch) or m r + (1 - m) s (keras, cs231n)
    const double onOld = pytorch ? rest : m;
    const double onBatch = pytorch ? m : rest;
    lens.at("updated_running_mean");
    u.mean = RowVector(r.channels);
    for (Index c = 0; c < r.channels; ++c)
        u.mean[c] = lens.add(lens.mul(onOld, in.runningMean[c]), lens.mul(onBatch, f.mean(0, c)));
    lens.at("updated_running_var");
    const double n = static_cast<double>(r.count());
    const double unbias = lens.store(n / (n - 1));
    u.batchVar = RowVector(r.channels);
    u.var = RowVector(r.channels);
    for (Index c = 0; c < r.channels; ++c) {
        u.batchVar[c] = pytorch ? lens.mul(f.var(0, c), unbias) : f.var(0, c);
        u.var[c] = lens.add(lens.mul(onOld, in.runningVar[c]), lens.mul(onBatch, u.batchVar[c]));
    }
    return u;
}

}  // namespace

namespace {

FamilyStaged staged(PrecisionLens& lens, const Reduction& r, const FamilyForward& f, const Inputs& in)
{
    FamilyStaged s;
    const double m = lens.store(static_cast<double>(r.count()));
    lens.at("dbeta");
    s.dbeta = channelSums(lens, r, [&](Index i, Index j) { return in.dout(i, j); });
    lens.at("dgamma");
    s.dgamma = channelSums(lens, r, [&](Index i, Index j) { return lens.mul(in.dout(i, j), f.xhat(i, j)); });
    lens.at("dxhat");
    s.dxhat = each(r, [&](Index i, Index j) { return lens.mul(in.dout(i, j), in.gamma[r.channelOf(j)]); });
    const Matrix& invStd = f.inverseRoot();
    const auto direct = [&] {
        lens.at("dx_via_xhat");
        s.dxViaXhat = each(r, [&](Index i, Index j) { return lens.mul(s.dxhat(i, j), stat(r, invStd, i, j)); });
    };
    if (r.eval) {
        lens.at("dx");
        s.dxViaXhat = each(r, [&](Index i, Index j) { return lens.mul(s.dxhat(i, j), stat(r, invStd, i, j)); });
        s.dx = s.dxViaXhat;
        return s;
    }
    const bool rms = r.layer == Layer::RmsNorm;
    // cell 3: through inv_std = (var + eps)^(-1/2): dvar = dinv_std * (-1/2) inv_std^3
    lens.at(rms ? "drrms" : "dinv_std");
    const Matrix dinvStd = setSums(lens, r, [&](Index i, Index j) { return lens.mul(s.dxhat(i, j), f.xmu(i, j)); });
    lens.at(rms ? "dms" : "dvar");
    const double minusHalf = lens.store(-0.5);
    const Matrix dvar = eachSet(r, [&](Index a, Index c) {
        return lens.mul(dinvStd(a, c), lens.mul(minusHalf, lens.cube(invStd(a, c))));
    });
    const double twoOverM = lens.store(2.0 / static_cast<double>(r.count()));
    const auto viaVar = [&] {
        return each(r, [&](Index i, Index j) { return lens.mul(lens.mul(stat(r, dvar, i, j), f.xmu(i, j)), twoOverM); });
    };
    if (rms) {
        s.drrms = dinvStd;
        s.dms = dvar;
        direct();
        lens.at("dx_via_ms");
        s.dxViaMs = viaVar();
        lens.at("dx");
        s.dx = each(r, [&](Index i, Index j) { return lens.add(s.dxViaXhat(i, j), s.dxViaMs(i, j)); });
        return s;
    }
    s.dinvStd = dinvStd;
    s.dvar = dvar;
    lens.at("dmean_via_xhat");
    s.dmeanViaXhat = setSums(lens, r, [&](Index i, Index j) { return s.dxhat(i, j); });
    s.dmeanViaXhat = eachSet(r, [&](Index a, Index c) { return lens.mul(-s.dmeanViaXhat(a, c), invStd(a, c)); });
    lens.at("dmean_via_var");
    const double minusTwoOverM = lens.store(-2.0 / static_cast<double>(r.count()));
    const Matrix sumXmu = setSums(lens, r, [&](Index i, Index j) { return f.xmu(i, j); });
    s.dmeanViaVar = eachSet(r, [&](Index a, Index c) { return lens.mul(lens.mul(dvar(a, c), sumXmu(a, c)), minusTwoOverM); });
    lens.at("dmean");
    s.dmean = eachSet(r, [&](Index a, Index c) { return lens.add(s.dmeanViaXhat(a, c), s.dmeanViaVar(a, c)); });
    direct();
    lens.at("dx_via_var");
    s.dxViaVar = viaVar();
    lens.at("dxmu");
    s.dxmu = each(r, [&](Index i, Index j) { return lens.add(s.dxViaXhat(i, j), s.dxViaVar(i, j)); });
    lens.at("dx_via_mean");
    const Matrix meanShare = eachSet(r, [&](Index a, Index c) { return lens.div(s.dmean(a, c), m); });
    s.dxViaMean = each(r, [&](Index i, Index j) { return stat(r, meanShare, i, j); });
    lens.at("dx");
    s.dx = each(r, [&](Index i, Index j) { return lens.add(s.dxmu(i, j), s.dxViaMean(i, j)); });
    return s;
}

FamilyFused fused(PrecisionLens& lens, const Reduction& r, const FamilyForward& f, const FamilyStaged& s)
{
    FamilyFused t;
    const double m = lens.store(static_cast<double>(r.count()));
    const Matrix& dxhat = s.dxhat;  // dout * gamma: the same operations as the staged cell
    t.dgamma = s.dgamma;
    t.dbeta = s.dbeta;
    if (r.eval) {
        t.term1 = dxhat;
        t.scale = f.inverseRoot();
        lens.at("fused_dx");
        t.dx = each(r, [&](Index i, Index j) { return lens.mul(t.term1(i, j), stat(r, t.scale, i, j)); });
        return t;
    }
    if (r.layer == Layer::RmsNorm) {
        t.term1 = dxhat;
        lens.at("fused_term3");
        t.sumDxhatXhat = setSums(lens, r, [&](Index i, Index j) { return lens.mul(dxhat(i, j), f.xhat(i, j)); });
        t.sumDxhatXhat = eachSet(r, [&](Index a, Index c) { return lens.div(t.sumDxhatXhat(a, c), m); });
        t.term3 = each(r, [&](Index i, Index j) { return lens.mul(f.xhat(i, j), stat(r, t.sumDxhatXhat, i, j)); });
        t.scale = f.inverseRoot();
        lens.at("fused_dx");
        t.dx = each(r, [&](Index i, Index j) {
            return lens.mul(stat(r, t.scale, i, j), lens.sub(t.term1(i, j), t.term3(i, j)));
        });
        return t;
    }
    lens.at("fused_term1");
    t.term1 = each(r, [&](Index i, Index j) { return lens.mul(m, dxhat(i, j)); });
    lens.at("fused_term2");
    t.term2 = setSums(lens, r, [&](Index i, Index j) { return dxhat(i, j); });
    lens.at("fused_term3");
    t.sumDxhatXhat = setSums(lens, r, [&](Index i, Index j) { return lens.mul(dxhat(i, j), f.xhat(i, j)); });
    t.term3 = each(r, [&](Index i, Index j) { return lens.mul(f.xhat(i, j), stat(r, t.sumDxhatXhat, i, j)); });
    lens.at("fused_dx");
    t.scale = eachSet(r, [&](Index a, Index c) { return lens.div(f.invStd(a, c), m); });
    t.dx = each(r, [&](Index i, Index j) {
        const double bracket = lens.sub(lens.sub(t.term1(i, j), stat(r, t.term2, i, j)), t.term3(i, j));
        return lens.mul(stat(r, t.scale, i, j), bracket);
    });
    return t;
}

// The largest |a - b| in float64; NaN when an entry is not finite (written as null).
double maxAbsDiff(const Matrix& a, const Matrix& b)
{
    double largest = 0;
    for (Index i = 0; i < a.rows(); ++i)
        for (Index j = 0; j < a.cols(); ++j) {
            const double d = std::abs(a(i, j) - b(i, j));
            if (!std::isfinite(d))
                return std::numeric_limits<double>::quiet_NaN();
            largest = std::max(largest, d);
        }
    return largest;
}

}  // namespace

PrecisionRun emulatePrecision(const Session& session, NumberType type, NumberType accumulate)
{
    if (!fitsIn(type, accumulate))
        throw std::invalid_argument("the accumulate type " + std::string(numberTypeName(accumulate)) +
                                    " is narrower than " + std::string(numberTypeName(type)));
    PrecisionLens lens(type, accumulate);
    PrecisionRun run;
    run.type = type;
    run.accumulate = accumulate;
    FamilyAnalysis& a = run.analysis;
    a.reduction = Reduction::of(session.norm, session.samples(), session.features());
    Inputs in;
    lens.at("x");
    in.x = lens.store(session.x);
    lens.at("gamma");
    in.gamma = lens.store(session.gamma);
    lens.at("beta");
    in.beta = lens.store(session.beta);
    lens.at("eps");
    in.eps = lens.store(session.eps);
    if (session.norm.runningMean) {
        lens.at("running_mean");
        in.runningMean = lens.store(*session.norm.runningMean);
    }
    if (session.norm.runningVar) {
        lens.at("running_var");
        in.runningVar = lens.store(*session.norm.runningVar);
    }
    a.forward = forward(lens, a.reduction, in);
    if (session.norm.updatesRunning())
        a.running = running(lens, session.norm, a.reduction, a.forward, in);
    lens.at("dout");
    in.dout = lens.store(session.dout);
    a.staged = staged(lens, a.reduction, a.forward, in);
    a.fused = fused(lens, a.reduction, a.forward, a.staged);
    a.absDiffDx = (a.fused.dx - a.staged.dx).cwiseAbs();
    a.maxAbsDiffDx = maxAbsDiff(a.fused.dx, a.staged.dx);
    a.maxAbsDiffDgamma = maxAbsDiff(a.fused.dgamma, a.staged.dgamma);
    a.maxAbsDiffDbeta = maxAbsDiff(a.fused.dbeta, a.staged.dbeta);
    run.overflow = lens.overflow();
    return run;
}

double scaledError(const Matrix& result, const Matrix& reference)
{
    double error = 0, scale = 0;
    for (Index i = 0; i < reference.rows(); ++i)
        for (Index j = 0; j < reference.cols(); ++j) {
            const double d = std::abs(result(i, j) - reference(i, j));
            if (!std::isfinite(d))
                return std::numeric_limits<double>::infinity();
            error = std::max(error, d);
            scale = std::max(scale, std::abs(reference(i, j)));
        }
    return scale > 0 ? error / scale : error;
}

PrecisionErrors errorsAgainst(const FamilyAnalysis& emulated, const FamilyAnalysis& reference)
{
    PrecisionErrors e;
    e.y = scaledError(emulated.forward.y, reference.forward.y);
    e.dx = scaledError(emulated.staged.dx, reference.staged.dx);
    e.dgamma = scaledError(emulated.staged.dgamma, reference.staged.dgamma);
    e.dbeta = scaledError(emulated.staged.dbeta, reference.staged.dbeta);
    return e;
}

}  // namespace bnflow
