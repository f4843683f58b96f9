// "Check my gradient": a student's dx, dgamma, dbeta against the session's, and the known
// mistakes (mistakes.h) that the student's result matches. Contract: `bnflow-cli check` in
// doc/contracts.md.
#pragma once

#include <core/teach/mistakes.h>
#include <core/model/problem.h>

#include <optional>
#include <string>
#include <vector>

namespace bnflow {

// Errors are scaled by the tensor's largest reference magnitude, max_k |right_k| (1 when the
// reference is all zeros), so that one threshold serves a dx of 1e-3 and one of 1e3 alike.
inline constexpr double kExactScaledError = 1e-12;  // at most this: "exact" (float64 rounding)
inline constexpr double kCloseScaledError = 1e-5;   // at most this: "close" (float32 rounding)
inline constexpr double kMistakeMatch = 1e-5;       // a mistake matches within this

enum class TensorStatus { Exact, Close, Wrong };
const char* statusName(TensorStatus status);  // "exact", "close", "wrong"

// What the student handed in: any subset, at least one.
struct StudentGradients {
    std::optional<Matrix> dx;         // N x D
    std::optional<RowVector> dgamma;  // 1 x D
    std::optional<RowVector> dbeta;   // 1 x D
    // Which tensors are float32 answers (an .npy of dtype float32, or a text file the user
    // declared float32): they are judged with bnflow's own float32 rounding as the yardstick.
    bool dxFloat32 = false, dgammaFloat32 = false, dbetaFloat32 = false;
};

struct TensorVerdict {
    std::string name;  // "dx", "dgamma" or "dbeta"
    TensorStatus status = TensorStatus::Wrong;
    double maxAbsError = 0;     // max |student - right|; +inf if the student has a non-finite entry
    double maxScaledError = 0;  // maxAbsError / max |right| (see above); +inf likewise
    Eigen::Index worstRow = 0;  // the cell of the largest error (the first non-finite one, if
    Eigen::Index worstCol = 0;  // any); row 0 for dgamma and dbeta
    Matrix absError;            // |student - right| per cell (+inf where non-finite): a heatmap
    Matrix right;               // the session's own values, for display beside the student's
    // A float32 answer is close up to max(1e-5, 4 * e32), e32 the scaled error of bnflow's own
    // float32 computation of this tensor (the staged formulas in float32 arithmetic) against
    // the float64 reference; a float64 answer up to 1e-5.
    bool float32 = false;       // judged as a float32 answer ("reference": "float32")
    double float32Error = 0;    // e32 of a float32 answer (+inf where float32 overflows); else 0
    double closeTolerance = kCloseScaledError;
    // When wrong: the known mistakes whose value of this tensor is the student's (and differs
    // from the right one), in the contract's order. A mistake in one tensor is named for that
    // tensor, whatever the others are.
    std::vector<const Mistake*> diagnosis;
};

struct CheckResult {
    bool correct = false;                   // every tensor handed in is exact or close
    std::vector<TensorVerdict> tensors;     // dx, dgamma, dbeta: those handed in, in that order
    std::vector<const Mistake*> diagnosis;  // the union of the tensors' diagnoses, in the
                                            // contract's order; empty when correct
    bool float32 = false;                   // some tensor was judged as a float32 answer
};

struct CheckOutcome {
    std::optional<CheckResult> result;  // set exactly when problems is empty
    Problems problems;  // the session cannot be analysed, or a tensor has the wrong shape
    bool ok() const { return result.has_value(); }
};

// For any layer of the family (the staged chain rule of the session's layer is the reference);
// the diagnosis names the mistakes of that layer and mode whose value of a wrong tensor is the
// student's.
CheckOutcome checkGradients(const Session& session, const StudentGradients& student);

// One tensor against its reference (same shape), by the rules above: close up to
// closeTolerance (kCloseScaledError, or a float32 answer's own).
TensorVerdict compareTensor(std::string name, const Matrix& student, const Matrix& right,
                            double closeTolerance = kCloseScaledError);

}  // namespace bnflow
