#include "family_catalogue.h"

#include "json_format.h"
#include "text_stream.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace bnflow {

using E = Extent;

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
    };
    // clang-format on
    return all;
}

namespace {

using P = Phase;

// The templates are pluggedIn()'s (catalogue.h), read over one set of the layer: {M} is the set
// size, {Σid} the sum over the set, {Σ} the sum's sign alone (in a '~' template, whose numbers
// are listed after "with"); a leading '=' shows the formula and then its result only, for
// dbeta and dgamma, whose sums run over the batch rather than over a row's set. The TeX is
// filled in by steps(Layer, Mode) from family_formulas.inc.
const std::vector<Step>& centredSteps()
{
    // clang-format off
    static const std::vector<Step> all = {
        {"mean", P::Forward, 0, "(1/{M}) · {Σx}", {"x"}, {}, "The mean of each set: a row (layer norm) or a block of D/G features of a row (group norm)."},
        {"xmu", P::Forward, 0, "{x} − {mean}", {"x", "mean"}, {}, "Each element centred on its set's mean."},
        {"var", P::Forward, 0, "~(1/{M}) · {Σ} {xmu}²", {"xmu"}, {}, "The biased variance of each set, in two passes."},
        {"inv_std", P::Forward, 0, "1/√({var} + {eps})", {"var", "eps"}, {}, "One factor per set."},
        {"xhat", P::Forward, 0, "{xmu} · {inv_std}", {"xmu", "inv_std"}, {}, "The normalised batch: zero mean and unit variance per set."},
        {"y", P::Forward, 0, "{gamma} · {xhat} + {beta}", {"xhat", "gamma", "beta"}, {}, "gamma and beta stay per feature."},
        {"dy", P::Staged, 1, "{dout}", {"dout"}, {}, "The upstream gradient."},
        {"dbeta", P::Staged, 2, "=Σ_i {dy}", {"dy"}, {}, "Per feature: a sum over the samples, whatever the layer reduces over."},
        {"dgamma", P::Staged, 2, "=Σ_i {dy} · {xhat}", {"dy", "xhat"}, {}, "Per feature, like dbeta."},
        {"dxhat", P::Staged, 2, "{dy} · {gamma}", {"dy", "gamma"}, {}, "One per element."},
        {"dinv_std", P::Staged, 3, "~{Σ} {dxhat} · {xmu}", {"dxhat", "xmu"}, {}, "The sum runs over the set that shares the statistic."},
        {"dvar", P::Staged, 3, "{dinv_std} · (−½)({var} + {eps})^(−3/2)", {"dinv_std", "var", "eps"}, {}, "As in batch norm, per set."},
        {"dmean_via_xhat", P::Staged, 3, "−{inv_std} · {Σdxhat}", {"dxhat", "inv_std"}, {}, "The mean reaches xhat through x − μ."},
        {"dmean_via_var", P::Staged, 3, "{dvar} · (−2/{M}) · {Σxmu}", {"dvar", "xmu"}, {}, "Zero in exact arithmetic."},
        {"dmean", P::Staged, 3, "{dmean_via_xhat} + {dmean_via_var}", {"dmean_via_xhat", "dmean_via_var"}, {}, "The two paths from the mean."},
        {"dx_via_xhat", P::Staged, 4, "{dxhat} · {inv_std}", {"dxhat", "inv_std"}, {}, "The direct path."},
        {"dx_via_var", P::Staged, 4, "{dvar} · 2 · {xmu} / {M}", {"dvar", "xmu"}, {}, "Through the set's variance."},
        {"dxmu", P::Staged, 4, "{dx_via_xhat} + {dx_via_var}", {"dx_via_xhat", "dx_via_var"}, {}, "x − μ fans out into xhat and var: its gradient is the sum of the two paths."},
        {"dx_via_mean", P::Staged, 4, "{dmean} / {M}", {"dmean"}, {}, "Through the set's mean: the same for every element of the set."},
        {"dx", P::Staged, 4, "{dxmu} + {dx_via_mean}", {"dx_via_xhat", "dx_via_var", "dx_via_mean"}, {}, "Three paths, as in batch norm."},
        {"fused_term1", P::Fused, 0, "{M} · {dxhat}", {"dxhat"}, {}, "The first term."},
        {"fused_term2", P::Fused, 0, "{Σdxhat}", {"dxhat"}, {}, "Subtracted from every element of the set."},
        {"fused_term3", P::Fused, 0, "{xhat} · {sum_dxhat_xhat}", {"dxhat", "xhat"}, {}, "The third term."},
        {"fused_dx", P::Fused, 0, "({inv_std}/{M}) · ({fused_term1} − {fused_term2} − {fused_term3})", {"fused_term1", "fused_term2", "fused_term3", "inv_std"}, {}, "Batch norm's closed form with the sums over the set."},
    };
    // clang-format on
    return all;
}

const std::vector<Step>& rmsSteps()
{
    // clang-format off
    static const std::vector<Step> all = {
        {"ms", P::Forward, 0, "~(1/{M}) · {Σ} {x}²", {"x"}, {}, "No mean: the mean square of each sample."},
        {"rrms", P::Forward, 0, "1/√({ms} + {eps})", {"ms", "eps"}, {}, "One factor per sample."},
        {"xhat", P::Forward, 0, "{x} · {rrms}", {"x", "rrms"}, {}, "Each sample divided by its root mean square; not centred."},
        {"y", P::Forward, 0, "{gamma} · {xhat} + {beta}", {"xhat", "gamma", "beta"}, {}, "beta = 0 gives the usual bias-free form."},
        {"dy", P::Staged, 1, "{dout}", {"dout"}, {}, "The upstream gradient."},
        {"dbeta", P::Staged, 2, "=Σ_i {dy}", {"dy"}, {}, "Per feature."},
        {"dgamma", P::Staged, 2, "=Σ_i {dy} · {xhat}", {"dy", "xhat"}, {}, "Per feature."},
        {"dxhat", P::Staged, 2, "{dy} · {gamma}", {"dy", "gamma"}, {}, "One per element."},
        {"drrms", P::Staged, 3, "~{Σ} {dxhat} · {x}", {"dxhat", "x"}, {}, "rrms scales the whole row."},
        {"dms", P::Staged, 3, "{drrms} · (−½)({ms} + {eps})^(−3/2)", {"drrms", "ms", "eps"}, {}, "The same power as batch norm's dvar."},
        {"dx_via_xhat", P::Staged, 4, "{dxhat} · {rrms}", {"dxhat", "rrms"}, {}, "The direct path."},
        {"dx_via_var", P::Staged, 4, "{dms} · 2 · {x} / {M}", {"dms", "x"}, {}, "Through the mean square."},
        {"dx", P::Staged, 4, "{dx_via_xhat} + {dx_via_var}", {"dx_via_xhat", "dx_via_var"}, {}, "Two paths: there is no mean."},
        {"fused_term1", P::Fused, 0, "{dxhat}", {"dxhat"}, {}, "The first term."},
        {"fused_term3", P::Fused, 0, "~{xhat} · (1/{M}) {Σ} {dxhat} · {xhat}", {"dxhat", "xhat"}, {}, "The second term: no centring term."},
        {"fused_dx", P::Fused, 0, "{rrms} · ({fused_term1} − {fused_term3})", {"fused_term1", "fused_term3", "rrms"}, {}, "Two terms, not three."},
    };
    // clang-format on
    return all;
}

const std::vector<Step>& evalSteps()
{
    // clang-format off
    static const std::vector<Step> all = {
        {"inv_std", P::Forward, 0, "1/√({running_var} + {eps})", {"running_var", "eps"}, {}, "From the running variance: a constant, not a function of the batch."},
        {"xmu", P::Forward, 0, "{x} − {running_mean}", {"x", "running_mean"}, {}, "Centred on the running mean."},
        {"xhat", P::Forward, 0, "{xmu} · {inv_std}", {"xmu", "inv_std"}, {}, "An affine map of x."},
        {"y", P::Forward, 0, "{gamma} · {xhat} + {beta}", {"xhat", "gamma", "beta"}, {}, "Scale and shift."},
        {"dy", P::Staged, 1, "{dout}", {"dout"}, {}, "The upstream gradient."},
        {"dbeta", P::Staged, 2, "{Σdy}", {"dy"}, {}, "Per feature."},
        {"dgamma", P::Staged, 2, "~{Σ} {dy} · {xhat}", {"dy", "xhat"}, {}, "Per feature."},
        {"dxhat", P::Staged, 2, "{dy} · {gamma}", {"dy", "gamma"}, {}, "One per element."},
        {"dx", P::Staged, 4, "{dxhat} · {inv_std}", {"dxhat", "inv_std"}, {}, "The statistics are constants: one path, no mean or variance terms."},
        {"fused_dx", P::Fused, 0, "{dout} · {gamma} · {inv_std}", {"dxhat", "inv_std"}, {}, "The closed form is the same single product."},
    };
    // clang-format on
    return all;
}

Eigen::Map<const Matrix> view(const Matrix& m)
{
    return Eigen::Map<const Matrix>(m.data(), m.rows(), m.cols());
}

Eigen::Map<const Matrix> view(const RowVector& v)
{
    return Eigen::Map<const Matrix>(v.data(), v.rows(), v.cols());
}

}  // namespace

namespace {

struct Formula {
    std::string_view key;
    std::string_view tex;
};

constexpr Formula kFamilyFormulas[] = {
#include "family_formulas.inc"
};

const Formula* familyFormula(std::string_view key)
{
    for (const Formula& f : kFamilyFormulas)
        if (f.key == key)
            return &f;
    return nullptr;
}

bool isTraining(Layer layer, Mode mode)
{
    return layer == Layer::BatchNorm && mode == Mode::Train;
}

// The layer's steps as written above, their TeX still empty.
const std::vector<Step>& templateSteps(Layer layer, Mode mode)
{
    if (layer == Layer::RmsNorm)
        return rmsSteps();
    if (layer != Layer::BatchNorm)
        return centredSteps();
    return mode == Mode::Eval ? evalSteps() : steps();
}

std::vector<Step> withTex(Layer layer, Mode mode)
{
    std::vector<Step> all = templateSteps(layer, mode);
    for (Step& step : all) {
        const std::string key = formulaKey(layer, mode, step.id);
        const Formula* own = familyFormula(key);
        step.tex = own ? own->tex : findStep(key)->tex;
    }
    return all;
}

}  // namespace

std::string formulaKey(Layer layer, Mode mode, std::string_view stepId)
{
    const auto& all = templateSteps(layer, mode);
    const bool found = std::any_of(all.begin(), all.end(), [&](const Step& s) { return s.id == stepId; });
    if (!found)
        throw std::logic_error(std::string(layerName(layer)) + " has no step " + std::string(stepId));
    if (isTraining(layer, mode))
        return std::string(stepId);
    const std::string_view prefix = layer == Layer::BatchNorm ? "batchnorm_eval" : layerName(layer);
    std::string key = std::string(prefix) + "/" + std::string(stepId);
    if (familyFormula(key))
        return key;
    if (findStep(stepId))  // the formula is training batch norm's own (family_formulas.inc)
        return std::string(stepId);
    throw std::logic_error("family_formulas.inc has no formula " + key);
}

const std::vector<Step>& steps(Layer layer, Mode mode)
{
    if (isTraining(layer, mode))
        return steps();
    static const std::vector<Step> layerNorm = withTex(Layer::LayerNorm, Mode::Train);
    static const std::vector<Step> groupNorm = withTex(Layer::GroupNorm, Mode::Train);
    static const std::vector<Step> rmsNorm = withTex(Layer::RmsNorm, Mode::Train);
    static const std::vector<Step> eval = withTex(Layer::BatchNorm, Mode::Eval);
    switch (layer) {
    case Layer::LayerNorm: return layerNorm;
    case Layer::GroupNorm: return groupNorm;
    case Layer::RmsNorm: return rmsNorm;
    default: return eval;
    }
}

Eigen::Map<const Matrix> familyValueOf(std::string_view id, const Session& s, const FamilyAnalysis& a)
{
    static const Matrix kEmpty;
    const auto& f = a.forward;
    const auto& g = a.staged;
    const auto& t = a.fused;
    const bool rms = a.reduction.layer == Layer::RmsNorm;
    if (id == "x") return view(s.x);
    if (id == "gamma") return view(s.gamma);
    if (id == "beta") return view(s.beta);
    if (id == "eps") return Eigen::Map<const Matrix>(&s.eps, 1, 1);
    if (id == "dout" || id == "dy") return view(s.dout);
    if (id == "running_mean") return s.norm.runningMean ? view(*s.norm.runningMean) : view(kEmpty);
    if (id == "running_var") return s.norm.runningVar ? view(*s.norm.runningVar) : view(kEmpty);
    if (id == "updated_running_mean") return a.running ? view(a.running->mean) : view(kEmpty);
    if (id == "updated_running_var") return a.running ? view(a.running->var) : view(kEmpty);
    if (id == "ms") return rms ? view(f.var) : view(kEmpty);
    if (id == "rms") return view(f.rms);
    if (id == "rrms") return rms ? view(f.invStd) : view(kEmpty);
    if (id == "drrms") return rms ? view(g.dinvStd) : view(kEmpty);
    if (id == "dms") return rms ? view(g.dvar) : view(kEmpty);
    if (id == "mean") return rms ? view(kEmpty) : view(f.mean);
    if (id == "xmu") return view(f.xmu);
    if (id == "var") return rms ? view(kEmpty) : view(f.var);
    if (id == "inv_std") return rms ? view(kEmpty) : view(f.invStd);
    if (id == "xhat") return view(f.xhat);
    if (id == "y") return view(f.y);
    if (id == "dbeta") return view(g.dbeta);
    if (id == "dgamma") return view(g.dgamma);
    if (id == "dxhat") return view(g.dxhat);
    if (id == "dinv_std") return rms ? view(kEmpty) : view(g.dinvStd);
    if (id == "dvar") return rms ? view(kEmpty) : view(g.dvar);
    if (id == "dmean_via_xhat") return view(g.dmeanViaXhat);
    if (id == "dmean_via_var") return view(g.dmeanViaVar);
    if (id == "dmean") return view(g.dmean);
    if (id == "dx_via_xhat") return view(g.dxViaXhat);
    if (id == "dx_via_var") return view(g.dxViaVar);
    if (id == "dxmu") return view(g.dxmu);
    if (id == "dx_via_mean") return view(g.dxViaMean);
    if (id == "dx") return view(g.dx);
    if (id == "fused_term1") return view(t.term1);
    if (id == "fused_term2") return view(t.term2);
    if (id == "sum_dxhat_xhat") return view(t.sumDxhatXhat);
    if (id == "fused_term3") return view(t.term3);
    if (id == "fused_dx") return view(t.dx);
    if (id == "fused_dgamma") return view(t.dgamma);
    if (id == "fused_dbeta") return view(t.dbeta);
    if (id == "dx_diff") return view(a.absDiffDx);
    // A quantity of batch norm's catalogue that this family view does not compute (the
    // invariant sums): empty, like a quantity the layer does not have. (dxmu is computed for
    // the centred layers, above.)
    if (id == "dx_sum" || id == "dx_xhat_sum" || id == "momentum") return view(kEmpty);
    throw std::logic_error("the family has no value for " + std::string(id));
}

bool isSetStatistic(std::string_view id)
{
    static constexpr std::string_view kIds[] = {
        "mean", "var", "inv_std", "ms", "rms", "rrms", "dinv_std", "dvar", "dmean_via_xhat",
        "dmean_via_var", "dmean", "drrms", "dms", "fused_term2", "sum_dxhat_xhat"};
    for (const std::string_view s : kIds)
        if (s == id)
            return true;
    return false;
}

std::vector<std::string_view> gradForwardIds(const Reduction& r)
{
    if (r.layer == Layer::RmsNorm)
        return {"ms", "rms", "rrms", "xhat", "y"};
    if (r.eval)
        return {"running_mean", "running_var", "inv_std", "xhat", "y"};
    return {"mean", "var", "inv_std", "xhat", "y"};
}

std::vector<std::string_view> gradStagedIds(const Reduction& r)
{
    if (r.layer == Layer::RmsNorm)
        return {"dxhat", "drrms", "dms", "dx", "dgamma", "dbeta"};
    if (r.eval)
        return {"dxhat", "dx", "dgamma", "dbeta"};
    return {"dxhat", "dvar", "dmean", "dx", "dgamma", "dbeta"};
}

namespace {

// Whether the quantity is one statistic per set (its shape is the layer's) rather than per
// element or per feature: batch norm's statistics, read per set, and RMSNorm's.
bool isPerSet(std::string_view id)
{
    if (quantity(id).extent == Extent::PerSet)
        return true;
    for (const std::string_view s : {"mean", "var", "inv_std", "dinv_std", "dvar", "dmean"})
        if (id == s)
            return true;
    return false;
}

// N x D as rows; per feature flat [D]; statistics flat ([D] or [N]) when one per feature or
// per sample, N rows of G for group norm (whatever N and G).
std::string jsonValue(std::string_view id, const Eigen::Map<const Matrix>& m, const Reduction& r,
                      int indent)
{
    if (quantity(id).extent == Extent::PerElement)
        return json::matrix(m, indent);
    if (!isPerSet(id) || r.layer == Layer::BatchNorm)
        return json::row(m.row(0));
    if (r.layer == Layer::GroupNorm)
        return json::matrix(m, indent);
    return json::row(m.col(0).transpose());
}

}  // namespace

std::string runningJson(const RunningUpdate& running)
{
    return ",\n  \"running\": {\"mean\": " + json::row(running.mean) + ", \"var\": " +
           json::row(running.var) + "}";
}

std::string familyGradJson(const Session& s, const FamilyAnalysis& a)
{
    constexpr int kIndent = 4;
    TextStream out;
    out << "{\n  \"shape\": [" << s.samples() << ", " << s.features() << "],\n";
    const std::vector<std::string_view> fused = {"fused_dx", "fused_dgamma", "fused_dbeta"};
    const std::pair<const char*, std::vector<std::string_view>> sections[] = {
        {"forward", gradForwardIds(a.reduction)},
        {"staged", gradStagedIds(a.reduction)},
        {"fused", fused},
    };
    for (const auto& [key, ids] : sections) {
        out << "  \"" << key << "\": {\n";
        const char* separator = "";
        for (const std::string_view id : ids) {
            out << separator << "    \"" << quantity(id).jsonKey
                << "\": " << jsonValue(id, familyValueOf(id, s, a), a.reduction, kIndent);
            separator = ",\n";
        }
        out << "\n  },\n";
    }
    out << "  \"max_abs_diff\": {\"dx\": " << json::number(a.maxAbsDiffDx)
        << ", \"dgamma\": " << json::number(a.maxAbsDiffDgamma)
        << ", \"dbeta\": " << json::number(a.maxAbsDiffDbeta) << "}";
    if (a.running)
        out << runningJson(*a.running);
    out << "\n}\n";
    return out.str();
}

}  // namespace bnflow
