#include <core/math/timing.h>

#include <core/math/batchnorm.h>
#include <core/math/row_norm_kernel.h>
#include <core/model/session.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <future>
#include <functional>
#include <thread>

namespace bnflow {
namespace {

using Clock = std::chrono::steady_clock;

volatile double gSink = 0;  // results feed this so the compiler cannot drop the timed calls

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

bool cancelled(const TimingSettings& s)
{
    return s.cancel && s.cancel->load(std::memory_order_relaxed);
}

// Runs `call` in samples of callsPerSample calls and fills the statistics.
TimingResult measure(const TimingSettings& s, const std::function<double()>& call)
{
    TimingResult result;
    const auto start = Clock::now();
    const auto runSample = [&](long calls) {
        const auto t0 = Clock::now();
        double sink = 0;
        for (long k = 0; k < calls; ++k)
            sink += call();
        const double seconds = secondsSince(t0);
        gSink = gSink + sink;
        return seconds;
    };

    // Warm-up and calibration: double the batch of calls until a sample is long enough. The
    // faster of two tries decides, so a sample stretched by preemption on a busy machine does
    // not stop the doubling early (later, undisturbed samples would then be too short).
    // A slow call ends the warm-up early: the first call warms up (it may be cold: page faults,
    // caches), and a second one that already lasts a sample means one call a sample. The first
    // call alone must not decide: a cold 1 us call can take longer than a whole sample.
    long calls = 1;
    runSample(1);
    if (runSample(1) < s.minSampleSeconds) {
        while (std::min(runSample(calls), runSample(calls)) < s.minSampleSeconds &&
               calls < (1L << 30)) {
            if (cancelled(s)) {
                result.status = TimingResult::Status::Cancelled;
                return result;
            }
            calls *= 2;
        }
    }
    result.callsPerSample = calls;

    std::vector<double> perCallUs;
    const auto sampling = Clock::now();
    const double ceiling = std::max(s.minTimeSeconds, s.maxSamplingSeconds);
    const auto more = [&] {
        const int taken = static_cast<int>(perCallUs.size());
        const double elapsed = secondsSince(sampling);
        if (taken >= s.maxSamples || (taken > 0 && elapsed >= ceiling))
            return false;
        return taken < s.minSamples || elapsed < s.minTimeSeconds;
    };
    while (more()) {
        if (cancelled(s)) {
            result.status = TimingResult::Status::Cancelled;
            return result;
        }
        perCallUs.push_back(runSample(calls) * 1e6 / static_cast<double>(calls));
    }
    std::sort(perCallUs.begin(), perCallUs.end());
    result.samples = static_cast<int>(perCallUs.size());
    result.minUs = perCallUs.front();
    result.p25Us = sortedQuantile(perCallUs, 0.25);
    result.medianUs = sortedQuantile(perCallUs, 0.5);
    result.p75Us = sortedQuantile(perCallUs, 0.75);
    result.elapsedSeconds = secondsSince(start);
    return result;
}

// Layer norm or RMSNorm: the forward pass row by row in S (xhat and the per-row factor), then
// the fused kernel is timed. Its inputs and output are row-major, the layout it takes
// (row_norm_kernel.h), set up once before the timed calls like the other inputs.
template <typename S>
TimingResult timeRowNorm(const TimingSettings& s, const Mat<S>& x, const Mat<S>& dout, const RowVec<S>& gamma)
{
    const bool centred = s.layer == Layer::LayerNorm;
    RowMajorMat<S> xhat(s.rows, s.cols);
    ColVec<S> factor(s.rows);
    for (Eigen::Index i = 0; i < s.rows; ++i) {
        const S mean = centred ? x.row(i).mean() : S(0);
        const S second = (x.row(i).array() - mean).square().mean();  // var, or the mean square
        factor(i) = S(1) / std::sqrt(second + S(1e-5));
        xhat.row(i) = (x.row(i).array() - mean) * factor(i);
    }
    const RowMajorMat<S> doutRows = dout;
    RowMajorMat<S> dx(s.rows, s.cols);
    RowVec<S> dgamma(s.cols), dbeta(s.cols);
    return measure(s, [&] {
        if (centred)
            layerNormBackwardKernel<S>(doutRows, xhat, factor, gamma, dx, dgamma, dbeta);
        else
            rmsNormBackwardKernel<S>(doutRows, xhat, factor, gamma, dx, dgamma, dbeta);
        return static_cast<double>(dx(0, 0));
    });
}

template <typename S>
TimingResult timeTyped(const TimingSettings& s, const TimingInputs& in)
{
    // Seeded, realistic inputs: offset and scaled x, gamma != 1, beta != 0.
    const Mat<S> x = (3.0 * in.x.array() + 1.0).cast<S>();
    const Mat<S> dout = in.dout.cast<S>();
    const RowVec<S> gamma = (1.0 + 0.5 * in.gamma.array()).cast<S>();
    const RowVec<S> beta = in.beta.cast<S>();
    if (s.layer != Layer::BatchNorm)
        return timeRowNorm<S>(s, x, dout, gamma);
    const ForwardCache<S> cache = forward<S>(x, gamma, beta, S(1e-5));

    if (s.variant == Variant::Staged) {
        StagedGradients<S> out;  // buffers sized by the first call and reused by the others
        return measure(s, [&] {
            backwardStaged<S>(dout, cache, gamma, out);
            return static_cast<double>(out.dx(0, 0));
        });
    }
    Mat<S> dx(s.rows, s.cols);
    RowVec<S> dgamma(s.cols);
    RowVec<S> dbeta(s.cols);
    return measure(s, [&] {
        fusedBackwardKernel<S>(dout, cache.xhat, cache.invStd, gamma, dx, dgamma, dbeta);
        return static_cast<double>(dx(0, 0));
    });
}

}  // namespace

TimingInputs timingInputs(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed)
{
    TimingInputs in;
    in.rows = rows;
    in.cols = cols;
    // Four independent seeded draws: on two threads, as a large shape's draws cost several
    // seconds (1 x 16777216: four 16.7M-value matrices), more than the calls timed on them.
    auto other = std::async(std::launch::async, [&] {
        in.dout = standardNormalMatrix(rows, cols, seed + 1);
        in.beta = standardNormalMatrix(1, cols, seed + 3);
    });
    in.x = standardNormalMatrix(rows, cols, seed);
    in.gamma = standardNormalMatrix(1, cols, seed + 2);
    other.get();  // rethrows the thread's std::bad_alloc, which bench reports
    return in;
}

namespace {

TimingResult failedTiming(std::string why)
{
    TimingResult r;
    r.status = TimingResult::Status::Failed;
    r.error = std::move(why);
    return r;
}

std::string outOfMemory(const TimingSettings& s)
{
    return "not enough memory for " + std::to_string(s.rows) + " x " + std::to_string(s.cols);
}

}  // namespace

TimingResult timeBackward(const TimingSettings& settings)
{
    if (settings.rows < 1 || settings.cols < 1)
        return timeBackward(settings, TimingInputs{});  // refused there, before any drawing
    try {
        return timeBackward(settings, timingInputs(settings.rows, settings.cols, settings.seed));
    } catch (const std::bad_alloc&) {  // drawing the inputs
        return failedTiming(outOfMemory(settings));
    }
}

TimingResult timeBackward(const TimingSettings& settings, const TimingInputs& inputs)
{
    if (settings.rows < 1 || settings.cols < 1)
        return failedTiming("the shape must be at least 1 x 1");
    if (settings.layer == Layer::GroupNorm ||
        (settings.layer != Layer::BatchNorm && settings.variant == Variant::Staged))
        return failedTiming(std::string("timing covers batch norm (staged and fused) and the fused kernels of "
                                        "layer norm and RMSNorm; not the ") +
                            std::string(variantName(settings.variant)) + " pass of " +
                            std::string(layerTitle(settings.layer)));
    if (inputs.rows != settings.rows || inputs.cols != settings.cols)
        return failedTiming("the inputs are " + std::to_string(inputs.rows) + " x " +
                            std::to_string(inputs.cols) + ", not the " + std::to_string(settings.rows) +
                            " x " + std::to_string(settings.cols) + " to time");
    try {
        return settings.dtype == Dtype::F32 ? timeTyped<float>(settings, inputs)
                                            : timeTyped<double>(settings, inputs);
    } catch (const std::bad_alloc&) {
        return failedTiming(outOfMemory(settings));
    }
}

double sortedQuantile(const std::vector<double>& sorted, double q)
{
    if (sorted.empty())
        return 0;
    const double position = q * static_cast<double>(sorted.size() - 1);
    const auto below = static_cast<std::size_t>(position);
    const std::size_t above = std::min(below + 1, sorted.size() - 1);
    const double fraction = position - static_cast<double>(below);
    return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

std::string machineDescription()
{
    std::string model = "unknown CPU";
    std::ifstream cpuinfo("/proc/cpuinfo");
    for (std::string line; std::getline(cpuinfo, line);) {
        if (line.rfind("model name", 0) == 0) {
            const auto colon = line.find(':');
            if (colon != std::string::npos && colon + 2 <= line.size())
                model = line.substr(colon + 2);
            break;
        }
    }
    const unsigned cores = std::thread::hardware_concurrency();
    return model + ", " + std::to_string(cores) + (cores == 1 ? " core" : " cores");
}

std::string_view dtypeName(Dtype dtype)
{
    return dtype == Dtype::F32 ? "f32" : "f64";
}

std::string_view variantName(Variant variant)
{
    return variant == Variant::Staged ? "staged" : "fused";
}

}  // namespace bnflow
