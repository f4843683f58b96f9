// Which eigenvalue of a set's Jacobian belongs to the directions doc/jacobian.md names: 1 (a
// shift of the whole set, which a centred layer forgets: eigenvalue 0) and xhat (a scaling of
// the set's deviations: gamma s eps / (var + eps), falling to 0 with eps). Found by projecting
// each direction on the eigenvectors, not by the size of the eigenvalues.
#pragma once

#include <core/math/jacobian.h>

#include <string>
#include <vector>

namespace bnflow {

struct NamedEigenvalue {
    std::string direction;  // "1" or "xhat"
    Eigen::Index index = 0; // into LayerJacobian::eigenvalues (ascending)
    double value = 0;       // that eigenvalue
    double overlap = 0;     // |cos| of the angle between the direction and its eigenvector, 0..1
};

// The directions that apply: 1 and xhat for the centred layers (batch norm in training, spatial
// batch norm, layer norm, group norm), xhat for RMSNorm, none in eval mode (S = invStd I); xhat
// only when the set is not constant. Each direction gets the eigenvector (of the symmetric
// S^1/2 diag(gamma) S^1/2, whose eigenvalues are J's) it projects on most, 1 first, each
// eigenvector at most once: at eps = 0, where 1 and xhat share the eigenvalue 0, both are named.
std::vector<NamedEigenvalue> namedEigenvalues(const LayerJacobian& jacobian, const NormConfig& norm);

}  // namespace bnflow
