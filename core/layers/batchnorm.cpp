// Batch norm (doc/derivation.md): each column normalized over the N samples. In training mode
// its chain is the catalogue's own steps() (catalogue.h), the derivation bnflow teaches first;
// in eval mode the running statistics are constants and one path is left.
#include <core/layers/layer_spec.h>

namespace bnflow::specs {

using P = Phase;

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

const LayerSpec& batchNorm()
{
    static const LayerSpec spec{
        "batchnorm", "batch norm", Layer::BatchNorm, Mode::Train, false,
        [] () -> const std::vector<Step>& { return bnflow::steps(); }, {}, GraphShape::Centred,
        {"mean", "var", "inv_std", "xhat", "y"},
        {"dxhat", "dvar", "dmean", "dx", "dgamma", "dbeta"},
        {"gamma", "beta", "mean", "var", "inv_std"}, {"dgamma", "dbeta", "dvar", "dmean"}, {}, {},
        "N", "\u03a3_i"};
    return spec;
}

const LayerSpec& batchNormEval()
{
    static const LayerSpec spec{
        "batchnorm_eval", "batch norm (eval mode)", Layer::BatchNorm, Mode::Eval, false, evalSteps,
        {"batchnorm_eval"}, GraphShape::Eval,
        {"running_mean", "running_var", "inv_std", "xhat", "y"},
        {"dxhat", "dx", "dgamma", "dbeta"},
        {"gamma", "beta", "running_mean", "running_var", "inv_std"}, {"dgamma", "dbeta"}, {}, {},
        "N", "\u03a3_i"};
    return spec;
}

}  // namespace bnflow::specs
