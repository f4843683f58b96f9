#include "gradcheck.h"

#include "batchnorm.h"

#include <algorithm>
#include <cmath>
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
void check(const Session& session, double hIn, GradCheckReport& r)
{
    const Mat<S> x = session.x.cast<S>();
    const Mat<S> dout = session.dout.cast<S>();
    const RowVec<S> gamma = session.gamma.cast<S>();
    const RowVec<S> beta = session.beta.cast<S>();
    const auto eps = static_cast<S>(session.eps);
    const auto h = static_cast<S>(hIn);
    const Eigen::Index n = x.rows();
    const Eigen::Index d = x.cols();

    const Gradients<S> analytic = backwardFused<S>(dout, forward<S>(x, gamma, beta, eps), gamma);
    r.analyticDx = analytic.dx.template cast<double>();
    r.analyticDgamma = analytic.dgamma.template cast<double>();
    r.analyticDbeta = analytic.dbeta.template cast<double>();
    r.numericDx.resize(n, d);
    r.numericDgamma.resize(d);
    r.numericDbeta.resize(d);

    std::vector<S> column(static_cast<std::size_t>(n));
    std::vector<S> g(static_cast<std::size_t>(n));
    const auto difference = [&](S plus, S minus) {
        return static_cast<double>((plus - minus) / (S(2) * h));
    };
    for (Eigen::Index j = 0; j < d; ++j) {
        for (Eigen::Index i = 0; i < n; ++i) {
            column[i] = x(i, j);
            g[i] = dout(i, j);
        }
        const auto f = [&](S gammaJ, S betaJ) {
            return columnObjective<S>(column, g, gammaJ, betaJ, eps);
        };
        for (Eigen::Index i = 0; i < n; ++i) {
            const S saved = column[i];
            column[i] = saved + h;
            const S plus = f(gamma[j], beta[j]);
            column[i] = saved - h;
            const S minus = f(gamma[j], beta[j]);
            column[i] = saved;
            r.numericDx(i, j) = difference(plus, minus);
        }
        r.numericDgamma[j] = difference(f(gamma[j] + h, beta[j]), f(gamma[j] - h, beta[j]));
        r.numericDbeta[j] = difference(f(gamma[j], beta[j] + h), f(gamma[j], beta[j] - h));
    }
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

GradCheckReport gradientCheck(const Session& session, double h, Dtype dtype)
{
    GradCheckReport r;
    r.h = h;
    r.dtype = dtype;
    if (dtype == Dtype::F32)
        check<float>(session, h, r);
    else
        check<double>(session, h, r);
    r.relErrorDx = relativeErrors(r.numericDx, r.analyticDx);
    r.relErrorDgamma = relativeErrors(r.numericDgamma, r.analyticDgamma);
    r.relErrorDbeta = relativeErrors(r.numericDbeta, r.analyticDbeta);
    r.maxRelDx = r.relErrorDx.size() ? r.relErrorDx.maxCoeff() : 0;
    r.maxRelDgamma = r.relErrorDgamma.size() ? r.relErrorDgamma.maxCoeff() : 0;
    r.maxRelDbeta = r.relErrorDbeta.size() ? r.relErrorDbeta.maxCoeff() : 0;
    r.scaledDx = scaledError(r.numericDx, r.analyticDx);
    r.scaledDgamma = scaledError(r.numericDgamma, r.analyticDgamma);
    r.scaledDbeta = scaledError(r.numericDbeta, r.analyticDbeta);
    return r;
}

}  // namespace bnflow
