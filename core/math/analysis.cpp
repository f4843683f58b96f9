#include <core/math/analysis.h>

#include <cmath>
#include <cstdio>

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

// Whether every value of column j is the same, i.e. its variance is 0 rather than too small
// for a double.
bool isConstant(const Matrix& x, Eigen::Index j)
{
    return x.col(j).minCoeff() == x.col(j).maxCoeff();
}

std::string shortNumber(double v)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.3g", v);
    return text;
}

Problems checkStatistics(const Matrix& x, const ForwardCache<double>& f, double eps)
{
    Problems problems;
    for (Eigen::Index j = 0; j < f.var.size(); ++j) {
        const std::string column = "feature " + std::to_string(j);
        const double varEps = f.var[j] + eps;
        if (!std::isfinite(f.var[j]) || !std::isfinite(f.mean[j]))
            problems.push_back({feature(j), "the variance of " + column +
                                                " overflows a double; scale the column down"});
        else if (varEps == 0 && isConstant(x, j))
            problems.push_back({feature(j), column + " is constant (variance 0) and eps = 0, so "
                                                     "1/sqrt(var + eps) divides by zero; set eps > 0"});
        else if (varEps == 0)
            problems.push_back({feature(j), column + " is not constant, but its variance "
                                                     "underflows to 0 (its values differ by less "
                                                     "than a double can square) and eps = 0, so "
                                                "1/sqrt(var + eps) divides by zero; scale the "
                                                "column up or set eps > 0"});
        else if (!std::isfinite(std::pow(varEps, -1.5)))  // dvar's factor (var + eps)^(-3/2)
            problems.push_back({feature(j), "var + eps = " + shortNumber(varEps) + " is so small "
                                                "that (var + eps)^(-3/2) in the backward pass "
                                                "overflows a double; set eps >= 1e-200 or scale "
                                                "the column up"});
    }
    return problems;
}

}  // namespace

std::optional<Problem> batchNormOnly(const NormConfig& norm, std::string_view who)
{
    const std::string subject = who.empty() ? std::string("this view") : std::string(who);
    if (norm.layerOrDefault() != Layer::BatchNorm)
        return Problem{"layer", "is \"" + std::string(layerName(norm.layerOrDefault())) + "\"; " +
                                    subject + " supports batch norm only (\"batchnorm\") so far"};
    if (norm.isEval())
        return Problem{"mode", "is \"eval\"; " + subject +
                                   " supports batch norm in training mode only so far"};
    if (norm.channels)  // gamma and beta per channel: the family's path (family.h) computes it
        return Problem{"channels", "is " + std::to_string(*norm.channels) + "; " + subject +
                                       " supports batch norm with one gamma per feature only so far"};
    return std::nullopt;
}

AnalysisResult analyze(const Session& session)
{
    AnalysisResult result;
    result.problems = session.validate();
    if (!result.problems.empty())
        return result;
    if (const auto refusal = batchNormOnly(session.norm)) {
        // Never batch norm's numbers under another layer's name: family.h computes the others.
        result.problems.push_back(*refusal);
        return result;
    }

    Analysis a;
    forward<double>(session.x, session.gamma, session.beta, session.eps, a.forward);
    result.problems = checkStatistics(session.x, a.forward, session.eps);
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
