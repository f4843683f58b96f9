// The "jacobian" plot (doc/jacobian.md): the M x M matrix d y / d x of the set that the feature
// and sample select, as a heatmap on a diverging scale, beside its eigenvalues with the
// directions 1 and xhat named, and a caption checking dx = J^T dout against the staged dx.
// Every number comes from core (core/math/jacobian.h, jacobian_directions.h).
#pragma once

#include <plots/plot_spec.h>

#include <core/math/jacobian.h>

namespace bnflow::ui {

// Which selectors choose the set: batch norm (training, spatial, eval) reads the feature, layer
// norm and RMSNorm the sample, group norm both (the sample's group that holds the feature).
struct JacobianSelectors {
    bool feature = false;
    bool sample = false;
};
JacobianSelectors jacobianSelectors(const NormConfig& norm);

// Sets up to this size have each cell's value written in it (when it fits); hover gives any.
inline constexpr int kJacobianCellNumbersUpTo = 16;
// Larger sets are computed on the window's worker thread (two dense eigensolvers, O(M^3)).
inline constexpr Eigen::Index kJacobianForegroundSize = 128;

// Panel 0: the heatmap of the matrix (rows y_a, columns x_b, both labelled [sample,feature]);
// panel 1: the eigenvalues ascending, |lambda| on a log axis, those along 1 and xhat named;
// the caption: the set, M, the rank, and identityError = max |dx - J^T dout| over the set.
PlotSpec jacobianPlot(const LayerJacobian& jacobian, const NormConfig& norm, double identityError);

// layerJacobian(session, feature, sample), the indices clamped to the batch, checked against
// the staged dx. A set larger than kMaxJacobianSize or a session that cannot be computed: a
// spec without panels whose caption says why.
PlotSpec jacobianPlot(const Session& session, const Matrix& stagedDx, Eigen::Index feature,
                      Eigen::Index sample);

// M for the selected set of a session that validates, without computing it.
Eigen::Index jacobianSize(const Session& session, Eigen::Index feature, Eigen::Index sample);

}  // namespace bnflow::ui
