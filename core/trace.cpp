#include "trace.h"

#include <stdexcept>

namespace bnflow {
namespace {

struct Formula {
    std::string_view id;
    std::string_view tex;
};

constexpr Formula kFormulas[] = {
#include "formulas.inc"
};

std::string_view tex(std::string_view id)
{
    for (const Formula& f : kFormulas)
        if (f.id == id)
            return f.tex;
    throw std::logic_error("formulas.inc has no formula for " + std::string(id));
}

}  // namespace

const std::vector<StepInfo>& stepCatalog()
{
    static const std::vector<StepInfo> steps = {
        {"mu", Phase::Forward, 0, "mu", tex("mu"), {"x"},
         "The mean of each feature over the batch."},
        {"xmu", Phase::Forward, 0, "xmu", tex("xmu"), {"x", "mu"},
         "Each sample centred on its feature's mean."},
        {"var", Phase::Forward, 0, "var", tex("var"),
         {"xmu"},
         "The biased batch variance (divide by N), computed from the centred values: two passes, "
         "never E[x^2] - E[x]^2, which cancels catastrophically on offset data."},
        {"inv_std", Phase::Forward, 0, "invStd", tex("inv_std"),
         {"var", "eps"}, "eps keeps the division finite when a feature is (nearly) constant."},
        {"xhat", Phase::Forward, 0, "xhat", tex("xhat"), {"xmu", "inv_std"},
         "The normalised batch: zero mean and (almost) unit variance per feature."},
        {"y", Phase::Forward, 0, "y", tex("y"),
         {"xhat", "gamma", "beta"},
         "Scale and shift. gamma = sqrt(var + eps) and beta = mu would give back x."},

        {"dy", Phase::Staged, 1, "dy", tex("dy"),
         {"dout"}, "The upstream gradient is given: the backward pass starts here."},
        {"dbeta", Phase::Staged, 2, "dbeta", tex("dbeta"),
         {"dy"}, "beta is added to every sample, so its gradient sums over the batch."},
        {"dgamma", Phase::Staged, 2, "dgamma", tex("dgamma"),
         {"dy", "xhat"}, "gamma scales every sample, so its gradient sums over the batch too."},
        {"dxhat", Phase::Staged, 2, "dxhat", tex("dxhat"),
         {"dy", "gamma"}, "One gradient per element: no sum, xhat_ij feeds only y_ij."},
        {"dinv_std", Phase::Staged, 3, "dinvStd", tex("dinv_std"), {"dxhat", "xmu"},
         "xhat = xmu * invStd: invStd scales every sample of its feature, so its gradient "
         "sums over the batch."},
        {"dvar", Phase::Staged, 3, "dvar", tex("dvar"),
         {"dxhat", "xmu", "var"},
         "var feeds every xhat of its feature, so the sum belongs here, not inside "
         "d xhat / d var. The power is -3/2 of (var + eps), not of its square root."},
        {"dmu_via_xhat", Phase::Staged, 3, "dmu (via xhat)", tex("dmu_via_xhat"),
         {"dxhat", "inv_std"}, "mu reaches xhat directly through x - mu."},
        {"dmu_via_var", Phase::Staged, 3, "dmu (via var)", tex("dmu_via_var"),
         {"dvar", "xmu"},
         "mu also reaches var. This term is zero in exact arithmetic because the centred values "
         "sum to 0; what is left is rounding noise."},
        {"dmu", Phase::Staged, 3, "dmu", tex("dmu"),
         {"dmu_via_xhat", "dmu_via_var"}, "The two paths from mu add up."},
        {"dx_via_xhat", Phase::Staged, 4, "dx (via xhat)", tex("dx_via_xhat"),
         {"dxhat", "inv_std"}, "The direct path: x_ij appears in xhat_ij."},
        {"dx_via_var", Phase::Staged, 4, "dx (via var)", tex("dx_via_var"),
         {"dvar", "xmu"}, "x_ij also moves the variance of its feature."},
        {"dxmu", Phase::Staged, 4, "dxmu", tex("dxmu"), {"dx_via_xhat", "dx_via_var"},
         "x - mu fans out into xhat and var, so the gradient of xmu is the sum of those two "
         "paths."},
        {"dx_via_mu", Phase::Staged, 4, "dx (via mu)", tex("dx_via_mu"),
         {"dmu"}, "And x_ij moves the mean: the same share for every sample."},
        {"dx", Phase::Staged, 4, "dx", tex("dx"),
         {"dx_via_xhat", "dx_via_var", "dx_via_mu"},
         "x fans out into three paths, so its gradient is the sum of the three contributions: "
         "the central point of the derivation."},

        {"fused_term1", Phase::Fused, 0, "term 1", tex("fused_term1"),
         {"dxhat"}, "The first bracketed term of the closed form."},
        {"fused_term2", Phase::Fused, 0, "term 2", tex("fused_term2"),
         {"dxhat"}, "Subtracted from every sample of the feature."},
        {"fused_term3", Phase::Fused, 0, "term 3", tex("fused_term3"),
         {"dxhat", "xhat"},
         "The third term. A fourth, multiplied by mean(xhat) = 0, is sometimes written and "
         "vanishes."},
        {"fused_dx", Phase::Fused, 0, "dx (fused)", tex("fused_dx"),
         {"fused_term1", "fused_term2", "fused_term3", "inv_std"},
         "The closed form: the same dx as the staged sum, up to rounding, in two passes."},
        {"fused_diff", Phase::Fused, 0, "fused - staged", tex("fused_diff"),
         {"fused_dx", "dx"}, "Rounding-level differences only: both forms are exact in math."},
    };
    return steps;
}

const StepInfo* findStep(std::string_view id)
{
    for (const StepInfo& step : stepCatalog())
        if (step.id == id)
            return &step;
    return nullptr;
}

std::vector<TraceStep> buildTrace(const Session& session, const Analysis& a)
{
    const auto& f = a.forward;
    const auto& s = a.staged;
    const auto& t = a.fused;
    const auto valueOf = [&](std::string_view id) -> Matrix {
        if (id == "mu") return f.mean;
        if (id == "xmu") return f.xmu;
        if (id == "var") return f.var;
        if (id == "inv_std") return f.invStd;
        if (id == "xhat") return f.xhat;
        if (id == "y") return f.y;
        if (id == "dy") return session.dout;
        if (id == "dbeta") return s.dbeta;
        if (id == "dgamma") return s.dgamma;
        if (id == "dxhat") return s.dxhat;
        if (id == "dinv_std") return s.dinvStd;
        if (id == "dvar") return s.dvar;
        if (id == "dmu_via_xhat") return s.dmeanViaXhat;
        if (id == "dmu_via_var") return s.dmeanViaVar;
        if (id == "dmu") return s.dmean;
        if (id == "dx_via_xhat") return s.dxViaXhat;
        if (id == "dx_via_var") return s.dxViaVar;
        if (id == "dxmu") return s.dxmu;
        if (id == "dx_via_mu") return s.dxViaMean;
        if (id == "dx") return s.dx;
        if (id == "fused_term1") return t.term1;
        if (id == "fused_term2") return t.term2;
        if (id == "fused_term3") return t.term3;
        if (id == "fused_dx") return t.grads.dx;
        if (id == "fused_diff") return a.absDiffDx;
        throw std::logic_error("trace: no value for step " + std::string(id));
    };
    std::vector<TraceStep> trace;
    trace.reserve(stepCatalog().size());
    for (const StepInfo& info : stepCatalog())
        trace.push_back({&info, valueOf(info.id)});
    return trace;
}

}  // namespace bnflow
