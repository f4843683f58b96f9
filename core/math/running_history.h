// Running statistics over many training batches, under the three conventions side by side
// (doc/derivation.md#running-statistics-over-many-batches): what the running-statistics panel
// plots, and the eval-mode session it hands back.
#pragma once

#include <core/math/family.h>
#include <core/model/norm_config.h>
#include <core/model/session.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bnflow {

// The order of every per-convention array below.
inline constexpr std::array<Convention, 3> kConventions{Convention::PyTorch, Convention::Keras,
                                                        Convention::Cs231n};
// More batches than a plot can show apart; the editor's limit, not the math's.
inline constexpr int kMaxRunningBatches = 1000;

// The running mean and variance of every feature at one moment, 1 x D each.
struct RunningState {
    RowVector mean, var;
};

// Where the running statistics start.
enum class RunningStart {
    Library,  // each library's initial buffers: mean 0; var 1 (PyTorch, Keras), 0 (CS231n)
    Session,  // the session's running_mean and running_var, the same for all three
};

struct RunningSettings {
    int batches = 10;                      // K
    std::uint64_t seed = 0;                // for batches 2..K
    RunningStart start = RunningStart::Library;
    // Unset: each convention's default momentum (0.1, 0.99, 0.9). Set: this weight on the new
    // batch for all three, written in each convention's own form (momentumForWeight), so that
    // the curves differ only by the variance each feeds in and where each starts.
    std::optional<double> newBatchWeight;
};

// The momentum m of convention c that puts `weight` on the new batch: PyTorch's r <- (1 - m) r
// + m s has m = weight; Keras' and CS231n's r <- m r + (1 - m) s have m = 1 - weight.
double momentumForWeight(Convention c, double weight);
// Its inverse: how much of a new batch convention c's momentum m takes in.
double weightOfMomentum(Convention c, double momentum);
// The initial buffers of each library: PyTorch's BatchNorm and Keras' BatchNormalization start
// at mean 0 and var 1, CS231n's batchnorm_forward at mean 0 and var 0.
RunningState libraryStart(Convention c, Eigen::Index features);

// The K batches fed in: batch 1 is the session's own x; batches 2..K are drawn like it, each
// feature j from a normal with x's mean and (biased) standard deviation of column j, the
// standard normals from standardNormalMatrix seeded with seed XOR a stream constant of their
// own, filled row by row across the batches: a larger K appends batches and changes none.
std::vector<Matrix> runningBatches(const Session& s, int count, std::uint64_t seed);

struct RunningHistory {
    Convention convention = Convention::PyTorch;
    double momentum = 0;  // in the convention's own form
    Matrix mean, var;     // (K + 1) x D: row 0 the start, row k after batch k
    RunningState final() const { return {mean.row(mean.rows() - 1), var.row(var.rows() - 1)}; }
};

struct RunningSimulation {
    std::vector<Matrix> batches;            // the K batches, N x D
    RowVector firstMean, firstVar;          // batch 1's mean and biased variance: the centre
                                            // and spread runningBatches draws the others with
    std::array<RunningHistory, 3> history;  // in the order of kConventions
    const RunningHistory& of(Convention c) const;
};

struct RunningResult {
    std::optional<RunningSimulation> simulation;  // set exactly when problems is empty
    Problems problems;
    bool ok() const { return simulation.has_value(); }
};

// Feeds `batches` through each convention's update (family.h updateRunning) from `start`.
// Refuses what PyTorch refuses (one sample per batch: its unbiased variance divides by N - 1)
// and an update that overflows a double.
RunningResult simulateRunning(const std::vector<Matrix>& batches,
                              const std::array<RunningState, 3>& start,
                              std::optional<double> newBatchWeight);
// The session's batches and start, after checking that the running statistics apply at all:
// batch norm (any mode), a valid session, settings in range.
RunningResult simulateRunning(const Session& s, const RunningSettings& settings);

// Batch norm in eval mode with these running statistics: the session's norm with mode "eval",
// the statistics replaced, and momentum and convention cleared (eval mode updates nothing, so
// the session file refuses them there).
NormConfig evalNorm(const NormConfig& current, const RunningState& running);

// One feature's eval-mode gradient, dx = dout * gamma / sqrt(running_var + eps)
// (doc/derivation.md#eval-mode), at one sample.
struct EvalGradient {
    Eigen::Index feature = 0, sample = 0;
    double gamma = 0, runningVar = 0, eps = 0;
    double scale = 0;  // gamma / sqrt(running_var + eps): the same for every sample
    double dout = 0, dx = 0;
};
// nullopt when running_var + eps is 0 (eval mode is undefined there) or an index is out of range.
std::optional<EvalGradient> evalGradient(const Session& s, const RowVector& runningVar,
                                         Eigen::Index feature, Eigen::Index sample);

}  // namespace bnflow
