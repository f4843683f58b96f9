// RMSNorm (doc/derivation.md#beyond-training-mode): each row divided by its root mean square,
// no centring, so two paths into x rather than three.
#include <core/layers/layer_spec.h>

namespace bnflow::specs {

namespace {

using P = Phase;

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
        {"dx_via_ms", P::Staged, 4, "{dms} · 2 · {x} / {M}", {"dms", "x"}, {}, "Through the mean square."},
        {"dx", P::Staged, 4, "{dx_via_xhat} + {dx_via_ms}", {"dx_via_xhat", "dx_via_ms"}, {}, "Two paths: there is no mean."},
        {"fused_term1", P::Fused, 0, "{dxhat}", {"dxhat"}, {}, "The first term."},
        {"fused_term3", P::Fused, 0, "~{xhat} · (1/{M}) {Σ} {dxhat} · {xhat}", {"dxhat", "xhat"}, {}, "The second term: no centring term."},
        {"fused_dx", P::Fused, 0, "{rrms} · ({fused_term1} − {fused_term3})", {"fused_term1", "fused_term3", "rrms"}, {}, "Two terms, not three."},
    };
    // clang-format on
    return all;
}

}  // namespace

const LayerSpec& rmsNorm()
{
    static const LayerSpec spec{
        "rmsnorm", "RMSNorm", Layer::RmsNorm, Mode::Train, false, rmsSteps, {"rmsnorm"},
        GraphShape::Rms,
        {"ms", "rms", "rrms", "xhat", "y"},
        {"dxhat", "drrms", "dms", "dx", "dgamma", "dbeta"},
        {"gamma", "beta"}, {"dgamma", "dbeta"}, {"ms", "rrms"}, {"drrms", "dms"},
        "D", "\u03a3_j"};
    return spec;
}

}  // namespace bnflow::specs
