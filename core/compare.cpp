#include "compare.h"

#include "analysis.h"
#include "batchnorm.h"
#include "family.h"

#include <cmath>
#include <sstream>

namespace bnflow {
namespace {

std::string shortNumber(double v)
{
    std::ostringstream text;
    text << v;  // 6 significant digits, the stream's default
    return text.str();
}

ConfigurationResult inFloat(const Session& s)
{
    using F = float;
    const Mat<F> x = s.x.cast<F>();
    const RowVec<F> gamma = s.gamma.cast<F>(), beta = s.beta.cast<F>();
    const auto eps = static_cast<F>(s.eps);
    ConfigurationResult result;
    const ForwardCache<F> cache = forward<F>(x, gamma, beta, eps);
    for (Eigen::Index j = 0; j < cache.invStd.size(); ++j)
        if (!std::isfinite(cache.invStd[j]) || !std::isfinite(cache.var[j]))
            result.problems.push_back({"x[*][" + std::to_string(j) + "]",
                                       "in float32, 1/sqrt(var + eps) of feature " + std::to_string(j) +
                                           " is not finite (var + eps = " + shortNumber(double(cache.var[j]) + double(eps)) +
                                           "); use float64 or a larger eps"});
    if (!result.problems.empty())
        return result;
    const Gradients<F> g = backwardFused<F>(s.dout.cast<F>(), cache, gamma);
    Computed c{cache.y.cast<double>(), g.dx.cast<double>(), g.dgamma.cast<double>(), g.dbeta.cast<double>()};
    for (const auto& [name, m] : {std::pair<const char*, const Matrix*>{"y", &c.y}, {"dx", &c.dx}})
        if (!m->allFinite()) {
            result.problems.push_back({name, std::string("in float32, ") + name + " overflows; use float64"});
            return result;
        }
    result.computed = std::move(c);
    return result;
}

}  // namespace

std::string Configuration::describe(const Session& session) const
{
    std::ostringstream text;
    text << layerTitle(layer.value_or(session.norm.layerOrDefault())) << ", eps " << eps.value_or(session.eps)
         << ", " << (dtype == Dtype::F32 ? "float32" : "float64");
    return text.str();
}

ConfigurationResult runConfiguration(const Session& session, const Configuration& configuration)
{
    ConfigurationResult result;
    if (configuration.eps && !(std::isfinite(*configuration.eps) && *configuration.eps >= 0)) {
        result.problems.push_back({"eps", "eps must be a finite number >= 0"});
        return result;
    }
    Session s = session;
    if (configuration.eps)
        s.eps = *configuration.eps;
    if (configuration.layer && *configuration.layer != s.norm.layerOrDefault()) {
        s.norm = NormConfig{};
        s.norm.layer = *configuration.layer;
        if (*configuration.layer == Layer::GroupNorm)
            s.norm.groups = 1;  // one group: the compare view has no editor for G
    }
    if (Problems problems = s.validate(); !problems.empty()) {
        result.problems = std::move(problems);
        return result;
    }
    if (!s.norm.isTrainingBatchNorm()) {
        if (configuration.dtype == Dtype::F32) {
            result.problems.push_back({"dtype", std::string("float32 is computed for batch norm in training mode only; "
                                                            "compare ") + std::string(layerTitle(s.norm.layerOrDefault())) +
                                                    " in float64"});
            return result;
        }
        FamilyResult family = analyzeFamily(s);
        if (!family.ok()) {
            result.problems = std::move(family.problems);
            return result;
        }
        const FamilyAnalysis& f = *family.analysis;
        result.computed = Computed{f.forward.y, f.fused.dx, f.fused.dgamma, f.fused.dbeta};
        return result;
    }
    if (configuration.dtype == Dtype::F32)
        return inFloat(s);
    AnalysisResult analysed = analyze(s);
    if (!analysed.ok()) {
        result.problems = std::move(analysed.problems);
        return result;
    }
    const Analysis& a = *analysed.analysis;
    result.computed = Computed{a.forward.y, a.fused.grads.dx, a.fused.grads.dgamma, a.fused.grads.dbeta};
    return result;
}

}  // namespace bnflow
