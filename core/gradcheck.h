// Numerical gradient check: central differences on f = sum(y * dout), whose gradient is exactly
// the backward pass (MATH.md, "Gradient check").
#pragma once

#include "session.h"

namespace bnflow {

struct GradCheckReport {
    double h = 0;
    Dtype dtype = Dtype::F64;
    Matrix numericDx, analyticDx, relErrorDx;  // N x D
    RowVector numericDgamma, analyticDgamma, relErrorDgamma;  // 1 x D
    RowVector numericDbeta, analyticDbeta, relErrorDbeta;     // 1 x D
    double maxRelDx = 0, maxRelDgamma = 0, maxRelDbeta = 0;  // MATH.md's per-entry measure
    // max |numeric - analytic| / max |analytic|. The per-entry measure blows up on entries that
    // are near 0 by chance, where the differences' rounding floor (about 1e-10 absolute at
    // h = 1e-5 in float64) dominates; this one does not.
    double scaledDx = 0, scaledDgamma = 0, scaledDbeta = 0;
};

// |a - b| / max(|a|, |b|, 1e-300)
double relativeError(double a, double b);

// Requires a session that analyze() accepts. The analytic side is the fused backward, computed
// in the same precision as the differences. float32 checks are unreliable: rounding in f swamps
// the difference quotient, which is why CS231n's 1e-7 threshold is for float64 only.
// Each difference re-runs the forward pass of one column only, so the cost is O(N^2 D).
GradCheckReport gradientCheck(const Session& session, double h = 1e-5, Dtype dtype = Dtype::F64);

}  // namespace bnflow
