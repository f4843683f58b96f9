// The Jacobian lens (doc/jacobian.md): the M x M matrix d y_set / d x_set of one normalization
// set, every other entry of x held fixed, from the closed form of each layer. It is
// diag(gamma) S with S symmetric positive semidefinite, so its eigenvalues are real; its null
// space is where dx = J^T dout cannot point (the constants, and xhat as eps -> 0).
// Double precision, for the CLI (`bnflow-cli jacobian`), the tests and a later view.
#pragma once

#include <core/math/family.h>
#include <core/model/session.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bnflow {

// The largest set whose Jacobian bnflow computes: M x M doubles and a dense eigensolver.
inline constexpr Eigen::Index kMaxJacobianSize = 4096;

// Which entries of x make up the set, in the order of the matrix's rows and columns.
struct JacobianSet {
    std::string name;   // "feature 3", "sample 2", "sample 2, group 1", "channel 1"
    std::vector<std::pair<Eigen::Index, Eigen::Index>> cells;  // (i, j), sample-major
    Eigen::Index size() const { return Eigen::Index(cells.size()); }
};

// The set that feature J and sample I select for the session's layer and mode
// (doc/contracts.md, jacobian): batch norm, training: feature J's column (spatial: J's
// channel, its N * L entries sample by sample); eval: feature J's column; layer norm and
// RMSNorm: sample I's row; group norm: the group of sample I that holds feature J.
// Indices must be inside the batch (checked by layerJacobian, not here).
JacobianSet jacobianSet(const Session& session, const Reduction& r, Eigen::Index feature,
                        Eigen::Index sample);

struct LayerJacobian {
    JacobianSet set;
    Matrix matrix;          // M x M, rows indexed by y, columns by x: d y_a / d x_b
    Eigen::VectorXd gamma;  // the gamma of each entry of the set (per feature or per channel)
    Eigen::VectorXd xhat;   // the set's normalized values, in the set's order
    Matrix symmetric;       // S: matrix = diag(gamma) S
    Eigen::VectorXd eigenvalues;  // ascending, those of S^1/2 diag(gamma) S^1/2
    Eigen::VectorXd singularValues;  // of matrix, descending
    Eigen::Index rank = 0;           // singular values > 1e-12 * the largest
    Eigen::Index nullSpaceDim() const { return set.size() - rank; }
};

struct JacobianResult {
    std::optional<LayerJacobian> jacobian;  // set exactly when problems is empty
    Problems problems;
    bool ok() const { return jacobian.has_value(); }
};

// The closed forms (doc/jacobian.md#closed-forms), over the forward values of the whole batch:
// centred layers S = (invStd / M) (M I - 1 1^T - xhat xhat^T); RMSNorm S = rrms (I - xhat
// xhat^T / D); eval S = invStd I. Then the eigenvalues and the rank.
LayerJacobian jacobianOf(const Reduction& r, const FamilyForward& f, const RowVector& gamma,
                         JacobianSet set);

// Validates the session (as grad does), feature < D and sample < N, and M <= kMaxJacobianSize;
// the problems name "feature", "sample" or the set.
JacobianResult layerJacobian(const Session& session, Eigen::Index feature, Eigen::Index sample);

// max |dx_set - J^T dout_set| over the set: the chain rule's dx of the set is the Jacobian's
// transpose applied to the upstream gradient of the same set (dx is N x D, e.g. the staged one).
double jacobianIdentityError(const LayerJacobian& jacobian, const Matrix& dout, const Matrix& dx);

}  // namespace bnflow
