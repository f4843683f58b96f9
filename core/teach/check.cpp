#include <core/teach/check.h>

#include <core/math/accurate.h>
#include <core/math/analysis.h>
#include <core/math/family.h>
#include <core/math/precision.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace bnflow {
namespace {

double scaleOf(const Matrix& right)
{
    const double largest = right.size() > 0 ? right.cwiseAbs().maxCoeff() : 0.0;
    return largest > 0 ? largest : 1.0;
}

// The largest scaled error of student against reference (same shape), +inf if non-finite.
double scaledDistance(const Matrix& student, const Matrix& reference)
{
    if (!student.allFinite())
        return std::numeric_limits<double>::infinity();
    return (student - reference).cwiseAbs().maxCoeff() / scaleOf(reference);
}

std::string shapeText(Eigen::Index rows, Eigen::Index cols)
{
    return std::to_string(rows) + " x " + std::to_string(cols);
}

bool sameShape(const char* name, const Matrix& student, const Matrix& right, Problems& problems)
{
    if (student.rows() == right.rows() && student.cols() == right.cols())
        return true;
    problems.push_back({name, "is " + shapeText(student.rows(), student.cols()) +
                                  "; expected " + shapeText(right.rows(), right.cols()) +
                                  " like the session's"});
    return false;
}

// Whether the candidate's value of one tensor is the student's, and differs from the right
// one (else it would be a second name for the right answer), within `tolerance`: kMistakeMatch,
// or a float32 answer's own.
bool matchesTensor(const Matrix& student, const Matrix& wrong, const Matrix& right, double tolerance)
{
    return scaledDistance(student, wrong) <= tolerance && scaledDistance(wrong, right) > tolerance;
}

void addOnce(std::vector<const Mistake*>& list, const Mistake* mistake)
{
    if (std::find(list.begin(), list.end(), mistake) == list.end())
        list.push_back(mistake);
}

// e32 of dx, dgamma, dbeta: the scaled difference between bnflow's own float32 computation of
// the session (every value rounded to float32, float32 arithmetic and sums, the staged formulas;
// precision.h) and the float64 reference; +inf where float32 overflows (the yardstick is then
// the plain 1e-5: an overflowing computation is no excuse).
std::array<double, 3> float32Errors(const Session& session, const std::vector<const Matrix*>& right)
{
    const PrecisionRun run = emulatePrecision(session, NumberType::F32, NumberType::F32);
    const FamilyStaged& staged = run.analysis.staged;
    return {scaledError(staged.dx, *right[0]), scaledError(staged.dgamma, *right[1]),
            scaledError(staged.dbeta, *right[2])};
}

}  // namespace

const char* statusName(TensorStatus status)
{
    switch (status) {
    case TensorStatus::Exact: return "exact";
    case TensorStatus::Close: return "close";
    case TensorStatus::Wrong: break;
    }
    return "wrong";
}

TensorVerdict compareTensor(std::string name, const Matrix& student, const Matrix& right,
                            double closeTolerance)
{
    TensorVerdict v;
    v.closeTolerance = closeTolerance;
    v.name = std::move(name);
    v.right = right;
    v.absError = (student - right).cwiseAbs();
    double worst = -1;
    // Row by row, so that ties go to the first cell a reader meets; a non-finite error is the
    // worst of all, and the first one found stays the worst.
    for (Eigen::Index i = 0; i < student.rows(); ++i) {
        for (Eigen::Index j = 0; j < student.cols(); ++j) {
            double& e = v.absError(i, j);
            if (!std::isfinite(e))
                e = std::numeric_limits<double>::infinity();
            if (e > worst) {
                worst = e;
                v.worstRow = i;
                v.worstCol = j;
            }
        }
    }
    v.maxAbsError = std::max(worst, 0.0);
    v.maxScaledError = v.maxAbsError / scaleOf(right);
    v.status = v.maxScaledError <= kExactScaledError   ? TensorStatus::Exact
               : v.maxScaledError <= closeTolerance    ? TensorStatus::Close
                                                       : TensorStatus::Wrong;
    return v;
}

CheckOutcome checkGradients(const Session& session, const StudentGradients& student)
{
    CheckOutcome outcome;
    if (!student.dx && !student.dgamma && !student.dbeta) {
        outcome.problems.push_back({"", "no gradient to check; expected dx, dgamma or dbeta"});
        return outcome;
    }
    // The right values: bnflow's most accurate float64 result (accurate.h), for a session the
    // layer's own analysis accepts (its problems are the session's); a wrong tensor is
    // diagnosed with the mistakes of that layer (mistakes.h, family_mistakes.h).
    Problems problems = session.norm.isTrainingBatchNorm() ? analyze(session).problems
                                                           : analyzeFamily(session).problems;
    if (!problems.empty()) {
        outcome.problems = std::move(problems);
        return outcome;
    }
    const AccurateGradients accurate = accurateGradients(session);
    const Matrix rightDx = accurate.dx, rightDgamma = accurate.dgamma, rightDbeta = accurate.dbeta;
    const std::vector<const Matrix*> right = {&rightDx, &rightDgamma, &rightDbeta};
    // Empty where not handed in.
    std::vector<Matrix> handed(3);
    if (student.dx)
        handed[0] = *student.dx;
    if (student.dgamma)
        handed[1] = *student.dgamma;
    if (student.dbeta)
        handed[2] = *student.dbeta;
    const char* names[3] = {"dx", "dgamma", "dbeta"};
    const bool given[3] = {student.dx.has_value(), student.dgamma.has_value(),
                           student.dbeta.has_value()};
    for (std::size_t k = 0; k < 3; ++k)
        if (given[k])
            sameShape(names[k], handed[k], *right[k], outcome.problems);
    if (!outcome.problems.empty())
        return outcome;

    CheckResult result;
    result.correct = true;
    const bool float32[3] = {student.dxFloat32, student.dgammaFloat32, student.dbetaFloat32};
    // bnflow's own float32 rounding of each tensor, only when some answer is float32.
    std::optional<std::array<double, 3>> e32;
    if (float32[0] || float32[1] || float32[2])
        e32 = float32Errors(session, right);
    for (std::size_t k = 0; k < 3; ++k) {
        if (!given[k])
            continue;
        const double tolerance = float32[k] && std::isfinite((*e32)[k])
                                     ? std::max(kCloseScaledError, 4 * (*e32)[k])
                                     : kCloseScaledError;
        result.tensors.push_back(compareTensor(names[k], handed[k], *right[k], tolerance));
        result.tensors.back().float32 = float32[k];
        result.tensors.back().float32Error = float32[k] ? (*e32)[k] : 0.0;
        result.float32 = result.float32 || float32[k];
        result.correct = result.correct && result.tensors.back().status != TensorStatus::Wrong;
    }
    if (!result.correct) {
        // Each wrong tensor against the same tensor of every candidate: dbeta = np.sum(dout)
        // beside a right dx and dgamma is named for dbeta.
        forEachMistakeCandidate(session, [&](const MistakeCandidate& candidate) {
            const Matrix dgamma = candidate.dgamma, dbeta = candidate.dbeta;
            const Matrix* wrong[3] = {&candidate.dx, &dgamma, &dbeta};
            for (TensorVerdict& t : result.tensors) {
                const std::size_t k = t.name == "dx" ? 0 : t.name == "dgamma" ? 1 : 2;
                const double tolerance = std::max(kMistakeMatch, t.closeTolerance);
                if (t.status == TensorStatus::Wrong && matchesTensor(handed[k], *wrong[k], *right[k], tolerance))
                    addOnce(t.diagnosis, candidate.mistake);
            }
        });
        // In the contract's order (knownMistakes()'s), whatever order the candidates came in.
        for (TensorVerdict& t : result.tensors) {
            std::sort(t.diagnosis.begin(), t.diagnosis.end());
            for (const Mistake* m : t.diagnosis)
                addOnce(result.diagnosis, m);
        }
        std::sort(result.diagnosis.begin(), result.diagnosis.end());
    }
    outcome.result = std::move(result);
    return outcome;
}

}  // namespace bnflow
