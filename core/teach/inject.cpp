#include <core/teach/inject.h>

#include <core/math/analysis.h>
#include <core/teach/check.h>

#include <algorithm>
#include <cmath>

namespace bnflow {
namespace {

// max |wrong - numeric| / max |numeric| over the finite (checked) numeric entries.
double scaledError(const Matrix& wrong, const Matrix& numeric)
{
    double error = 0, scale = 0;
    for (Eigen::Index i = 0; i < numeric.rows(); ++i)
        for (Eigen::Index j = 0; j < numeric.cols(); ++j)
            if (std::isfinite(numeric(i, j))) {
                error = std::max(error, std::abs(wrong(i, j) - numeric(i, j)));
                scale = std::max(scale, std::abs(numeric(i, j)));
            }
    return error / (scale > 0 ? scale : 1.0);
}

}  // namespace

const Mistake* findMistake(std::string_view name)
{
    for (const Mistake& m : knownMistakes())
        if (m.name == name)
            return &m;
    return nullptr;
}

InjectOutcome injectMistake(const Session& session, std::string_view name)
{
    InjectOutcome outcome;
    const Mistake* mistake = findMistake(name);
    if (!mistake) {
        outcome.problems.push_back({"inject", "\"" + std::string(name) + "\" is not a known mistake"});
        return outcome;
    }
    const AnalysisResult analysis = analyze(session);
    if (!analysis.ok()) {
        outcome.problems = analysis.problems;
        return outcome;
    }
    std::optional<MistakeCandidate> wrong;
    forEachMistakeCandidate(session, [&](const MistakeCandidate& c) {
        if (!wrong && c.mistake == mistake)
            wrong = c;  // the first way of making it (mistakes.h lists them in teaching order)
    });
    if (!wrong) {
        outcome.problems.push_back({"inject", std::string(mistake->title) + " is not defined for this session"});
        return outcome;
    }

    InjectedMistake r;
    r.mistake = mistake;
    r.wrong = std::move(*wrong);
    GradCheckSettings settings;
    settings.samples = boundedGradCheckSamples(session.samples(), session.features());
    r.check = gradientCheck(session, settings);
    if (!r.check.ok()) {
        outcome.problems.push_back(r.check.problem.value_or(Problem{"", "the gradient check failed"}));
        return outcome;
    }
    r.scaledErrorDx = scaledError(r.wrong.dx, r.check.numericDx);
    r.scaledErrorDgamma = scaledError(r.wrong.dgamma, r.check.numericDgamma);
    r.scaledErrorDbeta = scaledError(r.wrong.dbeta, r.check.numericDbeta);
    r.gradCheckFails = std::max({r.scaledErrorDx, r.scaledErrorDgamma, r.scaledErrorDbeta}) > kCloseScaledError;
    // Invariant 1 (doc/derivation.md#invariants): every column of dx sums to 0, because dx is
    // orthogonal to shifting a feature, which batch norm removes with the mean.
    r.dxColumnSums = r.wrong.dx.colwise().sum();
    r.columnSumScale = r.wrong.dx.cwiseAbs().colwise().sum();
    for (Eigen::Index j = 0; j < r.dxColumnSums.size(); ++j)
        if (!(std::abs(r.dxColumnSums[j]) <= kColumnSumTolerance * r.columnSumScale[j]))
            r.brokenColumns.push_back(j);
    outcome.result = std::move(r);
    return outcome;
}

}  // namespace bnflow
