// The normalization family: batch norm (training and eval mode, spatial or not), layer norm,
// RMSNorm and group norm, plus the running-statistics update (doc/derivation.md#the-normalization-family).
// One reduction description serves every layer: which elements share one statistic. The
// staged and fused backward passes are written once over it. FamilyAnalysis is what every view,
// export and CLI command shows, in double precision; training batch norm with a gamma per
// feature is computed there by its tuned kernels (batchnorm.h, fused_kernel.cpp), the ones the
// benchmarks time.
#pragma once

#include <core/model/norm_config.h>
#include <core/model/session.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bnflow {

// Which elements of an N x D batch share one statistic, and the shape the statistics take.
struct Reduction {
    Layer layer = Layer::BatchNorm;
    bool eval = false;          // batch norm in eval mode: statistics given, nothing reduced
    Eigen::Index samples = 0;   // N
    Eigen::Index features = 0;  // D
    Eigen::Index groups = 1;    // G (group norm); 1 otherwise
    Eigen::Index channels = 0;  // C: gamma, beta and dgamma, dbeta have C entries (D without "channels")
    Eigen::Index positions = 1; // L = D / C: the features of one channel are c*L .. c*L + L - 1

    static Reduction of(const NormConfig& config, Eigen::Index samples, Eigen::Index features);
    // Statistics: 1 x C (batch norm; C = D without channels), N x 1 (layer norm, RMSNorm),
    // N x G (group norm).
    Eigen::Index statRows() const;
    Eigen::Index statCols() const;
    // The statistic that element (i, j) belongs to.
    Eigen::Index statRow(Eigen::Index i) const { return layer == Layer::BatchNorm ? 0 : i; }
    Eigen::Index statCol(Eigen::Index j) const;
    // The channel of feature j, which holds its gamma and beta: j / L.
    Eigen::Index channelOf(Eigen::Index j) const { return j / positions; }
    // M: how many elements share one statistic (N * L, D, D or D / G).
    Eigen::Index count() const;
    // "x[*][3]", "x[*][4:6]" (a channel), "x[2][*]", "x[2][4:6]": where one statistic's
    // elements are, for messages.
    std::string setName(Eigen::Index r, Eigen::Index c) const;
    // The elements (i, j) of x that statistic (r, c) is computed from, row by row: a column
    // (batch norm), a row (layer norm, RMSNorm), D/G consecutive features of a row (group norm).
    // Empty for a statistic outside statRows x statCols, and in eval mode, where the statistics
    // are given rather than reduced from the batch.
    std::vector<std::pair<Eigen::Index, Eigen::Index>> setCells(Eigen::Index r, Eigen::Index c) const;
};

// The forward cache, statistics in the layer's own shape (Reduction::statRows x statCols).
// RMSNorm's statistics have their own names (ms, rms, rrms); the others' are empty there, and
// RMSNorm's are empty in every other layer.
struct FamilyForward {
    Matrix mean;    // mu; batch norm eval: running_mean; RMSNorm: empty (no centring)
    Matrix xmu;     // x - mu broadcast, N x D; RMSNorm: x itself
    Matrix var;     // biased variance; eval: running_var
    Matrix invStd;  // 1 / sqrt(var + eps)
    Matrix ms;      // RMSNorm: the mean square, mean_j x^2
    Matrix rms;     // RMSNorm: sqrt(ms + eps)
    Matrix rrms;    // RMSNorm: 1 / rms
    Matrix xhat;    // xmu * invStd (RMSNorm: x * rrms), N x D
    Matrix y;       // gamma * xhat + beta, N x D

    // The statistic under the root and the factor that normalizes, whichever the layer has:
    // var and invStd, or RMSNorm's ms and rrms.
    const Matrix& square() const { return ms.size() ? ms : var; }
    const Matrix& inverseRoot() const { return rrms.size() ? rrms : invStd; }
};

// Every cell of the staged chain rule over the layer's sets (doc/derivation.md#staged-cells-per-layer).
// Statistic-shaped cells are empty where the layer has no such node (RMSNorm: no mean; eval:
// only dxhat and dx, as the statistics are constants).
struct FamilyStaged {
    RowVector dbeta, dgamma;  // cell 2, 1 x C (per feature, or per channel)
    Matrix dxhat;             // cell 2, N x D
    Matrix dinvStd;           // cell 3: sum over the set of dxhat * xmu
    Matrix dvar;              // cell 3: dinvStd * (-1/2) invStd^3
    Matrix drrms, dms;        // RMSNorm's cell 3: sum over the row of dxhat * x, drrms (-1/2) rrms^3
    Matrix dmeanViaXhat;      // cell 3: -invStd * sum over the set of dxhat
    Matrix dmeanViaVar;       // cell 3: dvar * (-2/M) sum over the set of xmu (0 in exact math)
    Matrix dmean;             // cell 3: their sum
    Matrix dxViaXhat;         // cell 4: dxhat * invStd, N x D
    Matrix dxViaVar;          // cell 4: dvar * 2 xmu / M, N x D
    Matrix dxViaMs;           // RMSNorm's cell 4: dms * 2 x / D, N x D
    Matrix dxmu;              // cell 4: dxViaXhat + dxViaVar, the gradient of x - mu (centred layers)
    Matrix dxViaMean;         // cell 4: dmean / M, broadcast to N x D
    Matrix dx;                // cell 4: the sum of the paths
};

// The fused closed form, its terms kept for display (doc/derivation.md#fused-terms-per-layer):
// batch, layer and group norm: dx = scale * (term1 - term2 - term3), scale = invStd / M;
// RMSNorm: dx = scale * (term1 - term3), scale = rrms, term1 = dxhat; eval: dx = scale * term1.
struct FamilyFused {
    Matrix term1;          // M * dxhat (RMSNorm, eval: dxhat), N x D
    Matrix term2;          // sum over the set of dxhat, statistic-shaped (empty: RMSNorm, eval)
    Matrix sumDxhatXhat;   // sum over the set of dxhat * xhat (RMSNorm: its mean), statistic-shaped
    Matrix term3;          // xhat * sumDxhatXhat broadcast, N x D (empty: eval)
    Matrix scale;          // invStd / M (RMSNorm: rrms; eval: invStd), statistic-shaped
    Matrix dx;
    RowVector dgamma, dbeta;
};

// The updated running statistics after one training batch (doc/derivation.md#running-statistics).
struct RunningUpdate {
    RowVector mean, var;  // 1 x C
    double momentum = 0;  // the one used
    RowVector batchVar;   // the variance fed in: unbiased (pytorch) or biased (keras, cs231n)
};

struct FamilyAnalysis {
    Reduction reduction;
    FamilyForward forward;
    FamilyStaged staged;
    FamilyFused fused;
    std::optional<RunningUpdate> running;  // training batch norm with running statistics
    Matrix absDiffDx;                      // |fused dx - staged dx|, N x D (rounding noise)
    // The invariants of doc/derivation.md#invariants for training batch norm, per feature:
    // sum_i dx_ij = 0 (up to rounding) and sum_i dx_ij xhat_ij = inv_std_j (sum_i dxhat_ij xhat_ij)
    // eps / (var_j + eps), near 0; 1 x D. Empty in every other layer and mode.
    RowVector dxColumnSums, dxXhatColumnSums;
    double maxAbsDiffDx = 0, maxAbsDiffDgamma = 0, maxAbsDiffDbeta = 0;
};

struct FamilyResult {
    std::optional<FamilyAnalysis> analysis;  // set exactly when problems is empty
    Problems problems;
    bool ok() const { return analysis.has_value(); }
};

FamilyForward familyForward(const Reduction& r, const Matrix& x, const RowVector& gamma,
                            const RowVector& beta, double eps, const NormConfig& config);
FamilyStaged familyStaged(const Reduction& r, const Matrix& dout, const FamilyForward& f,
                          const RowVector& gamma);
FamilyFused familyFused(const Reduction& r, const Matrix& dout, const FamilyForward& f,
                        const RowVector& gamma);
// setSize: how many entries each batch statistic was taken over (N, spatial N * L).
RunningUpdate updateRunning(const NormConfig& config, const RowVector& batchMean,
                            const RowVector& biasedBatchVar, Eigen::Index setSize);

// Validates the session, then runs forward, staged and fused for its layer (any layer and mode:
// the generic reduction, or training batch norm's kernels for a gamma per feature). Undefined cases are problems, never
// NaN: a set with variance (or mean square) 0 and eps = 0, an overflow.
FamilyResult analyzeFamily(const Session& session);

}  // namespace bnflow
