// Plain-language notes on computable sessions whose numbers look wrong but are right: the
// window shows these instead of leaving a student to wonder (N = 1, constant features, ...).
#pragma once

#include <core/math/family.h>

#include <string>
#include <vector>

namespace bnflow {

// One sentence each, in the order a reader should see them. Training batch norm with a gamma
// per feature only (its per-column statistics); none for the other layers and modes so far.
std::vector<std::string> notices(const Session& session, const FamilyAnalysis& analysis);

// The variance of one column three ways, to show why bnflow computes it in two passes: in
// float32 one pass (E[x^2] - E[x]^2, which cancels on offset data and can go negative),
// float32 two passes, and float64 two passes (the reference).
struct VarianceComparison {
    double onePassF32;
    double twoPassF32;
    double twoPassF64;
};
VarianceComparison compareVariance(const Matrix& x, Eigen::Index column);

}  // namespace bnflow
