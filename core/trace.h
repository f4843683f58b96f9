// The derivation as an ordered list of named steps, each with its formula and its value.
// The walkthrough, the graph view, the handout and the CLI all read this list; nobody
// re-implements a formula to display it.
#pragma once

#include "analysis.h"

#include <string_view>
#include <vector>

namespace bnflow {

enum class Phase { Forward, Staged, Fused };

struct StepInfo {
    std::string_view id;       // stable name: "dvar", "dx_via_mu", ...
    Phase phase;
    int cell;                  // the cell of MATH.md's staged table (0 for forward and fused)
    std::string_view symbol;   // plain-text symbol: "dvar"
    std::string_view tex;      // the formula in TeX
    std::vector<std::string_view> inputs;  // ids (or session fields) this step reads
    std::string_view meaning;  // one or two sentences: what it is and why
};

struct TraceStep {
    const StepInfo* info;  // points into stepCatalog()
    Matrix value;          // N x D, or 1 x D for per-feature quantities
};

// Every step, forward then staged backward then fused, in teaching order.
const std::vector<StepInfo>& stepCatalog();
const StepInfo* findStep(std::string_view id);

// The catalogue with this analysis' values.
std::vector<TraceStep> buildTrace(const Session& session, const Analysis& analysis);

}  // namespace bnflow
