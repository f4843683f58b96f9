// The gradients of a session computed as accurately as bnflow can: every sum and product in
// extended precision (long double), the fused closed form, rounded to double once at the end.
// `check` judges a student's tensors against these (doc/contracts.md#check), so that neither the
// staged nor the fused float64 rounding of bnflow itself is taken for the truth.
#pragma once

#include <core/model/session.h>

namespace bnflow {

struct AccurateGradients {
    Matrix dx;         // N x D
    RowVector dgamma;  // 1 x C (per feature, or per channel)
    RowVector dbeta;   // 1 x C
};

// For a session that analyzeFamily() accepts (any layer and mode); linear in N x D.
AccurateGradients accurateGradients(const Session& session);

}  // namespace bnflow
