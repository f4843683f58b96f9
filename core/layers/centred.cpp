// The centred chain, shared by layer norm, group norm and spatial batch norm: the batch norm
// derivation read over a set (a row, a block of a row, a channel's N x L entries) rather than a
// column. The templates are pluggedIn()'s (catalogue.h), read over one set of the layer: {M} is
// the set size, {Σid} the sum over the set, {Σ} the sum's sign alone (in a '~' template, whose
// numbers are listed after "with"); a leading '=' shows the formula and then its result only,
// for dbeta and dgamma, whose sums run over the batch rather than over a row's set.
#include <core/layers/layer_spec.h>

namespace bnflow::specs {

using P = Phase;

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

}  // namespace bnflow::specs
