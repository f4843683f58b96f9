// The known mistakes (mistakes.h) for every layer beyond training batch norm: layer norm,
// RMSNorm, group norm, spatial batch norm and batch norm in eval mode. Each candidate is the
// layer's own staged chain rule (core/math/family.h) with one thing changed, over the layer's
// sets, as doc/derivation.md#mistakes-per-layer defines them.
#pragma once

#include <core/teach/mistakes.h>

namespace bnflow {

// Every candidate of the mistakes that exist for the session's layer and mode, one at a time;
// nothing for a session that analyzeFamily() refuses. Candidates that are not finite are left out.
void forEachFamilyMistakeCandidate(const Session& session,
                                   const std::function<void(const MistakeCandidate&)>& visit);

// The candidate of `wrong_axis` for any layer: the whole computation reduced over the other
// axis (batch norm over the features, as layer norm; layer norm, RMSNorm and group norm over the
// batch, as batch norm; spatial batch norm per feature, ignoring L), with dgamma and dbeta in the
// session's own shape. Empty when the other reduction is undefined (eval mode, an invalid session).
std::optional<MistakeCandidate> wrongAxisCandidate(const Session& session);

}  // namespace bnflow
