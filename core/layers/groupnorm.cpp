// Group norm: each row's features in G groups of D / G consecutive ones, each normalized on its
// own (PyTorch group_norm(x, G) on an (N, D) input); G = 1 is layer norm.
#include <core/layers/layer_spec.h>

namespace bnflow::specs {

const LayerSpec& groupNorm()
{
    static const LayerSpec spec{
        "groupnorm", "group norm", Layer::GroupNorm, Mode::Train, false, centredSteps,
        {"groupnorm"}, GraphShape::Centred,
        {"mean", "var", "inv_std", "xhat", "y"},
        {"dxhat", "dvar", "dmean", "dx", "dgamma", "dbeta"},
        {"gamma", "beta"}, {"dgamma", "dbeta"}, {"mean", "var", "inv_std"}, {"dvar", "dmean"},
        "M", "\u03a3_(j\u2208g)"};
    return spec;
}

}  // namespace bnflow::specs
