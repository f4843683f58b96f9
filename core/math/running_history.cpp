#include <core/math/running_history.h>

#include <cmath>

namespace bnflow {

using Eigen::Index;

namespace {

// The stream of the simulated batches: neither x's (randomizeBatch) nor dout's for equal seeds.
constexpr std::uint64_t kRunningStream = 0xD1B54A32D192ED03ULL;

std::string conventionTitle(Convention c)
{
    switch (c) {
    case Convention::Keras: return "Keras";
    case Convention::Cs231n: return "CS231n";
    default: return "PyTorch";
    }
}

}  // namespace

double momentumForWeight(Convention c, double weight)
{
    return c == Convention::PyTorch ? weight : 1.0 - weight;
}

double weightOfMomentum(Convention c, double momentum)
{
    return c == Convention::PyTorch ? momentum : 1.0 - momentum;
}

RunningState libraryStart(Convention c, Index features)
{
    // torch.nn.BatchNorm1d: zeros and ones; keras BatchNormalization: moving_mean_initializer
    // "zeros", moving_variance_initializer "ones"; CS231n's batchnorm_forward: np.zeros for both.
    const double var = c == Convention::Cs231n ? 0.0 : 1.0;
    return {RowVector::Zero(features), RowVector::Constant(features, var)};
}

std::vector<Matrix> runningBatches(const Session& s, int count, std::uint64_t seed)
{
    std::vector<Matrix> batches;
    if (count < 1)
        return batches;
    const Index n = s.samples(), d = s.features();
    batches.push_back(s.x);
    const RowVector mean = s.x.colwise().mean();
    const RowVector sd = ((s.x.rowwise() - mean).array().square().colwise().mean()).sqrt().matrix();
    const Matrix z = standardNormalMatrix(Index(count - 1) * n, d, seed ^ kRunningStream);
    for (int k = 1; k < count; ++k) {
        Matrix b = z.middleRows(Index(k - 1) * n, n);
        b = (b.array().rowwise() * sd.array()).matrix().rowwise() + mean;
        batches.push_back(std::move(b));
    }
    return batches;
}

const RunningHistory& RunningSimulation::of(Convention c) const
{
    for (const RunningHistory& h : history)
        if (h.convention == c)
            return h;
    return history[0];
}

RunningResult simulateRunning(const std::vector<Matrix>& batches,
                              const std::array<RunningState, 3>& start,
                              std::optional<double> newBatchWeight)
{
    RunningResult result;
    const Index k = Index(batches.size());
    const Index d = start[0].mean.size();
    for (std::size_t b = 0; b < batches.size(); ++b)
        if (batches[b].cols() != d || batches[b].rows() < 2) {
            result.problems.push_back(
                {"batch " + std::to_string(b + 1),
                 batches[b].rows() < 2
                     ? "has one sample; the pytorch convention feeds running_var the unbiased "
                       "variance, which divides by N - 1 = 0 (PyTorch refuses it too): add a sample"
                     : "has " + std::to_string(batches[b].cols()) + " features; the running "
                       "statistics have " + std::to_string(d)});
            return result;
        }
    RunningSimulation sim;
    sim.batches = batches;
    if (!batches.empty()) {
        sim.firstMean = batches.front().colwise().mean();
        sim.firstVar = (batches.front().rowwise() - sim.firstMean).array().square().colwise().mean().matrix();
    }
    for (std::size_t c = 0; c < kConventions.size(); ++c) {
        RunningHistory& h = sim.history[c];
        h.convention = kConventions[c];
        NormConfig config;
        config.convention = h.convention;
        if (newBatchWeight)
            config.momentum = momentumForWeight(h.convention, *newBatchWeight);
        h.momentum = config.momentumOrDefault();
        h.mean.resize(k + 1, d);
        h.var.resize(k + 1, d);
        h.mean.row(0) = start[c].mean;
        h.var.row(0) = start[c].var;
        for (Index b = 0; b < k; ++b) {
            // One training step: the batch's statistics, then the convention's update
            // (doc/derivation.md#running-statistics), exactly as a session with this batch.
            const Matrix& x = batches[std::size_t(b)];
            const RowVector mean = x.colwise().mean();
            const RowVector biasedVar = (x.rowwise() - mean).array().square().colwise().mean().matrix();
            config.runningMean = h.mean.row(b);
            config.runningVar = h.var.row(b);
            const RunningUpdate u = updateRunning(config, mean, biasedVar, x.rows());
            h.mean.row(b + 1) = u.mean;
            h.var.row(b + 1) = u.var;
        }
        if (!(h.mean.allFinite() && h.var.allFinite())) {
            result.problems.push_back({conventionTitle(h.convention) + " running_var",
                                       "overflows a double; the batch is too large"});
            return result;
        }
    }
    result.simulation = std::move(sim);
    return result;
}

RunningResult simulateRunning(const Session& s, const RunningSettings& settings)
{
    RunningResult result;
    const Layer layer = s.norm.layerOrDefault();
    if (layer != Layer::BatchNorm) {
        result.problems.push_back(
            {"layer", "is " + std::string(layerTitle(layer)) + "; running statistics belong to "
                      "batch norm only: " + std::string(layerTitle(layer)) + " normalizes each "
                      "sample by its own statistics, in training and at inference alike"});
        return result;
    }
    result.problems = s.validate();
    if (result.problems.empty())
        result.problems = validateNorm(s.norm, s.samples(), s.features());
    if (result.problems.empty() && s.norm.positions(s.features()) > 1) {
        // The simulation draws batches and updates statistics per feature; a spatial session's
        // are per channel, over N * L entries.
        result.problems.push_back({"channels", "the running-statistics simulation is per feature; "
                                               "this session is spatial batch norm, whose running "
                                               "statistics are per channel: set channels to none "
                                               "to simulate its features"});
        return result;
    }
    // A pytorch-convention session with one sample is refused above; the simulation refuses
    // one sample for any session, below, as it always runs the pytorch convention too.
    if (!result.problems.empty())
        return result;
    if (settings.batches < 1 || settings.batches > kMaxRunningBatches) {
        result.problems.push_back({"batches", "is " + std::to_string(settings.batches) +
                                                  "; expected 1 to " + std::to_string(kMaxRunningBatches)});
        return result;
    }
    if (settings.newBatchWeight && !(*settings.newBatchWeight >= 0 && *settings.newBatchWeight <= 1)) {
        result.problems.push_back({"weight of the new batch", "is outside [0, 1]"});
        return result;
    }
    std::array<RunningState, 3> start;
    for (std::size_t c = 0; c < kConventions.size(); ++c) {
        if (settings.start == RunningStart::Library) {
            start[c] = libraryStart(kConventions[c], s.features());
        } else if (s.norm.runningMean && s.norm.runningVar) {
            start[c] = {*s.norm.runningMean, *s.norm.runningVar};
        } else {
            result.problems.push_back({"running_mean", "missing; the session has no running "
                                                       "statistics to start from"});
            return result;
        }
    }
    return simulateRunning(runningBatches(s, settings.batches, settings.seed), start,
                           settings.newBatchWeight);
}

NormConfig evalNorm(const NormConfig& current, const RunningState& running)
{
    NormConfig c = current;
    c.mode = Mode::Eval;
    c.runningMean = running.mean;
    c.runningVar = running.var;
    c.momentum.reset();
    c.convention.reset();
    c.groups.reset();
    return c;
}

std::optional<EvalGradient> evalGradient(const Session& s, const RowVector& runningVar,
                                         Index feature, Index sample)
{
    if (feature < 0 || feature >= s.features() || feature >= runningVar.size() ||
        feature >= s.gamma.size() || sample < 0 || sample >= s.samples())
        return std::nullopt;
    EvalGradient g;
    g.feature = feature;
    g.sample = sample;
    g.gamma = s.gamma[feature];
    g.runningVar = runningVar[feature];
    g.eps = s.eps;
    if (!(g.runningVar + g.eps > 0))
        return std::nullopt;
    // The statistics are constants in eval mode, so only the direct path remains
    // (doc/derivation.md#eval-mode); the same expression as familyFused's eval branch.
    const double invStd = 1.0 / std::sqrt(g.runningVar + g.eps);
    g.scale = g.gamma * invStd;
    g.dout = s.dout(sample, feature);
    g.dx = g.dout * g.gamma * invStd;
    return g;
}

}  // namespace bnflow
