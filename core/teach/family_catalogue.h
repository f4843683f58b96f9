// The normalization family in the catalogue's vocabulary (catalogue.h): the quantities only the
// family has, each layer's step list, its values, and bnflow-cli grad's JSON for it.
// A quantity the family shares with batch norm (mean, var, inv_std, xhat, y, dxhat, dvar, dmean,
// dx, ...) keeps its one catalogue entry; only its extent differs by layer (Extent::PerSet).
#pragma once

#include <core/teach/catalogue.h>
#include <core/math/family.h>
#include <core/io/json_format.h>
#include <core/layers/layer_spec.h>

#include <string>
#include <vector>

namespace bnflow {


// The derivation of one layer in teaching order: forward, staged, fused. Training batch norm is
// steps(); eval mode has its own short chain. Layer norm and group norm share their steps but
// not their TeX (a row against a block of a row). Formulas are templates as in catalogue.h, read
// over one set of the layer (the family's pluggedIn below); every step's tex is its formula's.
// Layer norm, RMSNorm and group norm have no eval mode: their mode is ignored.
const std::vector<Step>& steps(Layer layer, Mode mode = Mode::Train);

// Whether the quantity is one value per set of the layer's reduction (Reduction): a statistic
// of the set (mean, var, inv_std, ms, rms, rrms) or a gradient summed over it (dinv_std, dvar,
// dmean and its shares, drrms, dms, the fused sums). Per-feature parameters and their gradients
// (gamma, dgamma, ...) are not: they always run over the samples.
bool isSetStatistic(std::string_view id);

// Which typeset formula a step of a layer shows: the key of its TeX and of its SVG
// (":/formulas/<key>.svg", resources/formulas). The step id for training batch norm ("mean"),
// "<layer>/<step>" where the layer has a formula of its own ("layernorm/mean",
// "batchnorm_eval/inv_std"), the step id again where the layer's formula is batch norm's own
// (dy, dbeta, dgamma, dxhat, y). Throws std::logic_error for a step the layer does not have.
std::string formulaKey(Layer layer, Mode mode, std::string_view stepId);

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

// The JSON of the grad contract for any layer of the family (doc/contracts.md):
// statistics flat ([N] or [D]) when one per sample or per feature, N rows of G for group norm;
// "running" when the running statistics were updated. NonFinite::Null writes an infinity or a
// NaN as null (grad --precision, where an overflow is the result); the default refuses them.
std::string familyGradJson(const Session& session, const FamilyAnalysis& analysis,
                           json::NonFinite nonFinite = json::NonFinite::Refuse);

// ,\n  "running": {"mean": [...], "var": [...]} : what training batch norm adds to gradJson.
std::string runningJson(const RunningUpdate& running,
                        json::NonFinite nonFinite = json::NonFinite::Refuse);

// pluggedIn() (catalogue.h) for any layer: the step's formula with the numbers of one set, the
// elements that share the statistic at (setRow, setCol) of the layer's statistics shape: row i
// (layer norm, RMSNorm: (i, 0)), group g of row i (group norm: (i, g)), column j (batch norm:
// (0, j)). {M} is the set size, {Σid} the sum over the set written out; a set's per-feature
// values (gamma, dbeta) are listed over its features. Throws std::out_of_range for a set the
// layer does not have, std::logic_error for a step whose quantity the layer does not compute.
std::string pluggedIn(const Step& step, const Session& session, const FamilyAnalysis& analysis,
                      Eigen::Index setRow, Eigen::Index setCol, int significantDigits = 4);

}  // namespace bnflow
