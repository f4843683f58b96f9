#include "analysis.h"

#include <cmath>

namespace bnflow {
namespace {

std::string feature(Eigen::Index j)
{
    return "x[*][" + std::to_string(j) + "]";
}

// The first non-finite entry of m, if any, as "name[i][j]" (or "name[j]" for a row vector).
template <typename Derived>
std::optional<std::string> firstNonFinite(std::string_view name, const Eigen::MatrixBase<Derived>& m)
{
    for (Eigen::Index j = 0; j < m.cols(); ++j)
        for (Eigen::Index i = 0; i < m.rows(); ++i)
            if (!std::isfinite(m(i, j)))
                return std::string(name) + (m.rows() > 1 ? "[" + std::to_string(i) + "]" : "") +
                       "[" + std::to_string(j) + "]";
    return std::nullopt;
}

Problems checkStatistics(const ForwardCache<double>& f, double eps)
{
    Problems problems;
    for (Eigen::Index j = 0; j < f.var.size(); ++j) {
        if (!std::isfinite(f.var[j]) || !std::isfinite(f.mean[j]))
            problems.push_back({feature(j), "the variance of feature " + std::to_string(j) +
                                                " overflows a double; scale the column down"});
        else if (f.var[j] + eps == 0)
            problems.push_back({feature(j), "feature " + std::to_string(j) +
                                                " is constant (variance 0) and eps = 0, so "
                                                "1/sqrt(var + eps) divides by zero; set eps > 0"});
    }
    return problems;
}

}  // namespace

AnalysisResult analyze(const Session& session)
{
    AnalysisResult result;
    result.problems = session.validate();
    if (!result.problems.empty())
        return result;

    Analysis a;
    forward<double>(session.x, session.gamma, session.beta, session.eps, a.forward);
    result.problems = checkStatistics(a.forward, session.eps);
    if (!result.problems.empty())
        return result;

    backwardStaged<double>(session.dout, a.forward, session.gamma, a.staged);
    a.fused = backwardFusedTerms<double>(session.dout, a.forward, session.gamma);

    // In dataflow order, so the message names where the overflow starts, not what it poisons.
    const auto overflowAt = [&](std::string_view name, const auto& m) {
        const auto where = firstNonFinite(name, m);
        if (where)
            result.problems.push_back({*where, "overflows a double; the inputs are too large"});
        return where.has_value();
    };
    if (overflowAt("xhat", a.forward.xhat) || overflowAt("y", a.forward.y) ||
        overflowAt("dbeta", a.staged.dbeta) || overflowAt("dgamma", a.staged.dgamma) ||
        overflowAt("dxhat", a.staged.dxhat) || overflowAt("dvar", a.staged.dvar) ||
        overflowAt("dmean", a.staged.dmean) || overflowAt("dx", a.staged.dx) ||
        overflowAt("dx (fused)", a.fused.grads.dx))
        return result;

    a.absDiffDx = (a.fused.grads.dx - a.staged.dx).cwiseAbs();
    a.maxAbsDiffDx = a.absDiffDx.maxCoeff();
    a.dxColumnSums = a.staged.dx.colwise().sum();
    a.dxXhatColumnSums = (a.staged.dx.array() * a.forward.xhat.array()).colwise().sum();
    a.maxAbsDiffDgamma = (a.fused.grads.dgamma - a.staged.dgamma).cwiseAbs().maxCoeff();
    a.maxAbsDiffDbeta = (a.fused.grads.dbeta - a.staged.dbeta).cwiseAbs().maxCoeff();
    result.analysis = std::move(a);
    return result;
}

}  // namespace bnflow
