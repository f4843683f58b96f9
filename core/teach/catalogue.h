// The one vocabulary of bnflow: every quantity a user meets, named once, and the derivation as
// an ordered list of steps, each producing one quantity. The result tables, the walkthrough's
// step list, the graph, the plugged-in numbers, the CLI's JSON and the handout all read names,
// symbols and formulas from here. Notation and derivation: doc/derivation.md#notation.
#pragma once

#include <core/math/analysis.h>

#include <string>
#include <string_view>
#include <vector>

namespace bnflow {

// How many values a quantity has, for an N x D batch.
enum class Extent {
    Scalar,      // one number (eps)
    PerFeature,  // 1 x D (mean, var, gamma, dbeta, ...)
    PerElement,  // N x D (x, xhat, dx, ...)
    PerSet,      // one per statistic of the layer: N x 1 (RMSNorm's rrms, ...), see family_catalogue.h
};

struct Quantity {
    std::string_view id;       // stable name: "inv_std"; the formula file and table names use it
    std::string_view label;    // what tables, the step list and the graph show: "invStd"
    std::string_view symbol;   // plain-text symbol for one-line formulas: "invStd", "μ", "σ²"
    std::string_view tex;      // the symbol in TeX, with indices: "\mu_j"
    std::string_view jsonKey;  // the key in bnflow-cli grad's output ("dx" for the fused dx too)
    Extent extent;
    std::string_view meaning;  // one line: what it is
};

// Every quantity, inputs first, then forward, staged backward, fused, invariants.
const std::vector<Quantity>& quantities();
// ms, rms, rrms, drrms, dms (RMSNorm), running_mean, running_var, momentum (batch norm's running
// statistics), updated_running_mean, updated_running_var. quantity(id) finds these too.
const std::vector<Quantity>& familyQuantities();
// The quantity with this id; throws std::logic_error for an unknown id (a programming error).
const Quantity& quantity(std::string_view id);
// The same, or nullptr: for ids read from files.
const Quantity* findQuantity(std::string_view id);
// Whether a quantity may be hidden: a computed one of the catalogue, not an input of the session.
bool isHideable(std::string_view quantityId);

// "invStd", or "mean (μ)" where the label and the symbol differ.
std::string labelWithSymbol(const Quantity& q);

enum class Phase { Forward, Staged, Fused };

struct Step {
    std::string_view id;  // the id of the quantity it computes
    Phase phase;
    int cell;             // the cell of the staged table (doc/derivation.md#staged-backward-pass), 0 otherwise
    std::string_view formula;  // the right-hand side as a template, see pluggedIn()
    std::vector<std::string_view> inputs;  // ids of the quantities it reads
    std::string_view tex;      // the whole formula in TeX (core/teach/formulas.inc)
    std::string_view meaning;  // one or two sentences: what it is and why

    const Quantity& output() const { return quantity(id); }
};

// The batch-norm derivation in teaching order: forward, staged backward, fused.
const std::vector<Step>& steps();
const Step* findStep(std::string_view id);

// True for the quantities the session holds (x, gamma, beta, eps, dout): they have values
// even when the session cannot be computed.
bool isSessionQuantity(std::string_view id);

// A quantity's value for this session, as an N x D, 1 x D or 1 x 1 view into the session or
// the analysis (valid while both live).
Eigen::Map<const Matrix> valueOf(std::string_view id, const Session& session,
                                 const Analysis& analysis);

// The size below which this quantity's values are rounding noise: 1e-10 of the largest value
// among the quantities its step reads (eps aside). 0 for what the session holds (x, gamma, beta,
// dout), which is given, not computed. The result tables draw values below it pale.
double roundingLevel(std::string_view id, const Session& session, const Analysis& analysis);

// The step's formula twice, first in symbols and then with feature j's numbers plugged in, and
// its result, as one line of UTF-8 text generated from the step's template:
//   "σ² = (1/N) · Σ (x − μ)²,  with x − μ = [−1.5, −0.5, 0.5, 1.5]  →  1.25"
//   "invStd = 1/√(σ² + ε) = 1/√(1.25 + 1e-05) = 0.8944"
// In the template, {id} stands for a quantity (its symbol, or feature j's value: one number per
// feature, the column [a, b, …] per element), {Σid} for the sum over the column, {N} for the
// batch size. A template whose numbers would not read well inline (a sum of products) is marked
// with a leading '~': its inputs are listed after "with" instead.
std::string pluggedIn(const Step& step, const Session& session, const Analysis& analysis,
                      Eigen::Index feature, int significantDigits = 4);

}  // namespace bnflow
