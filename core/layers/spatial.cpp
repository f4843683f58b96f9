// Spatial normalization ("channels": C, CS231n's spatial batch norm and spatial group norm): the
// D features are C channels of L = D / C positions, channel-major, a PyTorch (N, C, L) tensor;
// gamma, beta, dgamma and dbeta have one number per channel. Batch norm then normalizes each
// channel over its N x L entries (the centred chain over a channel), group norm each sample's
// groups of C / G channels (its chain unchanged: a group is D / G consecutive features).
#include <core/layers/layer_spec.h>

namespace bnflow::specs {
namespace {

// The centred chain with the sums of dbeta and dgamma over a channel's N x L entries; `mean`
// reworded for the set the layer reduces.
std::vector<Step> channelSteps(std::string_view meanMeaning)
{
    std::vector<Step> all = centredSteps();
    for (Step& step : all) {
        if (step.id == "mean")
            step.meaning = meanMeaning;
        else if (step.id == "dbeta")
            step.formula = "=\u03a3_(i,j\u2208c) {dy}";
        else if (step.id == "dgamma")
            step.formula = "=\u03a3_(i,j\u2208c) {dy} \u00b7 {xhat}";
        if (step.id == "dbeta" || step.id == "dgamma" || step.id == "y")
            step.meaning = "Per channel: gamma and beta are shared by the L positions of a channel, "
                           "so their gradients sum over the samples and the positions.";
    }
    return all;
}

const std::vector<Step>& spatialBatchNormSteps()
{
    static const std::vector<Step> all =
        channelSteps("The mean of each channel over its N × L entries: the columns c·L … c·L + L − 1 of x.");
    return all;
}

const std::vector<Step>& spatialGroupNormSteps()
{
    static const std::vector<Step> all = channelSteps(
        "The mean of each sample's group: C / G channels, D / G consecutive features.");
    return all;
}

}  // namespace

const LayerSpec& spatialBatchNorm()
{
    static const LayerSpec spec{
        "spatial_batchnorm", "spatial batch norm", Layer::BatchNorm, Mode::Train, true,
        spatialBatchNormSteps, {"spatial_batchnorm"}, GraphShape::Centred,
        {"mean", "var", "inv_std", "xhat", "y"},
        {"dxhat", "dvar", "dmean", "dx", "dgamma", "dbeta"},
        {"gamma", "beta", "mean", "var", "inv_std"}, {"dgamma", "dbeta", "dvar", "dmean"}, {}, {},
        "NL", "\u03a3_(i,j\u2208c)"};
    return spec;
}

const LayerSpec& spatialBatchNormEval()
{
    static const LayerSpec spec{
        "spatial_batchnorm_eval", "spatial batch norm (eval mode)", Layer::BatchNorm, Mode::Eval,
        true, evalSteps, {"spatial_batchnorm_eval", "spatial_batchnorm"}, GraphShape::Eval,
        {"running_mean", "running_var", "inv_std", "xhat", "y"},
        {"dxhat", "dx", "dgamma", "dbeta"},
        {"gamma", "beta", "running_mean", "running_var", "inv_std"}, {"dgamma", "dbeta"}, {}, {},
        "NL", "\u03a3_(i,j\u2208c)"};
    return spec;
}

const LayerSpec& spatialGroupNorm()
{
    static const LayerSpec spec{
        "spatial_groupnorm", "spatial group norm", Layer::GroupNorm, Mode::Train, true,
        spatialGroupNormSteps, {"groupnorm", "spatial_batchnorm"}, GraphShape::Centred,
        {"mean", "var", "inv_std", "xhat", "y"},
        {"dxhat", "dvar", "dmean", "dx", "dgamma", "dbeta"},
        {"gamma", "beta"}, {"dgamma", "dbeta"}, {"mean", "var", "inv_std"}, {"dvar", "dmean"},
        "M", "\u03a3_(j\u2208g)"};
    return spec;
}

}  // namespace bnflow::specs
