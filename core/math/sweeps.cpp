#include <core/math/sweeps.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <new>

namespace bnflow {

std::vector<double> logSpacedSteps(double largest, double smallest, int count)
{
    std::vector<double> steps;
    const double a = std::log10(largest), b = std::log10(smallest);
    for (int k = 0; k < count; ++k)
        steps.push_back(std::pow(10.0, a + (b - a) * k / (count - 1)));
    return steps;
}

std::vector<HSweepPoint> gradCheckSweep(const Session& session, const std::vector<double>& steps,
                                        Dtype dtype, std::size_t samples,
                                        const std::atomic<bool>* cancel)
{
    std::vector<HSweepPoint> points;
    points.reserve(steps.size());
    GradCheckSettings settings;
    settings.dtype = dtype;
    settings.samples = samples;
    settings.cancel = cancel;
    for (const double h : steps) {
        settings.h = h;
        const GradCheckReport report = gradientCheck(session, settings);
        if (report.status == GradCheckReport::Status::Cancelled)
            break;
        if (report.status == GradCheckReport::Status::NonFinite) {
            constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
            points.push_back({h, kNaN, kNaN, true});
        } else {
            points.push_back({h, report.scaledDx, report.maxRelDx});
        }
    }
    return points;
}

std::vector<TimingPoint> timingSweep(const TimingSweepSettings& settings)
{
    std::vector<TimingPoint> points;
    const int total = int(settings.shapes.size() * settings.dtypes.size() * 2);
    for (const Dtype dtype : settings.dtypes) {
        for (const auto& [rows, cols] : settings.shapes) {
            for (const Variant variant : {Variant::Staged, Variant::Fused}) {
                if (settings.cancel && settings.cancel->load())
                    return points;
                TimingSettings timing;
                timing.rows = rows;
                timing.cols = cols;
                timing.dtype = dtype;
                timing.variant = variant;
                timing.minTimeSeconds = settings.minTimeSeconds;
                timing.cancel = settings.cancel;
                points.push_back({rows, cols, dtype, variant, timeBackward(timing)});
                if (points.back().result.status != TimingResult::Status::Ok)
                    return points;
                if (settings.progress)
                    settings.progress(int(points.size()), total);
            }
        }
    }
    return points;
}

TimingRun timingRun(const TimingSweepSettings& settings)
{
    TimingRun run{timingSweep(settings), {}};
    const bool complete =
        run.points.size() == settings.shapes.size() * settings.dtypes.size() * 2 &&
        (run.points.empty() || run.points.back().result.status == TimingResult::Status::Ok);
    if (!complete || (settings.cancel && settings.cancel->load()))
        return run;
    try {
        run.copy = measureCopyBandwidth(std::clamp(settings.minTimeSeconds, 0.05, 0.5));
    } catch (const std::bad_alloc&) {
        run.copy = {};  // no yardstick; the timings stand
    }
    return run;
}

std::vector<std::pair<Eigen::Index, Eigen::Index>> defaultTimingShapes(Eigen::Index cols,
                                                                        Eigen::Index maxRows)
{
    std::vector<std::pair<Eigen::Index, Eigen::Index>> shapes;
    for (Eigen::Index rows = 16; rows <= maxRows; rows *= 4)
        shapes.emplace_back(rows, cols);
    return shapes;
}

}  // namespace bnflow
