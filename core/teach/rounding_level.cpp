// roundingLevel(): the size below which a computed value is rounding noise, for the colour
// scale of the result tables (a value at that level is drawn pale, never saturated).
#include <core/teach/catalogue.h>
#include <core/teach/family_catalogue.h>

#include <algorithm>
#include <array>
#include <utility>

namespace bnflow {
namespace {

// Quantities that no step computes read their scale from the quantities they check or repeat.
constexpr std::array<std::pair<std::string_view, std::array<std::string_view, 2>>, 4> kNoStep{{
    {"dx_sum", {"dx", "dx"}},
    {"dx_xhat_sum", {"dx", "xhat"}},
    {"fused_dgamma", {"dy", "xhat"}},
    {"fused_dbeta", {"dy", "dy"}},
}};

double largest(std::string_view id, const Session& session, const Analysis& analysis)
{
    const auto v = valueOf(id, session, analysis);
    return v.size() ? v.cwiseAbs().maxCoeff() : 0.0;
}

}  // namespace

double roundingLevel(std::string_view id, const Session& session, const Analysis& analysis)
{
    // Sums of N terms in double precision lose about N ulps of their largest term; 1e-10 of the
    // inputs' size stays above that for any batch the application edits and far below any
    // value that means something.
    constexpr double kRelative = 1e-10;
    double inputs = 0;
    if (const Step* step = findStep(id)) {
        for (const std::string_view input : step->inputs)
            if (input != "eps")  // a parameter of the formula, not a size the result inherits
                inputs = std::max(inputs, largest(input, session, analysis));
    } else if (const auto it = std::find_if(kNoStep.begin(), kNoStep.end(), [&](const auto& e) { return e.first == id; });
               it != kNoStep.end()) {
        for (const std::string_view input : it->second)
            inputs = std::max(inputs, largest(input, session, analysis));
    }
    return kRelative * inputs;
}

double familyRoundingLevel(std::string_view id, const Session& session,
                           const FamilyAnalysis& analysis)
{
    constexpr double kRelative = 1e-10;  // as above
    const std::vector<Step>& chain = steps(layerSpec(analysis.reduction));
    const auto step = std::find_if(chain.begin(), chain.end(), [&](const Step& s) { return s.id == id; });
    std::vector<std::string_view> inputs;
    if (step != chain.end())
        inputs = step->inputs;
    else if (id == "dx_diff")
        inputs = {"dx", "fused_dx"};
    else if (id == "dx_sum")
        inputs = {"dx"};
    else if (id == "dx_xhat_sum")
        inputs = {"dx", "xhat"};
    else if (id == "fused_dgamma" || id == "fused_dbeta")
        inputs = {"dy", "xhat"};
    double largestInput = 0;
    for (const std::string_view input : inputs) {
        if (input == "eps")
            continue;
        const auto v = familyValueOf(input, session, analysis);
        if (v.size())
            largestInput = std::max(largestInput, v.cwiseAbs().maxCoeff());
    }
    return kRelative * largestInput;
}

}  // namespace bnflow
