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

    const std::pair<std::string_view, const Matrix*> outputs[] = {
        {"xhat", &a.forward.xhat}, {"y", &a.forward.y}, {"dx", &a.staged.dx},
        {"dx (fused)", &a.fused.grads.dx}};
    for (const auto& [name, m] : outputs) {
        if (const auto where = firstNonFinite(name, *m)) {
            result.problems.push_back({*where, "overflows a double; the inputs are too large "
                                               "for this combination of gamma and dout"});
            return result;
        }
    }
    for (const auto& [name, v] : {std::pair{"dgamma", &a.staged.dgamma}, {"dbeta", &a.staged.dbeta}}) {
        if (const auto where = firstNonFinite(name, *v)) {
            result.problems.push_back({*where, "overflows a double; dout or x is too large"});
            return result;
        }
    }

    a.maxAbsDiffDx = (a.fused.grads.dx - a.staged.dx).cwiseAbs().maxCoeff();
    a.maxAbsDiffDgamma = (a.fused.grads.dgamma - a.staged.dgamma).cwiseAbs().maxCoeff();
    a.maxAbsDiffDbeta = (a.fused.grads.dbeta - a.staged.dbeta).cwiseAbs().maxCoeff();
    result.analysis = std::move(a);
    return result;
}

}  // namespace bnflow
