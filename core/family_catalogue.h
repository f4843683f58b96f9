// The normalization family in the catalogue's vocabulary (catalogue.h): the quantities only the
// family has, each layer's step list, its values, and bnflow-cli grad's JSON for it.
// A quantity the family shares with batch norm (mean, var, inv_std, xhat, y, dxhat, dvar, dmean,
// dx, ...) keeps its one catalogue entry; only its extent differs by layer (Extent::PerSet).
#pragma once

#include "catalogue.h"
#include "family.h"

#include <string>
#include <vector>

namespace bnflow {

// ms, rms, rrms, drrms, dms (RMSNorm), running_mean, running_var, momentum (batch norm's running
// statistics), updated_running_mean, updated_running_var. quantity(id) finds these too.
const std::vector<Quantity>& familyQuantities();

// The derivation of one layer in teaching order: forward, staged, fused. Training batch norm is
// steps(); eval mode has its own short chain. Formulas are templates as in catalogue.h; the TeX
// of the family's steps is still empty (the walkthrough shows batch norm only so far).
const std::vector<Step>& steps(Layer layer, Mode mode = Mode::Train);

// A quantity's value for a family analysis, statistics in the layer's shape (1 x D, N x 1 or
// N x G); empty (0 x 0) for a quantity the layer does not have. Throws std::logic_error for an
// unknown id.
Eigen::Map<const Matrix> familyValueOf(std::string_view id, const Session& session,
                                       const FamilyAnalysis& analysis);

// The size below which a family quantity's values are rounding noise, as roundingLevel() in
// catalogue.h: 1e-10 of the largest value among the inputs of the step that computes it in
// steps(layer, mode); 0 for what the session holds.
double familyRoundingLevel(std::string_view id, const Session& session,
                           const FamilyAnalysis& analysis);

// The ids bnflow-cli grad prints in "forward" and "staged" for this layer (fused is always dx,
// dgamma, dbeta).
std::vector<std::string_view> gradForwardIds(const Reduction& reduction);
std::vector<std::string_view> gradStagedIds(const Reduction& reduction);

// The JSON of the grad contract for any layer of the family (shared/ARCHITECTURE.md):
// statistics flat ([N] or [D]) when one per sample or per feature, N rows of G for group norm;
// "running" when the running statistics were updated.
std::string familyGradJson(const Session& session, const FamilyAnalysis& analysis);

// ,\n  "running": {"mean": [...], "var": [...]} : what training batch norm adds to gradJson.
std::string runningJson(const RunningUpdate& running);

}  // namespace bnflow
