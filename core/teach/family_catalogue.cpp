#include <core/teach/family_catalogue.h>

#include <core/io/json_format.h>
#include <core/io/text_stream.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace bnflow {

using E = Extent;


namespace {

Eigen::Map<const Matrix> view(const Matrix& m)
{
    return Eigen::Map<const Matrix>(m.data(), m.rows(), m.cols());
}

Eigen::Map<const Matrix> view(const RowVector& v)
{
    return Eigen::Map<const Matrix>(v.data(), v.rows(), v.cols());
}

}  // namespace

std::string formulaKey(Layer layer, Mode mode, std::string_view stepId)
{
    return formulaKey(layerSpec(layer, mode), stepId);
}

const std::vector<Step>& steps(Layer layer, Mode mode)
{
    return steps(layerSpec(layer, mode));
}

Eigen::Map<const Matrix> familyValueOf(std::string_view id, const Session& s, const FamilyAnalysis& a)
{
    static const Matrix kEmpty;
    const auto& f = a.forward;
    const auto& g = a.staged;
    const auto& t = a.fused;
    if (id == "x") return view(s.x);
    if (id == "gamma") return view(s.gamma);
    if (id == "beta") return view(s.beta);
    if (id == "eps") return Eigen::Map<const Matrix>(&s.eps, 1, 1);
    if (id == "dout" || id == "dy") return view(s.dout);
    if (id == "running_mean") return s.norm.runningMean ? view(*s.norm.runningMean) : view(kEmpty);
    if (id == "running_var") return s.norm.runningVar ? view(*s.norm.runningVar) : view(kEmpty);
    if (id == "updated_running_mean") return a.running ? view(a.running->mean) : view(kEmpty);
    if (id == "updated_running_var") return a.running ? view(a.running->var) : view(kEmpty);
    if (id == "ms") return view(f.ms);
    if (id == "rms") return view(f.rms);
    if (id == "rrms") return view(f.rrms);
    if (id == "drrms") return view(g.drrms);
    if (id == "dms") return view(g.dms);
    if (id == "dx_via_ms") return view(g.dxViaMs);
    if (id == "mean") return view(f.mean);
    if (id == "xmu") return view(f.xmu);
    if (id == "var") return view(f.var);
    if (id == "inv_std") return view(f.invStd);
    if (id == "xhat") return view(f.xhat);
    if (id == "y") return view(f.y);
    if (id == "dbeta") return view(g.dbeta);
    if (id == "dgamma") return view(g.dgamma);
    if (id == "dxhat") return view(g.dxhat);
    if (id == "dinv_std") return view(g.dinvStd);
    if (id == "dvar") return view(g.dvar);
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
    // The invariants, training batch norm only (empty elsewhere, like a quantity the layer
    // does not have).
    if (id == "dx_sum") return view(a.dxColumnSums);
    if (id == "dx_xhat_sum") return view(a.dxXhatColumnSums);
    if (id == "momentum") return view(kEmpty);
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
    return layerSpec(r).gradForward;
}

std::vector<std::string_view> gradStagedIds(const Reduction& r)
{
    return layerSpec(r).gradStaged;
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
                      int indent, json::NonFinite nonFinite)
{
    if (quantity(id).extent == Extent::PerElement)
        return json::matrix(m, indent, nonFinite);
    if (!isPerSet(id) || r.layer == Layer::BatchNorm)
        return json::row(m.row(0), nonFinite);
    if (r.layer == Layer::GroupNorm)
        return json::matrix(m, indent, nonFinite);
    return json::row(m.col(0).transpose(), nonFinite);
}

}  // namespace

std::string runningJson(const RunningUpdate& running, json::NonFinite nonFinite)
{
    return ",\n  \"running\": {\"mean\": " + json::row(running.mean, nonFinite) + ", \"var\": " +
           json::row(running.var, nonFinite) + "}";
}

std::string familyGradJson(const Session& s, const FamilyAnalysis& a, json::NonFinite nonFinite)
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
                << "\": " << jsonValue(id, familyValueOf(id, s, a), a.reduction, kIndent, nonFinite);
            separator = ",\n";
        }
        out << "\n  },\n";
    }
    out << "  \"max_abs_diff\": {\"dx\": " << json::number(a.maxAbsDiffDx, nonFinite)
        << ", \"dgamma\": " << json::number(a.maxAbsDiffDgamma, nonFinite)
        << ", \"dbeta\": " << json::number(a.maxAbsDiffDbeta, nonFinite) << "}";
    if (a.running)
        out << runningJson(*a.running, nonFinite);
    out << "\n}\n";
    return out.str();
}

}  // namespace bnflow
