// Exercise mode's "inject a mistake": what code with one known mistake (mistakes.h) outputs for
// a session, and how the gradient check and the invariants (doc/derivation.md#invariants)
// expose it. Reuses the mistakes' own computations; nothing is derived again here.
#pragma once

#include <core/math/gradcheck.h>
#include <core/teach/mistakes.h>

#include <optional>
#include <string_view>

namespace bnflow {

// A column sum of dx is "0" when it is within rounding of the column's terms: at most this
// times sum_i |dx_ij| (the right dx's sums are ~1e-16 of it; a missing path leaves ~1e-1).
inline constexpr double kColumnSumTolerance = 1e-9;

struct InjectedMistake {
    const Mistake* mistake = nullptr;
    MistakeCandidate wrong;       // the wrong implementation's dx, dgamma, dbeta
    GradCheckReport check;        // central differences: the right gradient, measured
    // max |wrong - numeric| / max |numeric| over the entries checked: ~1e-10 for right code.
    double scaledErrorDx = 0, scaledErrorDgamma = 0, scaledErrorDbeta = 0;
    bool gradCheckFails = false;  // some scaled error above kCloseScaledError (check.h)
    RowVector dxColumnSums;       // 1 x D: sum_i dx_ij of the wrong dx; 0 for right code
    RowVector columnSumScale;     // 1 x D: sum_i |dx_ij|, what "0" is measured against
    std::vector<Eigen::Index> brokenColumns;  // the features whose sum is not 0
};

struct InjectOutcome {
    std::optional<InjectedMistake> result;  // set exactly when problems is empty
    Problems problems;  // the session cannot be analysed, the name is unknown, or the mistake is
                        // undefined here (unbiased variance with N = 1)
    bool ok() const { return result.has_value(); }
};

const Mistake* findMistake(std::string_view name);
InjectOutcome injectMistake(const Session& session, std::string_view name);

}  // namespace bnflow
