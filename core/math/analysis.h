// Everything bnflow shows for one session, computed in double precision.
#pragma once

#include <core/math/batchnorm.h>
#include <core/model/session.h>

#include <optional>
#include <string_view>

namespace bnflow {

struct Analysis {
    ForwardCache<double> forward;
    StagedGradients<double> staged;
    FusedTerms<double> fused;  // fused.grads holds the fused dx, dgamma, dbeta
    Matrix absDiffDx;          // |fused dx - staged dx|, N x D: rounding only
    // The invariants of doc/derivation.md#invariants, per feature: sum_i dx_ij = 0 (up to rounding), and
    // sum_i dx_ij xhat_ij = inv_std_j (sum_i dxhat_ij xhat_ij) eps / (var_j + eps), near 0.
    RowVector dxColumnSums;
    RowVector dxXhatColumnSums;
    double maxAbsDiffDx = 0;   // max |fused - staged| over all entries
    double maxAbsDiffDgamma = 0;
    double maxAbsDiffDbeta = 0;
};

struct AnalysisResult {
    std::optional<Analysis> analysis;  // set exactly when problems is empty
    Problems problems;
    bool ok() const { return analysis.has_value(); }
};

// Problem {"layer" or "mode", why} when `norm` is not batch norm in training mode, which is all
// that Analysis (and so the window, plots, handout and check) computes so far; `who` names the
// refusing part ("bnflow-cli export"), empty for "this view". Other layers: family.h.
std::optional<Problem> batchNormOnly(const NormConfig& norm, std::string_view who = {});

// Validates the session (and refuses any layer but training batch norm), then runs forward, staged and fused backward. Cases the formulas do
// not define are problems, never NaN: a zero-variance column with eps = 0, a variance or a
// result that overflows.
AnalysisResult analyze(const Session& session);

}  // namespace bnflow
