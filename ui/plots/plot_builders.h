// The plots of the Plots tab and bnflow-cli export, built from results that core computed. No
// math beyond arranging numbers: every value comes from an Analysis, a GradCheckReport or a
// sweep of core.
#pragma once

#include <plots/plot_spec.h>

#include <core/math/analysis.h>
#include <core/math/family.h>
#include <core/math/gradcheck.h>
#include <core/math/sweeps.h>

#include <atomic>
#include <functional>

namespace bnflow::ui {

// Every plot, once: its name (the GUI's selector, --view and bnflow-cli export --plot) and what
// it shows (the selector's text and the CLI's help), in the selector's order.
struct PlotKind {
    const char* name;
    const char* description;
    const char* options;  // the export options that apply to it, for the CLI's help ("" if none)
};
const std::vector<PlotKind>& plotKinds();
QStringList plotNames();
QString plotDescription(const QString& name);

PlotSpec gradientsPlot(const Analysis& analysis);
PlotSpec differencePlot(const Analysis& analysis);
PlotSpec termsPlot(const Analysis& analysis, Eigen::Index feature);
// Layer norm, RMSNorm and group norm: the terms of sample i's row (three, or two for RMSNorm),
// each times its set's scale, and the fused dx they add up to; spatial batch norm: the same over
// the N x L entries of feature's channel (family_terms_plot.cpp).
PlotSpec familyTermsPlot(const FamilyAnalysis& analysis, Eigen::Index sample, Eigen::Index feature);
PlotSpec paramsPlot(const Analysis& analysis);
PlotSpec gradcheckPlot(const GradCheckReport& report);
PlotSpec hsweepPlot(const std::vector<HSweepPoint>& f64, const std::vector<HSweepPoint>& f32);
PlotSpec timingsPlot(const std::vector<TimingPoint>& points, const QString& machine, double copyGbps = 0);

// Where values that a log axis cannot show (exact zeros) are drawn: a decade below the smallest
// positive value, or 1e-20 when there is none.
double logFloor(const std::vector<double>& values);

// The steps of the h sweep: 1e-1 ... 1e-10, four per decade.
std::vector<double> hsweepSteps();

}  // namespace bnflow::ui

namespace bnflow::ui {

struct PlotOptions {
    Eigen::Index feature = 0;  // "terms" of batch norm, "jacobian": which feature (clamped to the session's)
    Eigen::Index sample = 0;   // "terms" of layer norm, RMSNorm, group norm, "jacobian": which sample (clamped)
    double h = 1e-5;           // "gradcheck": the step
    // "gradcheck" and "hsweep": polled between entries (a set flag ends the check early, with a
    // spec that says so), and told (done, total) as the check goes.
    const std::atomic<bool>* cancel = nullptr;
    std::function<void(std::size_t done, std::size_t total)> progress;
};

// Every plot but "timings", from a session that analyze() accepted and its analysis. The
// gradient check and the h sweep are run here, by core. Empty spec.name for an unknown name.
PlotSpec documentPlot(const QString& name, const Session& session, const Analysis& analysis,
                      const PlotOptions& options = {});

// Every plot for a session that is not training batch norm (family.h): "gradients",
// "difference", "params" and the per-sample layers' "terms" from its analysis, "gradcheck" by
// core, which checks every layer. A plot that does not apply to the layer ("terms" in eval mode,
// "hsweep", "timings") is a spec without panels whose caption says why, never batch norm's plot
// under the layer's name.
PlotSpec familyPlot(const QString& name, const Session& session, const FamilyAnalysis& analysis,
                    const PlotOptions& options = {});
// Why `name` is not drawn for a session of this configuration; empty when it is.
QString familyPlotUnavailable(const QString& name, const NormConfig& norm);
// "terms" of this configuration picks a sample (a row), not a feature (a column).
bool termsPerSample(const NormConfig& norm);

// "gradcheck" and "hsweep": they run core's gradient check (O(N^2 D) per step) and need only the
// session, so the window builds them on a worker thread (plot_job.h).
bool isCheckPlot(const QString& name);
PlotSpec checkPlot(const QString& name, const Session& session, const PlotOptions& options = {});

}  // namespace bnflow::ui
