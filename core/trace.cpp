#include "trace.h"

#include <stdexcept>

namespace bnflow {

const std::vector<StepInfo>& stepCatalog()
{
    static const std::vector<StepInfo> steps = {
        {"mu", Phase::Forward, 0, "mu", R"(\mu_j = \frac{1}{N}\sum_{i=1}^{N} x_{ij})", {"x"},
         "The mean of each feature over the batch."},
        {"xmu", Phase::Forward, 0, "xmu", R"(\bar{x}_{ij} = x_{ij} - \mu_j)", {"x", "mu"},
         "Each sample centred on its feature's mean."},
        {"var", Phase::Forward, 0, "var", R"(\sigma^2_j = \frac{1}{N}\sum_{i=1}^{N} \bar{x}_{ij}^2)",
         {"xmu"},
         "The biased batch variance (divide by N), computed from the centred values: two passes, "
         "never E[x^2] - E[x]^2, which cancels catastrophically on offset data."},
        {"inv_std", Phase::Forward, 0, "invStd", R"(r_j = \frac{1}{\sqrt{\sigma^2_j + \epsilon}})",
         {"var", "eps"}, "eps keeps the division finite when a feature is (nearly) constant."},
        {"xhat", Phase::Forward, 0, "xhat", R"(\hat{x}_{ij} = \bar{x}_{ij}\, r_j)", {"xmu", "inv_std"},
         "The normalised batch: zero mean and (almost) unit variance per feature."},
        {"y", Phase::Forward, 0, "y", R"(y_{ij} = \gamma_j \hat{x}_{ij} + \beta_j)",
         {"xhat", "gamma", "beta"},
         "Scale and shift. gamma = sqrt(var + eps) and beta = mu would give back x."},

        {"dy", Phase::Staged, 1, "dy", R"(\frac{\partial f}{\partial y_{ij}} = \mathrm{dout}_{ij})",
         {"dout"}, "The upstream gradient is given: the backward pass starts here."},
        {"dbeta", Phase::Staged, 2, "dbeta", R"(\frac{\partial f}{\partial \beta_j} = \sum_{i=1}^{N} \frac{\partial f}{\partial y_{ij}})",
         {"dy"}, "beta is added to every sample, so its gradient sums over the batch."},
        {"dgamma", Phase::Staged, 2, "dgamma", R"(\frac{\partial f}{\partial \gamma_j} = \sum_{i=1}^{N} \frac{\partial f}{\partial y_{ij}}\, \hat{x}_{ij})",
         {"dy", "xhat"}, "gamma scales every sample, so its gradient sums over the batch too."},
        {"dxhat", Phase::Staged, 2, "dxhat", R"(\frac{\partial f}{\partial \hat{x}_{ij}} = \frac{\partial f}{\partial y_{ij}}\, \gamma_j)",
         {"dy", "gamma"}, "One gradient per element: no sum, xhat_ij feeds only y_ij."},
        {"dvar", Phase::Staged, 3, "dvar", R"(\frac{\partial f}{\partial \sigma^2_j} = \sum_{i=1}^{N} \frac{\partial f}{\partial \hat{x}_{ij}}\, \bar{x}_{ij} \cdot \left(-\tfrac{1}{2}\right)(\sigma^2_j + \epsilon)^{-3/2})",
         {"dxhat", "xmu", "var"},
         "var feeds every xhat of its feature, so the sum belongs here, not inside "
         "d xhat / d var. The power is -3/2 of (var + eps), not of its square root."},
        {"dmu_via_xhat", Phase::Staged, 3, "dmu (via xhat)", R"(\sum_{i=1}^{N} \frac{\partial f}{\partial \hat{x}_{ij}} \cdot (-r_j))",
         {"dxhat", "inv_std"}, "mu reaches xhat directly through x - mu."},
        {"dmu_via_var", Phase::Staged, 3, "dmu (via var)", R"(\frac{\partial f}{\partial \sigma^2_j} \cdot \left(-\frac{2}{N}\right) \sum_{i=1}^{N} \bar{x}_{ij})",
         {"dvar", "xmu"},
         "mu also reaches var. This term is zero in exact arithmetic because the centred values "
         "sum to 0; what is left is rounding noise."},
        {"dmu", Phase::Staged, 3, "dmu", R"(\frac{\partial f}{\partial \mu_j} = \sum_{i} \frac{\partial f}{\partial \hat{x}_{ij}} (-r_j) + \frac{\partial f}{\partial \sigma^2_j}\left(-\frac{2}{N}\right)\sum_{i} \bar{x}_{ij})",
         {"dmu_via_xhat", "dmu_via_var"}, "The two paths from mu add up."},
        {"dx_via_xhat", Phase::Staged, 4, "dx (via xhat)", R"(\frac{\partial f}{\partial \hat{x}_{ij}}\, r_j)",
         {"dxhat", "inv_std"}, "The direct path: x_ij appears in xhat_ij."},
        {"dx_via_var", Phase::Staged, 4, "dx (via var)", R"(\frac{\partial f}{\partial \sigma^2_j} \cdot \frac{2\,\bar{x}_{ij}}{N})",
         {"dvar", "xmu"}, "x_ij also moves the variance of its feature."},
        {"dx_via_mu", Phase::Staged, 4, "dx (via mu)", R"(\frac{\partial f}{\partial \mu_j} \cdot \frac{1}{N})",
         {"dmu"}, "And x_ij moves the mean: the same share for every sample."},
        {"dx", Phase::Staged, 4, "dx", R"(\frac{\partial f}{\partial x_{ij}} = \frac{\partial f}{\partial \hat{x}_{ij}} r_j + \frac{\partial f}{\partial \sigma^2_j} \frac{2\bar{x}_{ij}}{N} + \frac{\partial f}{\partial \mu_j} \frac{1}{N})",
         {"dx_via_xhat", "dx_via_var", "dx_via_mu"},
         "x fans out into three paths, so its gradient is the sum of the three contributions: "
         "the central point of the derivation."},

        {"fused_term1", Phase::Fused, 0, "term 1", R"(N \frac{\partial f}{\partial \hat{x}_{ij}})",
         {"dxhat"}, "The first bracketed term of the closed form."},
        {"fused_term2", Phase::Fused, 0, "term 2", R"(\sum_{k=1}^{N} \frac{\partial f}{\partial \hat{x}_{kj}})",
         {"dxhat"}, "Subtracted from every sample of the feature."},
        {"fused_term3", Phase::Fused, 0, "term 3", R"(\hat{x}_{ij} \sum_{k=1}^{N} \frac{\partial f}{\partial \hat{x}_{kj}}\, \hat{x}_{kj})",
         {"dxhat", "xhat"},
         "The third term. A fourth, multiplied by mean(xhat) = 0, is sometimes written and "
         "vanishes."},
        {"fused_dx", Phase::Fused, 0, "dx (fused)", R"(\frac{\partial f}{\partial x_{ij}} = \frac{r_j}{N}\left( N \frac{\partial f}{\partial \hat{x}_{ij}} - \sum_{k} \frac{\partial f}{\partial \hat{x}_{kj}} - \hat{x}_{ij} \sum_{k} \frac{\partial f}{\partial \hat{x}_{kj}} \hat{x}_{kj} \right))",
         {"fused_term1", "fused_term2", "fused_term3", "inv_std"},
         "The closed form: the same dx as the staged sum, up to rounding, in two passes."},
        {"fused_diff", Phase::Fused, 0, "fused - staged", R"(\left| \mathrm{dx}^{\mathrm{fused}}_{ij} - \mathrm{dx}^{\mathrm{staged}}_{ij} \right|)",
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
        if (id == "dvar") return s.dvar;
        if (id == "dmu_via_xhat") return s.dmeanViaXhat;
        if (id == "dmu_via_var") return s.dmeanViaVar;
        if (id == "dmu") return s.dmean;
        if (id == "dx_via_xhat") return s.dxViaXhat;
        if (id == "dx_via_var") return s.dxViaVar;
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
