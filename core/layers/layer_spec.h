// One normalization layer, described once: everything the views need to know about a layer
// that is not a number (doc/layers.md). Each form a session can take (batch norm in training
// and eval mode, layer norm, RMSNorm, group norm, and the spatial forms of batch and group norm
// with "channels") has one LayerSpec, defined in its own file of this folder; the registry
// (layerSpecs()) lists them, and the step list, the typeset formulas, the graph, the result
// tables and grad's JSON all read a session's layer from layerSpec(norm, features).
// The numbers themselves come from one reduction over the layer's sets (family.h).
#pragma once

#include <core/teach/catalogue.h>
#include <core/model/norm_config.h>

#include <string>
#include <string_view>
#include <vector>

namespace bnflow {

struct Reduction;

// Which of core/teach/graph.cpp's graph shapes draws the layer's chain.
enum class GraphShape { Centred, Rms, Eval };

struct LayerSpec {
    std::string_view key;    // "batchnorm", "spatial_batchnorm_eval", ...: the registry's name
    std::string_view title;  // for headings: "spatial batch norm (eval mode)"
    Layer layer;
    Mode mode;
    bool spatial;            // channels of L > 1 positions: gamma, beta, dgamma, dbeta per channel
    // The step list in teaching order, its TeX still empty (steps() below fills it in); batch
    // norm in training mode is the catalogue's own steps() with its TeX.
    const std::vector<Step>& (*templates)();
    // Where the step's formula is looked up, in order: "<prefix>/<step>" in family_formulas.inc,
    // then training batch norm's own formula (formulas.inc).
    std::vector<std::string_view> formulaPrefixes;
    GraphShape graph;
    // bnflow-cli grad's "forward" and "staged" ids ("fused" is always dx, dgamma, dbeta).
    std::vector<std::string_view> gradForward, gradStaged;
    // The result tables: per feature (or channel) forward and gradient rows, and the
    // statistics per set with their gradients when the sets are not the columns.
    std::vector<std::string_view> tableForward, tableGradients, tableStatistics, tableSetGradients;
    // pluggedIn(): how the set's size and its sum are written ("N", "Σ_i"; "NL", "Σ_(i,j∈c)").
    std::string_view countSymbol, sumSymbol;
};

// Every layer, in the order the layer selector lists them.
const std::vector<const LayerSpec*>& layerSpecs();
// The session's layer: "channels" with L = D / C > 1 makes batch and group norm spatial.
const LayerSpec& layerSpec(const NormConfig& norm, Eigen::Index features);
const LayerSpec& layerSpec(const Reduction& reduction);
// A layer without channels (layer norm, RMSNorm and group norm have no eval mode: mode is ignored).
const LayerSpec& layerSpec(Layer layer, Mode mode = Mode::Train, bool spatial = false);

// The layer's steps with their TeX (the SVG of ":/formulas/<formulaKey>.svg").
const std::vector<Step>& steps(const LayerSpec& spec);
// The key of the step's typeset formula; throws std::logic_error for a step the layer does not
// have, or one without a formula.
std::string formulaKey(const LayerSpec& spec, std::string_view stepId);

// The specs, one a file (layers/*.cpp); the registry lists them.
namespace specs {
const LayerSpec& batchNorm();
const LayerSpec& batchNormEval();
const LayerSpec& layerNorm();
const LayerSpec& rmsNorm();
const LayerSpec& groupNorm();
const LayerSpec& spatialBatchNorm();
const LayerSpec& spatialBatchNormEval();
const LayerSpec& spatialGroupNorm();
// The chain of the centred layers (layer norm, group norm, spatial batch norm): mean, var, ...
const std::vector<Step>& centredSteps();
// Batch norm in eval mode: the statistics are constants.
const std::vector<Step>& evalSteps();
}  // namespace specs

}  // namespace bnflow
