#include <core/math/gradcheck.h>

#include <core/math/batchnorm.h>
#include <core/math/family.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <unordered_set>
#include <vector>

namespace bnflow {
namespace {

// f restricted to one feature column: sum_i dout_i * (gamma * xhat_i + beta). Perturbing x_ij,
// gamma_j or beta_j changes no other column, so this is f up to a constant.
template <typename S>
S columnObjective(const std::vector<S>& x, const std::vector<S>& dout, S gamma, S beta, S eps)
{
    const auto n = static_cast<S>(x.size());
    S mean = 0;
    for (const S v : x)
        mean += v;
    mean /= n;
    S var = 0;
    for (const S v : x)
        var += (v - mean) * (v - mean);
    var /= n;
    const S invStd = S(1) / std::sqrt(var + eps);
    S f = 0;
    for (std::size_t i = 0; i < x.size(); ++i)
        f += dout[i] * (gamma * (x[i] - mean) * invStd + beta);
    return f;
}

template <typename S>
void check(const Session& session, const GradCheckSettings& settings, GradCheckReport& r)
{
    const Mat<S> x = session.x.cast<S>();
    const Mat<S> dout = session.dout.cast<S>();
    const RowVec<S> gamma = session.gamma.cast<S>();
    const RowVec<S> beta = session.beta.cast<S>();
    const auto eps = static_cast<S>(session.eps);
    const auto h = static_cast<S>(settings.h);
    const Eigen::Index n = x.rows();
    const Eigen::Index d = x.cols();

    const ForwardCache<S> cache = forward<S>(x, gamma, beta, eps);
    for (Eigen::Index j = 0; j < d; ++j) {
        // A variance beyond the type's range gives inv_std = 0: every difference and gradient
        // of the column is then exactly 0, a perfect "pass" of nothing.
        if (!std::isfinite(cache.var[j]) || !std::isfinite(cache.invStd[j]) || cache.invStd[j] == 0) {
            r.status = GradCheckReport::Status::NonFinite;
            r.problem = Problem{"x[*][" + std::to_string(j) + "]",
                                "the variance of feature " + std::to_string(j) + " overflows " +
                                    (std::is_same_v<S, float> ? "a float (float32 ends near 3.4e38)"
                                                              : "a double") +
                                    "; it cannot be checked in this precision"};
            return;
        }
    }
    // The analytic gradient is the Analysis' fused dx, bit for bit (the same function as
    // analyze(), on the same forward cache): the check and its plot judge the dx that `grad`
    // prints and the window shows, not a third computation.
    const Gradients<S> analytic = backwardFusedTerms<S>(dout, cache, gamma).grads;
    r.analyticDx = analytic.dx.template cast<double>();
    r.analyticDgamma = analytic.dgamma.template cast<double>();
    r.analyticDbeta = analytic.dbeta.template cast<double>();
    r.numericDx = Matrix::Constant(n, d, std::numeric_limits<double>::quiet_NaN());
    r.numericDgamma.resize(d);
    r.numericDbeta.resize(d);

    std::vector<S> column(static_cast<std::size_t>(n));
    std::vector<S> g(static_cast<std::size_t>(n));
    const auto difference = [&](S plus, S minus) {
        return static_cast<double>((plus - minus) / (S(2) * h));
    };
    const std::size_t total = r.checkedDx.size() + static_cast<std::size_t>(d);
    std::size_t done = 0;
    auto next = r.checkedDx.begin();  // ascending k = j * n + i: one column after the other
    for (Eigen::Index j = 0; j < d; ++j) {
        for (Eigen::Index i = 0; i < n; ++i) {
            column[i] = x(i, j);
            g[i] = dout(i, j);
        }
        const auto f = [&](S gammaJ, S betaJ) {
            return columnObjective<S>(column, g, gammaJ, betaJ, eps);
        };
        for (; next != r.checkedDx.end() && *next / n == j; ++next) {
            if (settings.cancel && settings.cancel->load()) {
                r.status = GradCheckReport::Status::Cancelled;
                return;
            }
            const Eigen::Index i = *next % n;
            const S saved = column[i];
            column[i] = saved + h;
            const S plus = f(gamma[j], beta[j]);
            column[i] = saved - h;
            const S minus = f(gamma[j], beta[j]);
            column[i] = saved;
            r.numericDx(i, j) = difference(plus, minus);
            if (settings.progress && ++done % 1024 == 0)
                settings.progress(done, total);
        }
        r.numericDgamma[j] = difference(f(gamma[j] + h, beta[j]), f(gamma[j] - h, beta[j]));
        r.numericDbeta[j] = difference(f(gamma[j], beta[j] + h), f(gamma[j], beta[j] - h));
        ++done;
    }
    if (settings.progress)
        settings.progress(total, total);
}

// The family's xhat written independently of family.cpp (plain loops over one set at a time),
// so that the check compares two implementations. Each set is normalized on its own: a block
// of a row (layer norm, RMSNorm, group norm), a channel's columns over the batch (spatial batch
// norm in training mode); in eval mode each element alone.
class SetXhat {
public:
    SetXhat(const NormConfig& c, Eigen::Index features, double eps)
        : c_(c), layer_(c.layerOrDefault()), d_(features), positions_(c.positions(features)),
          eps_(eps)
    {
        rowSet_ = layer_ == Layer::GroupNorm ? d_ / *c.groups : d_;
    }

    // Whether a set spans several rows (batch norm in training mode: a channel's columns).
    bool spansRows() const { return layer_ == Layer::BatchNorm && !c_.isEval(); }
    // The columns of the set that column j belongs to (within one row when !spansRows()).
    std::pair<Eigen::Index, Eigen::Index> columns(Eigen::Index j) const
    {
        if (layer_ == Layer::BatchNorm)
            return c_.isEval() ? std::pair{j, j + 1}
                               : std::pair{j / positions_ * positions_, (j / positions_ + 1) * positions_};
        return {j / rowSet_ * rowSet_, (j / rowSet_ + 1) * rowSet_};
    }
    // xhat over rows [r0, r1) and columns [c0, c1), which must be whole sets.
    void fill(const Matrix& x, Eigen::Index r0, Eigen::Index r1, Eigen::Index c0, Eigen::Index c1,
              Matrix& xhat) const
    {
        if (layer_ == Layer::BatchNorm && c_.isEval()) {
            for (Eigen::Index i = r0; i < r1; ++i)
                for (Eigen::Index j = c0; j < c1; ++j) {
                    const Eigen::Index ch = j / positions_;
                    xhat(i, j) = (x(i, j) - (*c_.runningMean)[ch]) /
                                 std::sqrt((*c_.runningVar)[ch] + eps_);
                }
            return;
        }
        for (Eigen::Index start = c0; start < c1; start = columns(start).second) {
            const Eigen::Index end = columns(start).second;
            if (spansRows())
                normalize(x, r0, r1, start, end, xhat);
            else
                for (Eigen::Index i = r0; i < r1; ++i)
                    normalize(x, i, i + 1, start, end, xhat);
        }
    }

private:
    void normalize(const Matrix& x, Eigen::Index r0, Eigen::Index r1, Eigen::Index c0,
                   Eigen::Index c1, Matrix& xhat) const
    {
        const double m = double((r1 - r0) * (c1 - c0));
        double mean = 0;
        if (layer_ != Layer::RmsNorm) {
            for (Eigen::Index i = r0; i < r1; ++i)
                for (Eigen::Index j = c0; j < c1; ++j)
                    mean += x(i, j);
            mean /= m;
        }
        double var = 0;  // RMSNorm: the mean square, as mean = 0
        for (Eigen::Index i = r0; i < r1; ++i)
            for (Eigen::Index j = c0; j < c1; ++j)
                var += (x(i, j) - mean) * (x(i, j) - mean);
        var /= m;
        for (Eigen::Index i = r0; i < r1; ++i)
            for (Eigen::Index j = c0; j < c1; ++j)
                xhat(i, j) = (x(i, j) - mean) / std::sqrt(var + eps_);
    }

    const NormConfig& c_;
    Layer layer_;
    Eigen::Index d_, positions_, rowSet_ = 1;
    double eps_;
};

// The check for the family (family.h), in float64: x_ij moves only its own set, gamma_c and
// beta_c only their channel's columns, so each difference re-evaluates just that part of f.
void checkFamily(const Session& session, const GradCheckSettings& settings, GradCheckReport& r)
{
    const Eigen::Index n = session.samples(), d = session.features();
    const Eigen::Index positions = session.norm.positions(d), channels = d / positions;
    const double h = settings.h;
    const FamilyResult family = analyzeFamily(session);
    if (!family.ok()) {
        r.status = GradCheckReport::Status::NonFinite;
        r.problem = family.problems.front();
        return;
    }
    r.analyticDx = family.analysis->fused.dx;
    r.analyticDgamma = family.analysis->fused.dgamma;
    r.analyticDbeta = family.analysis->fused.dbeta;
    r.numericDx = Matrix::Constant(n, d, std::numeric_limits<double>::quiet_NaN());
    r.numericDgamma.resize(channels);
    r.numericDbeta.resize(channels);
    const SetXhat sets(session.norm, d, session.eps);
    Matrix xhat(n, d);
    sets.fill(session.x, 0, n, 0, d, xhat);

    // f = sum(dout * y) over the set of (i, j), x changed at (i, j) only.
    Matrix x = session.x, scratch(n, d);
    const auto setObjective = [&](Eigen::Index i, Eigen::Index j) {
        const auto [c0, c1] = sets.columns(j);
        const Eigen::Index r0 = sets.spansRows() ? 0 : i, r1 = sets.spansRows() ? n : i + 1;
        sets.fill(x, r0, r1, c0, c1, scratch);
        double f = 0;
        for (Eigen::Index a = r0; a < r1; ++a)
            for (Eigen::Index b = c0; b < c1; ++b)
                f += session.dout(a, b) * (session.gamma[b / positions] * scratch(a, b) +
                                           session.beta[b / positions]);
        return f;
    };
    const std::size_t total = r.checkedDx.size() + static_cast<std::size_t>(channels);
    std::size_t done = 0;
    for (const Eigen::Index k : r.checkedDx) {
        if (settings.cancel && settings.cancel->load()) {
            r.status = GradCheckReport::Status::Cancelled;
            return;
        }
        const Eigen::Index i = k % n, j = k / n;
        const double saved = x(i, j);
        x(i, j) = saved + h;
        const double plus = setObjective(i, j);
        x(i, j) = saved - h;
        const double minus = setObjective(i, j);
        x(i, j) = saved;
        r.numericDx(i, j) = (plus - minus) / (2 * h);
        if (settings.progress && ++done % 1024 == 0)
            settings.progress(done, total);
    }
    for (Eigen::Index c = 0; c < channels; ++c) {
        const auto channel = [&](double gamma, double beta) {
            double f = 0;
            for (Eigen::Index j = c * positions; j < (c + 1) * positions; ++j)
                for (Eigen::Index i = 0; i < n; ++i)
                    f += session.dout(i, j) * (gamma * xhat(i, j) + beta);
            return f;
        };
        const double g = session.gamma[c], b = session.beta[c];
        r.numericDgamma[c] = (channel(g + h, b) - channel(g - h, b)) / (2 * h);
        r.numericDbeta[c] = (channel(g, b + h) - channel(g, b - h)) / (2 * h);
    }
    if (settings.progress)
        settings.progress(total, total);
}

// K distinct indices of 0 .. count - 1, ascending (Floyd's algorithm), or all of them.
std::vector<Eigen::Index> chooseEntries(Eigen::Index count, std::size_t samples, std::uint64_t seed)
{
    std::vector<Eigen::Index> chosen;
    if (samples == 0 || samples >= static_cast<std::size_t>(count)) {
        chosen.resize(static_cast<std::size_t>(count));
        for (Eigen::Index k = 0; k < count; ++k)
            chosen[static_cast<std::size_t>(k)] = k;
        return chosen;
    }
    // A modulo rather than std::uniform_int_distribution, whose output differs between
    // standard libraries; the bias (count / 2^64) does not matter here.
    std::mt19937_64 engine(seed);
    std::unordered_set<Eigen::Index> taken;
    for (Eigen::Index top = count - static_cast<Eigen::Index>(samples); top < count; ++top) {
        const auto pick = static_cast<Eigen::Index>(engine() % static_cast<std::uint64_t>(top + 1));
        taken.insert(taken.count(pick) ? top : pick);
    }
    chosen.assign(taken.begin(), taken.end());
    std::sort(chosen.begin(), chosen.end());
    return chosen;
}

// The first checked entry whose difference or analytic value is not a finite number.
std::optional<Problem> firstNonFinite(const GradCheckReport& r, Eigen::Index n)
{
    const auto where = [](const char* name, Eigen::Index i, Eigen::Index j) {
        return std::string(name) + (i >= 0 ? "[" + std::to_string(i) + "]" : "") + "[" +
               std::to_string(j) + "]";
    };
    char step[32];
    std::snprintf(step, sizeof step, "%g", r.h);
    const std::string what = std::string("the central difference at h = ") + step +
                             " is not a finite number: f = sum(y * dout) overflows " +
                             (r.dtype == Dtype::F32 ? "a float" : "a double") +
                             "; the inputs are too large to check numerically";
    for (const Eigen::Index k : r.checkedDx) {
        const Eigen::Index i = k % n, j = k / n;
        if (!std::isfinite(r.numericDx(i, j)) || !std::isfinite(r.analyticDx(i, j)))
            return Problem{where("dx", i, j), what};
    }
    for (Eigen::Index j = 0; j < r.numericDgamma.size(); ++j) {
        if (!std::isfinite(r.numericDgamma[j]) || !std::isfinite(r.analyticDgamma[j]))
            return Problem{where("dgamma", -1, j), what};
        if (!std::isfinite(r.numericDbeta[j]) || !std::isfinite(r.analyticDbeta[j]))
            return Problem{where("dbeta", -1, j), what};
    }
    return std::nullopt;
}

template <typename M>
double scaledError(const M& numeric, const M& analytic)
{
    if (numeric.size() == 0)
        return 0;
    const double worst = (numeric - analytic).cwiseAbs().maxCoeff();
    return worst == 0 ? 0 : worst / std::max(analytic.cwiseAbs().maxCoeff(), 1e-300);
}

template <typename M>
M relativeErrors(const M& a, const M& b)
{
    return a.binaryExpr(b, [](double u, double v) { return relativeError(u, v); });
}

}  // namespace

double relativeError(double a, double b)
{
    return std::abs(a - b) / std::max({std::abs(a), std::abs(b), 1e-300});
}

GradCheckReport gradientCheck(const Session& session, const GradCheckSettings& settings)
{
    GradCheckReport r;
    r.h = settings.h;
    r.dtype = settings.dtype;
    const Eigen::Index n = session.samples();
    r.checkedDx = chooseEntries(n * session.features(), settings.samples, settings.seed);
    r.sampled = static_cast<Eigen::Index>(r.checkedDx.size()) < n * session.features();
    if (!session.norm.isTrainingBatchNorm()) {
        r.dtype = Dtype::F64;  // the family is checked in float64 only
        checkFamily(session, settings, r);
    } else if (settings.dtype == Dtype::F32)
        check<float>(session, settings, r);
    else
        check<double>(session, settings, r);
    if (r.status != GradCheckReport::Status::Ok)
        return r;
    if ((r.problem = firstNonFinite(r, n))) {
        r.status = GradCheckReport::Status::NonFinite;
        return r;
    }
    r.relErrorDx = Matrix::Constant(n, session.features(), std::numeric_limits<double>::quiet_NaN());
    double worstDx = 0;
    for (const Eigen::Index k : r.checkedDx) {
        const Eigen::Index i = k % n, j = k / n;
        r.relErrorDx(i, j) = relativeError(r.numericDx(i, j), r.analyticDx(i, j));
        r.maxRelDx = std::max(r.maxRelDx, r.relErrorDx(i, j));
        worstDx = std::max(worstDx, std::abs(r.numericDx(i, j) - r.analyticDx(i, j)));
    }
    r.relErrorDgamma = relativeErrors(r.numericDgamma, r.analyticDgamma);
    r.relErrorDbeta = relativeErrors(r.numericDbeta, r.analyticDbeta);
    r.maxRelDgamma = r.relErrorDgamma.size() ? r.relErrorDgamma.maxCoeff() : 0;
    r.maxRelDbeta = r.relErrorDbeta.size() ? r.relErrorDbeta.maxCoeff() : 0;
    // Scaled by the largest analytic entry of all of dx, checked or not: a stable scale.
    r.scaledDx = worstDx == 0 ? 0 : worstDx / std::max(r.analyticDx.cwiseAbs().maxCoeff(), 1e-300);
    r.scaledDgamma = scaledError(r.numericDgamma, r.analyticDgamma);
    r.scaledDbeta = scaledError(r.numericDbeta, r.analyticDbeta);
    return r;
}

GradCheckReport gradientCheck(const Session& session, double h, Dtype dtype)
{
    GradCheckSettings settings;
    settings.h = h;
    settings.dtype = dtype;
    return gradientCheck(session, settings);
}

std::size_t boundedGradCheckSamples(Eigen::Index rows, Eigen::Index cols, double budget)
{
    const double entries = double(rows) * double(cols);
    if (entries * double(rows) <= budget)
        return 0;
    const double affordable = std::max(100.0, std::floor(budget / double(rows)));
    return static_cast<std::size_t>(std::min(affordable, entries));
}

}  // namespace bnflow
