#include <core/math/compare.h>

#include <core/math/analysis.h>
#include <core/math/batchnorm.h>
#include <core/math/family.h>
#include <core/math/precision.h>
#include <core/math/row_norm_kernel.h>
#include <core/model/session_edit.h>
#include <core/io/text_stream.h>

#include <cmath>
#include <sstream>

namespace bnflow {
namespace {

std::string shortNumber(double v)
{
    TextStream text;
    text << v;  // 6 significant digits, the stream's default
    return text.str();
}

// A float32 configuration's values, or the problem if y or dx overflowed in float.
ConfigurationResult unlessOverflowed(Computed c)
{
    ConfigurationResult result;
    for (const auto& [name, m] : {std::pair<const char*, const Matrix*>{"y", &c.y}, {"dx", &c.dx}})
        if (!m->allFinite()) {
            result.problems.push_back({name, std::string("in float32, ") + name + " overflows; use float64"});
            return result;
        }
    result.computed = std::move(c);
    return result;
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
    return unlessOverflowed(
        {cache.y.cast<double>(), g.dx.cast<double>(), g.dgamma.cast<double>(), g.dbeta.cast<double>(), {}, {}});
}

// Layer norm and RMSNorm in float32: the forward pass per row in float (two passes, as in
// double), the backward through the same fused kernels that bnflow-cli bench --layer times.
ConfigurationResult rowNormInFloat(const Session& s, bool rms)
{
    using F = float;
    const Mat<F> x = s.x.cast<F>();
    const RowVec<F> gamma = s.gamma.cast<F>(), beta = s.beta.cast<F>();
    const auto eps = static_cast<F>(s.eps);
    const Eigen::Index n = x.rows(), d = x.cols();
    ColVec<F> factor(n);        // invStd (layer norm) or rrms (RMSNorm) per sample
    RowMajorMat<F> xhat(n, d);  // the kernels' layout
    ConfigurationResult result;
    for (Eigen::Index i = 0; i < n; ++i) {
        const F mean = rms ? F(0) : x.row(i).sum() / F(d);
        const auto centred = (x.row(i).array() - mean).eval();
        const F spread = centred.square().sum() / F(d);  // var, or RMSNorm's mean square
        factor[i] = F(1) / std::sqrt(spread + eps);
        if (!std::isfinite(factor[i])) {
            result.problems.push_back({"x[" + std::to_string(i) + "][*]",
                                       "in float32, the factor 1/sqrt(" + std::string(rms ? "ms" : "var") +
                                           " + eps) of sample " + std::to_string(i) + " is not finite (" +
                                           shortNumber(double(spread) + double(eps)) + "); use float64 or a larger eps"});
            return result;
        }
        xhat.row(i) = centred.matrix() * factor[i];
    }
    const Mat<F> y = (xhat.array().rowwise() * gamma.array()).rowwise() + beta.array();
    RowMajorMat<F> dx(n, d);
    RowVec<F> dgamma(d), dbeta(d);
    const RowMajorMat<F> dout = s.dout.cast<F>();
    if (rms)
        rmsNormBackwardKernel<F>(dout, xhat, factor, gamma, dx, dgamma, dbeta);
    else
        layerNormBackwardKernel<F>(dout, xhat, factor, gamma, dx, dgamma, dbeta);
    return unlessOverflowed({y.cast<double>(), dx.cast<double>(), dgamma.cast<double>(), dbeta.cast<double>(), {}, {}});
}

std::string typeTitle(NumberType type)
{
    switch (type) {
    case NumberType::BF16: return "bfloat16";
    case NumberType::F16: return "float16";
    case NumberType::F32: return "float32";
    default: return "float64";
    }
}

// The precision lens's values (fused dx), or the problem naming the step that overflowed.
ConfigurationResult emulated(const Session& s, NumberType type, NumberType accumulate)
{
    ConfigurationResult result;
    const PrecisionRun run = emulatePrecision(s, type, accumulate);
    if (run.overflow) {
        TextStream largest;
        largest << largestFinite(type);
        result.problems.push_back({*run.overflow, "in " + typeTitle(type) + ", " + *run.overflow +
                                                      " overflows (beyond " + largest.str() +
                                                      "): every value computed from it is meaningless"});
        return result;
    }
    const FamilyAnalysis& a = run.analysis;
    result.computed = Computed{a.forward.y, a.fused.dx, a.fused.dgamma, a.fused.dbeta, {}, {}};
    if (a.running) {
        result.computed->runningMean = a.running->mean;
        result.computed->runningVar = a.running->var;
    }
    return result;
}

}  // namespace

std::string Configuration::describe(const Session& session) const
{
    TextStream text;
    text << layerTitle(layer.value_or(session.norm.layerOrDefault())) << ", eps " << eps.value_or(session.eps)
         << ", ";
    if (emulated) {
        text << typeTitle(*emulated);
        if (accumulate && *accumulate != *emulated)
            text << " (sums in " << typeTitle(*accumulate) << ")";
    } else
        text << (dtype == Dtype::F32 ? "float32" : "float64");
    if (convention)
        text << ", " << conventionName(*convention) << " running statistics";
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
        NormConfig next;
        next.layer = *configuration.layer;
        if (*configuration.layer == Layer::GroupNorm)
            next.groups = 1;  // one group: the compare view has no editor for G
        s = withNorm(s, next);  // a spatial session's per-channel gamma and beta, per feature again
    }
    if (configuration.convention) {
        if (!s.norm.isTrainingBatchNorm()) {
            result.problems.push_back({"convention", "updates batch norm's running statistics in training mode; "
                                                     "it does not apply to " +
                                                         std::string(s.norm.positions(s.features()) > 1 ? "spatial " : "") +
                                                         std::string(layerTitle(s.norm.layerOrDefault())) +
                                                         (s.norm.isEval() ? " in eval mode" : "")});
            return result;
        }
        s.norm.convention = *configuration.convention;
        s.norm.momentum.reset();  // each convention's own default: the momentum forms differ
        if (!s.norm.runningMean)
            s.norm.runningMean = RowVector::Zero(s.features());
        if (!s.norm.runningVar)
            s.norm.runningVar = RowVector::Ones(s.features());
    }
    if (Problems problems = s.validate(); !problems.empty()) {
        result.problems = std::move(problems);
        return result;
    }
    if (configuration.emulated) {
        const NumberType type = *configuration.emulated;
        const NumberType sums = configuration.accumulate.value_or(type);
        if (!fitsIn(type, sums)) {
            result.problems.push_back({"accumulate", "the sums' type " + typeTitle(sums) + " is narrower than " + typeTitle(type)});
            return result;
        }
        return emulated(s, type, sums);
    }
    if (!s.norm.isTrainingBatchNorm()) {
        const Layer layer = s.norm.layerOrDefault();
        if (configuration.dtype == Dtype::F32 && (layer == Layer::LayerNorm || layer == Layer::RmsNorm))
            return rowNormInFloat(s, layer == Layer::RmsNorm);
        if (configuration.dtype == Dtype::F32) {
            result.problems.push_back({"dtype", std::string("float32 is computed for batch norm in training mode, layer norm and RMSNorm only; "
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
        result.computed = Computed{f.forward.y, f.fused.dx, f.fused.dgamma, f.fused.dbeta, {}, {}};
        return result;
    }
    if (configuration.dtype == Dtype::F32) {
        ConfigurationResult single = inFloat(s);
        if (single.ok() && s.norm.updatesRunning()) {
            // The running statistics from the float32 batch statistics, updated in double.
            const ForwardCache<float> cache = forward<float>(s.x.cast<float>(), s.gamma.cast<float>(),
                                                             s.beta.cast<float>(), float(s.eps));
            const RunningUpdate running = updateRunning(s.norm, cache.mean.cast<double>(),
                                                        cache.var.cast<double>(), s.samples());
            single.computed->runningMean = running.mean;
            single.computed->runningVar = running.var;
        }
        return single;
    }
    AnalysisResult analysed = analyze(s);
    if (!analysed.ok()) {
        result.problems = std::move(analysed.problems);
        return result;
    }
    const Analysis& a = *analysed.analysis;
    result.computed = Computed{a.forward.y, a.fused.grads.dx, a.fused.grads.dgamma, a.fused.grads.dbeta, {}, {}};
    if (s.norm.updatesRunning()) {
        const RunningUpdate running = updateRunning(s.norm, a.forward.mean, a.forward.var, s.samples());
        result.computed->runningMean = running.mean;
        result.computed->runningVar = running.var;
    }
    return result;
}

}  // namespace bnflow
