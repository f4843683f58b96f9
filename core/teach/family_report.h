// The family's results as text for people and other programs: the results CSV of every
// quantity of a layer's step list (bnflow-cli export --plot values, File > Export results) and a
// step's formula with one set's numbers plugged in (the handout), for every layer, training batch
// norm included; these read a FamilyAnalysis (family.h).
#pragma once

#include <core/teach/catalogue.h>
#include <core/math/family.h>

#include <string>
#include <string_view>
#include <vector>

namespace bnflow {

// How a family quantity's values are laid out, whatever its batch-norm extent in the catalogue:
// mean, var, dvar, ... are one per set of the layer (1 x D, N x 1 or N x G), not per feature.
enum class FamilyShape { Scalar, PerFeature, PerElement, PerSet };
FamilyShape familyShape(std::string_view id);

// The quantities of the layer's step list (family_catalogue.h's steps(layer, mode)) in order,
// after the inputs x, dout (and running_mean, running_var where the session has them), then
// the updated running statistics when they were updated. Each id once.
std::vector<std::string_view> familyCsvIds(const Session& session, const FamilyAnalysis& analysis);

// Long CSV, one value a line, "quantity,sample,feature,value", as resultsCsv() of report.h:
// per element (i, j); per feature (empty, j); per set, in the set's own shape: batch norm's
// (empty, j), layer norm's and RMSNorm's (i, empty), group norm's (i, "a:b"), the features
// a .. b-1 of group g. Cells that exercise mode hides have an empty value.
std::string familyResultsCsv(const Session& session, const FamilyAnalysis& analysis);

}  // namespace bnflow
