// Layer norm: each row normalized over its D features (PyTorch layer_norm(x, (D,))).
#include <core/layers/layer_spec.h>

namespace bnflow::specs {

const LayerSpec& layerNorm()
{
    static const LayerSpec spec{
        "layernorm", "layer norm", Layer::LayerNorm, Mode::Train, false, centredSteps,
        {"layernorm"}, GraphShape::Centred,
        {"mean", "var", "inv_std", "xhat", "y"},
        {"dxhat", "dvar", "dmean", "dx", "dgamma", "dbeta"},
        {"gamma", "beta"}, {"dgamma", "dbeta"}, {"mean", "var", "inv_std"}, {"dvar", "dmean"},
        "D", "\u03a3_j"};
    return spec;
}

}  // namespace bnflow::specs
