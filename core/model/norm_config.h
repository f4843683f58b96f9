// Which member of the normalization family a session runs, and how (doc/derivation.md#the-normalization-family).
// The optional session keys of doc/contracts.md ("layer", "groups", "mode",
// "running_mean", "running_var", "momentum", "convention"), each kept exactly as the file gave
// it: a key the file does not have stays unset here and is not written back, so a file without
// them reads and writes exactly as before.
#pragma once

#include <core/model/problem.h>
#include <core/model/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bnflow {

enum class Layer { BatchNorm, LayerNorm, RmsNorm, GroupNorm };
enum class Mode { Train, Eval };
// How the running statistics are updated in training mode (doc/derivation.md#running-statistics).
enum class Convention { PyTorch, Keras, Cs231n };

struct NormConfig {
    std::optional<Layer> layer;             // unset: batch norm
    std::optional<std::int64_t> groups;     // group norm only
    // C, spatial normalization (batch norm, group norm): the D features are C channels of
    // L = D / C positions, channel-major (feature f = c * L + l); gamma, beta and the running
    // statistics then have C entries. Unset: C = D, L = 1.
    std::optional<std::int64_t> channels;
    std::optional<Mode> mode;               // unset: training mode
    std::optional<RowVector> runningMean;   // 1 x C
    std::optional<RowVector> runningVar;    // 1 x C
    std::optional<double> momentum;         // unset: the convention's default
    std::optional<Convention> convention;   // unset: pytorch

    Layer layerOrDefault() const { return layer.value_or(Layer::BatchNorm); }
    Mode modeOrDefault() const { return mode.value_or(Mode::Train); }
    Convention conventionOrDefault() const { return convention.value_or(Convention::PyTorch); }
    double momentumOrDefault() const;
    bool isEval() const { return modeOrDefault() == Mode::Eval; }
    // Batch norm in training mode: what bnflow computed before the family existed (the
    // running statistics, if given, only add their update).
    // Spatial batch norm (channels) goes through the family's path.
    bool isTrainingBatchNorm() const { return isBatchNormTraining() && !channels; }
    bool isBatchNormTraining() const { return layerOrDefault() == Layer::BatchNorm && !isEval(); }
    // Running statistics to update: batch norm, training mode, both given.
    bool updatesRunning() const { return isBatchNormTraining() && runningMean && runningVar; }
    // How many numbers gamma, beta and the running statistics have for D features: C with
    // "channels", D without (and D while channels is invalid, so one mistake is one message).
    Eigen::Index affineSize(Eigen::Index features) const;
    // L = D / C positions per channel; 1 without channels.
    Eigen::Index positions(Eigen::Index features) const { return features / affineSize(features); }
    // Not defaulted: Eigen's == of two running statistics of different lengths (a feature
    // added or removed) reads past the shorter one; here they are simply unequal.
    bool operator==(const NormConfig& other) const;
};

std::string_view layerName(Layer layer);          // "batchnorm", ... as in the session file
std::string_view layerTitle(Layer layer);         // "batch norm", ... for messages
std::string_view modeName(Mode mode);             // "train", "eval"
std::string_view conventionName(Convention c);    // "pytorch", "keras", "cs231n"
std::optional<Layer> parseLayer(std::string_view name);
std::optional<Mode> parseMode(std::string_view name);
std::optional<Convention> parseConvention(std::string_view name);

// "3, one per channel (\"channels\": 3)" or "4, one per feature (column of x)": how many
// numbers gamma, beta and the running statistics need, for messages.
std::string affineCountText(const NormConfig& config, Eigen::Index features);

// Every key that does not apply, or is out of range, for an N x D batch: one problem per key,
// naming it and saying why. Checks that depend on another key's being valid are skipped when
// that key is wrong, so one mistake gives one message.
Problems validateNorm(const NormConfig& config, Eigen::Index samples, Eigen::Index features);

}  // namespace bnflow
