// The known mistakes of a hand-written normalization backward pass (the contract's fixed list,
// doc/contracts.md; doc/derivation.md, "Common mistakes" and "Mistakes per layer"): what each
// one computes for a session of any layer.
#pragma once

#include <core/model/session.h>

#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace bnflow {

struct Mistake {
    std::string_view name;         // the contract's name, e.g. "mean_path_missing"
    std::string_view step;         // the walkthrough step where it goes wrong, e.g. "dx_via_mean"
    std::string_view title;        // a few words for a heading
    std::string_view explanation;  // one paragraph: what the wrong code does and how to see it
};

// The fixed list, in the contract's order.
std::span<const Mistake> knownMistakes();

// One way of making a mistake: the dx, dgamma and dbeta that code with that mistake returns.
// A mistake may have several (a sign lost in dmean or in dvar; a sum without axis in the staged
// or in the fused form; an .npz may hold any subset of the tensors, so each is complete).
struct MistakeCandidate {
    const Mistake* mistake;
    Matrix dx;          // N x D
    RowVector dgamma;   // 1 x D
    RowVector dbeta;    // 1 x D
};

// Every candidate of every mistake that exists for the session's layer and mode, in float64
// (training batch norm here, the others in family_mistakes.h). Candidates that are not finite
// (eps = 0 beside a constant column) or undefined (N - 1 = 0) are left out; nothing for a
// session that cannot be computed.
std::vector<MistakeCandidate> mistakeCandidates(const Session& session);

// The same, one at a time, so that a large batch never holds all of them at once.
void forEachMistakeCandidate(const Session& session,
                             const std::function<void(const MistakeCandidate&)>& visit);

}  // namespace bnflow
