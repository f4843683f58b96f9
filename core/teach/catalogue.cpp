#include <core/teach/catalogue.h>


#include <stdexcept>

namespace bnflow {
namespace {

using E = Extent;

struct Formula {
    std::string_view id;
    std::string_view tex;
};

constexpr Formula kFormulas[] = {
#include <core/teach/formulas.inc>
};

std::string_view formulaTex(std::string_view id)
{
    for (const Formula& f : kFormulas)
        if (f.id == id)
            return f.tex;
    throw std::logic_error("formulas.inc has no formula for " + std::string(id));
}

}  // namespace

const std::vector<Quantity>& quantities()
{
    // clang-format off
    static const std::vector<Quantity> all = {
        // The session: what the user edits.
        {"x", "x", "x", R"(x_{ij})", "x", E::PerElement, "The batch: N samples (rows) of D features (columns)."},
        {"gamma", "gamma", "γ", R"(\gamma_j)", "gamma", E::PerFeature, "The learned scale, one per feature."},
        {"beta", "beta", "β", R"(\beta_j)", "beta", E::PerFeature, "The learned shift, one per feature."},
        {"eps", "eps", "ε", R"(\epsilon)", "eps", E::Scalar, "Added to the variance so that a constant feature does not divide by zero."},
        {"dout", "dout", "dout", R"(\mathrm{dout}_{ij})", "dout", E::PerElement, "The upstream gradient ∂f/∂y, given."},
        // Forward.
        {"mean", "mean", "μ", R"(\mu_j)", "mean", E::PerFeature, "The mean of each feature over the batch."},
        {"xmu", "x − μ", "(x − μ)", R"((x-\mu)_{ij})", "xmu", E::PerElement, "Each sample centred on its feature's mean."},
        {"var", "var", "σ²", R"(\sigma^2_j)", "var", E::PerFeature, "The biased batch variance (divide by N), computed in two passes."},
        {"inv_std", "invStd", "invStd", R"(\mathrm{invStd}_j)", "inv_std", E::PerFeature, "1 / sqrt(var + eps): the factor that normalises each feature."},
        {"xhat", "xhat", "xhat", R"(\hat{x}_{ij})", "xhat", E::PerElement, "The normalised batch: zero mean and (almost) unit variance per feature."},
        {"y", "y", "y", R"(y_{ij})", "y", E::PerElement, "The output of the layer: gamma * xhat + beta."},
        // Staged backward: every gradient is d + the name of what it is the gradient of.
        {"dy", "dy", "dy", R"(\frac{\partial f}{\partial y_{ij}})", "dy", E::PerElement, "∂f/∂y: dout itself, where the backward pass starts."},
        {"dbeta", "dbeta", "dβ", R"(\frac{\partial f}{\partial \beta_j})", "dbeta", E::PerFeature, "∂f/∂beta: the sum of dy over the batch."},
        {"dgamma", "dgamma", "dγ", R"(\frac{\partial f}{\partial \gamma_j})", "dgamma", E::PerFeature, "∂f/∂gamma: the sum of dy · xhat over the batch."},
        {"dxhat", "dxhat", "dxhat", R"(\frac{\partial f}{\partial \hat{x}_{ij}})", "dxhat", E::PerElement, "∂f/∂xhat: dy scaled by gamma."},
        {"dinv_std", "dinvStd", "dinvStd", R"(\frac{\partial f}{\partial\,\mathrm{invStd}_j})", "dinv_std", E::PerFeature, "∂f/∂invStd."},
        {"dvar", "dvar", "dσ²", R"(\frac{\partial f}{\partial \sigma^2_j})", "dvar", E::PerFeature, "∂f/∂var."},
        {"dmean_via_xhat", "dmean via xhat", "dμ via xhat", R"(\frac{\partial f}{\partial \mu_j}\Big|_{\hat{x}})", "dmean_via_xhat", E::PerFeature, "The share of ∂f/∂mean that arrives through x − μ into xhat."},
        {"dmean_via_var", "dmean via var", "dμ via σ²", R"(\frac{\partial f}{\partial \mu_j}\Big|_{\sigma^2})", "dmean_via_var", E::PerFeature, "The share of ∂f/∂mean that arrives through the variance (0 in exact arithmetic)."},
        {"dmean", "dmean", "dμ", R"(\frac{\partial f}{\partial \mu_j})", "dmean", E::PerFeature, "∂f/∂mean: the sum of its two shares."},
        {"dx_via_xhat", "dx via xhat", "dx via xhat", R"(\frac{\partial f}{\partial x_{ij}}\Big|_{\hat{x}})", "dx_via_xhat", E::PerElement, "The direct path of dx: through x − μ into xhat."},
        {"dx_via_var", "dx via var", "dx via σ²", R"(\frac{\partial f}{\partial x_{ij}}\Big|_{\sigma^2})", "dx_via_var", E::PerElement, "The path of dx through x − μ into the variance."},
        {"dxmu", "dxmu", "d(x − μ)", R"(\frac{\partial f}{\partial (x-\mu)_{ij}})", "dxmu", E::PerElement, "∂f/∂(x − μ): the paths into xhat and into var, summed."},
        {"dx_via_mean", "dx via mean", "dx via μ", R"(\frac{\partial f}{\partial x_{ij}}\Big|_{\mu})", "dx_via_mean", E::PerFeature, "The path of dx through the mean: the same for every sample."},
        {"dx", "dx", "dx", R"(\frac{\partial f}{\partial x_{ij}})", "dx", E::PerElement, "∂f/∂x by the staged chain rule: the sum of the three paths."},
        // Fused.
        {"fused_term1", "term 1", "term 1", R"(N\,\frac{\partial f}{\partial \hat{x}_{ij}})", "term1", E::PerElement, "N · dxhat: the first bracketed term of the closed form."},
        {"fused_term2", "term 2", "term 2", R"(\sum_k \frac{\partial f}{\partial \hat{x}_{kj}})", "term2", E::PerFeature, "Σ dxhat over the batch: subtracted from every sample."},
        {"sum_dxhat_xhat", "Σ dxhat·xhat", "Σ dxhat·xhat", R"(\sum_k \frac{\partial f}{\partial \hat{x}_{kj}}\,\hat{x}_{kj})", "sum_dxhat_xhat", E::PerFeature, "The factor of term 3."},
        {"fused_term3", "term 3", "term 3", R"(\hat{x}_{ij} \sum_k \frac{\partial f}{\partial \hat{x}_{kj}}\,\hat{x}_{kj})", "term3", E::PerElement, "xhat · Σ dxhat·xhat: the third bracketed term."},
        {"fused_dx", "dx (fused)", "dx", R"(\frac{\partial f}{\partial x_{ij}})", "dx", E::PerElement, "∂f/∂x by the fused closed form."},
        {"fused_dgamma", "dgamma (fused)", "dγ", R"(\frac{\partial f}{\partial \gamma_j})", "dgamma", E::PerFeature, "∂f/∂gamma, computed by the fused kernel."},
        {"fused_dbeta", "dbeta (fused)", "dβ", R"(\frac{\partial f}{\partial \beta_j})", "dbeta", E::PerFeature, "∂f/∂beta, computed by the fused kernel."},
        {"dx_diff", "|dx fused − dx staged|", "|dx fused − dx staged|", R"(\left|\,\mathrm{dx}^{\mathrm{fused}}_{ij} - \mathrm{dx}^{\mathrm{staged}}_{ij}\right|)", "dx", E::PerElement, "The difference of the two forms: rounding only."},
        // Invariants of dx (doc/derivation.md#invariants).
        {"dx_sum", "Σ dx", "Σ dx", R"(\sum_i \frac{\partial f}{\partial x_{ij}})", "dx_sum", E::PerFeature, "Each column of dx sums to 0, up to rounding."},
        {"dx_xhat_sum", "Σ dx·xhat", "Σ dx·xhat", R"(\sum_i \frac{\partial f}{\partial x_{ij}}\,\hat{x}_{ij})", "dx_xhat_sum", E::PerFeature, "invStd (Σ dxhat·xhat) eps / (var + eps): close to 0, not 0."},
    };
    // clang-format on
    return all;
}

bool isHideable(std::string_view id)
{
    // Batch norm's quantities and the family's computed ones (RMSNorm's ms, dx_via_ms, ...);
    // the running statistics and momentum are given, like x.
    if (!findQuantity(id) || isSessionQuantity(id))
        return false;
    return id != "running_mean" && id != "running_var" && id != "momentum";
}

const std::vector<Quantity>& familyQuantities()
{
    // clang-format off
    static const std::vector<Quantity> all = {
        {"running_mean", "running mean", "running μ", R"(\mu^{\mathrm{run}}_j)", "running_mean", E::PerFeature, "Batch norm's running mean: what eval mode centres with."},
        {"running_var", "running var", "running σ²", R"(\sigma^{2,\mathrm{run}}_j)", "running_var", E::PerFeature, "Batch norm's running variance: what eval mode scales with."},
        {"momentum", "momentum", "m", R"(m)", "momentum", E::Scalar, "The weight of the running-statistics update; its meaning depends on the convention."},
        {"updated_running_mean", "running mean (updated)", "running μ′", R"(\mu^{\mathrm{run}\prime}_j)", "mean", E::PerFeature, "The running mean after this training batch."},
        {"updated_running_var", "running var (updated)", "running σ²′", R"(\sigma^{2,\mathrm{run}\prime}_j)", "var", E::PerFeature, "The running variance after this training batch (pytorch: fed the unbiased variance)."},
        {"ms", "ms", "ms", R"(\mathrm{ms}_i)", "ms", E::PerSet, "RMSNorm: the mean square of each sample, (1/D) Σ x²."},
        {"rms", "rms", "rms", R"(\mathrm{rms}_i)", "rms", E::PerSet, "RMSNorm: √(ms + eps), the root mean square that divides each sample."},
        {"rrms", "rrms", "rrms", R"(\mathrm{rrms}_i)", "rrms", E::PerSet, "RMSNorm: 1 / rms, the factor that normalises each sample."},
        {"drrms", "drrms", "drrms", R"(\frac{\partial f}{\partial\,\mathrm{rrms}_i})", "drrms", E::PerSet, "∂f/∂rrms: Σ over the row of dxhat · x."},
        {"dms", "dms", "dms", R"(\frac{\partial f}{\partial\,\mathrm{ms}_i})", "dms", E::PerSet, "∂f/∂ms: drrms · (−½)(ms + eps)^(−3/2)."},
        {"dx_via_ms", "dx via ms", "dx via ms", R"(\frac{\partial f}{\partial x_{ij}}\Big|_{\mathrm{ms}})", "dx_via_ms", E::PerElement, "RMSNorm: the path of dx through the mean square."},
    };
    // clang-format on
    return all;
}

const Quantity* findQuantity(std::string_view id)
{
    for (const Quantity& q : quantities())
        if (q.id == id)
            return &q;
    for (const Quantity& q : familyQuantities())  // the family's own (family_catalogue.h)
        if (q.id == id)
            return &q;
    return nullptr;
}

const Quantity& quantity(std::string_view id)
{
    if (const Quantity* q = findQuantity(id))
        return *q;
    throw std::logic_error("the catalogue has no quantity " + std::string(id));
}

std::string labelWithSymbol(const Quantity& q)
{
    // Only where the symbol says something the label does not: "mean (μ)", but "invStd",
    // "x − μ" (its symbol is the label in parentheses) and "dx (fused)" (symbol "dx").
    const std::string_view label = q.label, symbol = q.symbol;
    const bool parenthesised = symbol.size() == label.size() + 2 && symbol.front() == '(' &&
                               symbol.back() == ')' && symbol.substr(1, label.size()) == label;
    if (label == symbol || parenthesised || label.starts_with(std::string(symbol) + " "))
        return std::string(q.label);
    return std::string(q.label) + " (" + std::string(q.symbol) + ")";
}

const std::vector<Step>& steps()
{
    using P = Phase;
    const auto tex = formulaTex;
    // clang-format off
    static const std::vector<Step> all = {
        {"mean", P::Forward, 0, "(1/{N}) · {Σx}", {"x"}, tex("mean"),
         "The mean of each feature over the batch."},
        {"xmu", P::Forward, 0, "{x} − {mean}", {"x", "mean"}, tex("xmu"),
         "Each sample centred on its feature's mean. Written x − μ, never x̄ (which would mean the mean)."},
        {"var", P::Forward, 0, "~(1/{N}) · Σ {xmu}²", {"xmu"}, tex("var"),
         "The biased batch variance (divide by N), computed from the centred values: two passes, "
         "never E[x²] − E[x]², which cancels catastrophically on offset data."},
        {"inv_std", P::Forward, 0, "1/√({var} + {eps})", {"var", "eps"}, tex("inv_std"),
         "eps keeps the division finite when a feature is (nearly) constant."},
        {"xhat", P::Forward, 0, "{xmu} · {inv_std}", {"xmu", "inv_std"}, tex("xhat"),
         "The normalised batch: zero mean and (almost) unit variance per feature."},
        {"y", P::Forward, 0, "{gamma} · {xhat} + {beta}", {"xhat", "gamma", "beta"}, tex("y"),
         "Scale and shift. gamma = sqrt(var + eps) and beta = mean would give back x."},

        {"dy", P::Staged, 1, "{dout}", {"dout"}, tex("dy"),
         "The upstream gradient is given: the backward pass starts here."},
        {"dbeta", P::Staged, 2, "{Σdy}", {"dy"}, tex("dbeta"),
         "beta is added to every sample, so its gradient sums over the batch."},
        {"dgamma", P::Staged, 2, "~Σ {dy} · {xhat}", {"dy", "xhat"}, tex("dgamma"),
         "gamma scales every sample, so its gradient sums over the batch too."},
        {"dxhat", P::Staged, 2, "{dy} · {gamma}", {"dy", "gamma"}, tex("dxhat"),
         "One gradient per element: no sum, xhat_ij feeds only y_ij."},
        {"dinv_std", P::Staged, 3, "~Σ {dxhat} · {xmu}", {"dxhat", "xmu"}, tex("dinv_std"),
         "xhat = (x − μ) · invStd: invStd scales every sample of its feature, so its gradient "
         "sums over the batch."},
        {"dvar", P::Staged, 3, "{dinv_std} · (−½)({var} + {eps})^(−3/2)", {"dinv_std", "var", "eps"}, tex("dvar"),
         "var feeds every xhat of its feature, so the sum belongs here, not inside "
         "d xhat / d var. The power is −3/2 of (var + eps), not of its square root."},
        {"dmean_via_xhat", P::Staged, 3, "−{inv_std} · {Σdxhat}", {"dxhat", "inv_std"}, tex("dmean_via_xhat"),
         "The mean reaches xhat directly through x − μ."},
        {"dmean_via_var", P::Staged, 3, "{dvar} · (−2/{N}) · {Σxmu}", {"dvar", "xmu"}, tex("dmean_via_var"),
         "The mean also reaches var. This share is zero in exact arithmetic because the centred "
         "values sum to 0; what is left is rounding noise."},
        {"dmean", P::Staged, 3, "{dmean_via_xhat} + {dmean_via_var}", {"dmean_via_xhat", "dmean_via_var"}, tex("dmean"),
         "The two paths from the mean add up."},
        {"dx_via_xhat", P::Staged, 4, "{dxhat} · {inv_std}", {"dxhat", "inv_std"}, tex("dx_via_xhat"),
         "The direct path: x_ij appears in xhat_ij."},
        {"dx_via_var", P::Staged, 4, "{dvar} · 2 · {xmu} / {N}", {"dvar", "xmu"}, tex("dx_via_var"),
         "x_ij also moves the variance of its feature."},
        {"dxmu", P::Staged, 4, "{dx_via_xhat} + {dx_via_var}", {"dx_via_xhat", "dx_via_var"}, tex("dxmu"),
         "x − μ fans out into xhat and var, so its gradient is the sum of those two paths."},
        {"dx_via_mean", P::Staged, 4, "{dmean} / {N}", {"dmean"}, tex("dx_via_mean"),
         "And x_ij moves the mean: the same share for every sample."},
        {"dx", P::Staged, 4, "{dxmu} + {dx_via_mean}", {"dx_via_xhat", "dx_via_var", "dx_via_mean"}, tex("dx"),
         "x fans out into three paths, so its gradient is the sum of the three contributions: "
         "the central point of the derivation."},

        {"fused_term1", P::Fused, 0, "{N} · {dxhat}", {"dxhat"}, tex("fused_term1"),
         "The first bracketed term of the closed form."},
        {"fused_term2", P::Fused, 0, "{Σdxhat}", {"dxhat"}, tex("fused_term2"),
         "Subtracted from every sample of the feature."},
        {"fused_term3", P::Fused, 0, "{xhat} · {sum_dxhat_xhat}", {"dxhat", "xhat"}, tex("fused_term3"),
         "The third term. A fourth, multiplied by mean(xhat) = 0, is sometimes written and "
         "vanishes."},
        {"fused_dx", P::Fused, 0, "({inv_std}/{N}) · ({fused_term1} − {fused_term2} − {fused_term3})",
         {"fused_term1", "fused_term2", "fused_term3", "inv_std"}, tex("fused_dx"),
         "The closed form: the same dx as the staged sum, up to rounding, in two passes."},
        {"dx_diff", P::Fused, 0, "|{fused_dx} − {dx}|", {"fused_dx", "dx"}, tex("dx_diff"),
         "Rounding-level differences only: both forms are exact in math."},
    };
    // clang-format on
    return all;
}

const Step* findStep(std::string_view id)
{
    for (const Step& step : steps())
        if (step.id == id)
            return &step;
    return nullptr;
}

bool isSessionQuantity(std::string_view id)
{
    return id == "x" || id == "gamma" || id == "beta" || id == "eps" || id == "dout";
}

Eigen::Map<const Matrix> valueOf(std::string_view id, const Session& s, const Analysis& a)
{
    const auto& f = a.forward;
    const auto& g = a.staged;
    const auto& t = a.fused;
    const auto m = [](const auto& v) { return Eigen::Map<const Matrix>(v.data(), v.rows(), v.cols()); };
    if (id == "x") return m(s.x);
    if (id == "gamma") return m(s.gamma);
    if (id == "beta") return m(s.beta);
    if (id == "eps") return Eigen::Map<const Matrix>(&s.eps, 1, 1);
    if (id == "dout" || id == "dy") return m(s.dout);
    if (id == "mean") return m(f.mean);
    if (id == "xmu") return m(f.xmu);
    if (id == "var") return m(f.var);
    if (id == "inv_std") return m(f.invStd);
    if (id == "xhat") return m(f.xhat);
    if (id == "y") return m(f.y);
    if (id == "dbeta") return m(g.dbeta);
    if (id == "dgamma") return m(g.dgamma);
    if (id == "dxhat") return m(g.dxhat);
    if (id == "dinv_std") return m(g.dinvStd);
    if (id == "dvar") return m(g.dvar);
    if (id == "dmean_via_xhat") return m(g.dmeanViaXhat);
    if (id == "dmean_via_var") return m(g.dmeanViaVar);
    if (id == "dmean") return m(g.dmean);
    if (id == "dx_via_xhat") return m(g.dxViaXhat);
    if (id == "dx_via_var") return m(g.dxViaVar);
    if (id == "dxmu") return m(g.dxmu);
    if (id == "dx_via_mean") return m(g.dxViaMean);
    if (id == "dx") return m(g.dx);
    if (id == "fused_term1") return m(t.term1);
    if (id == "fused_term2") return m(t.term2);
    if (id == "sum_dxhat_xhat") return m(t.sumDxhatXhat);
    if (id == "fused_term3") return m(t.term3);
    if (id == "fused_dx") return m(t.grads.dx);
    if (id == "fused_dgamma") return m(t.grads.dgamma);
    if (id == "fused_dbeta") return m(t.grads.dbeta);
    if (id == "dx_diff") return m(a.absDiffDx);
    if (id == "dx_sum") return m(a.dxColumnSums);
    if (id == "dx_xhat_sum") return m(a.dxXhatColumnSums);
    throw std::logic_error("the catalogue has no value for " + std::string(id));
}

}  // namespace bnflow
