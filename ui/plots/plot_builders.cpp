#include <plots/plot_builders.h>

#include <plots/jacobian_plot.h>
#include <plots/plot_series.h>

#include <algorithm>
#include <cmath>
#include <optional>

namespace bnflow::ui {

using namespace detail;

const std::vector<PlotKind>& plotKinds()
{
    static const std::vector<PlotKind> kinds = {
        {"gradients", "fused dx against staged dx, per element", ""},
        {"difference", "|fused dx - staged dx| per element, log axis", ""},
        {"terms", "the terms of the fused formula: one feature (batch norm) or one sample",
         "--feature J (batch norm) or --sample I (layer norm, RMSNorm, group norm), default 0"},
        {"params", "dgamma and dbeta per feature", ""},
        {"jacobian", "dy/dx of one normalization set: heatmap, eigenvalues",
         "--feature J (batch norm, group norm) and --sample I (layer norm, RMSNorm, group norm), default 0"},
        {"gradcheck", "numerical against analytic dx, relative error", "--h H (default 1e-5)"},
        {"hsweep", "gradient-check error as the step h shrinks", ""},
        {"timings", "staged and fused backward timed over N, speedup; measured now",
         "--shapes NxD,... (default 16x64,64x64,256x64,1024x64,4096x64), --dtype (default f64)"},
    };
    return kinds;
}

QStringList plotNames()
{
    QStringList names;
    for (const PlotKind& kind : plotKinds())
        names << QString::fromUtf8(kind.name);
    return names;
}

QString plotDescription(const QString& name)
{
    for (const PlotKind& kind : plotKinds())
        if (name == QLatin1String(kind.name))
            return QString::fromUtf8(kind.description);
    return {};
}

double logFloor(const std::vector<double>& values)
{
    double smallest = 0;
    for (const double v : values)
        if (v > 0 && (smallest == 0 || v < smallest))
            smallest = v;
    return smallest > 0 ? std::pow(10.0, std::floor(std::log10(smallest)) - 1) : 1e-20;
}

std::vector<double> hsweepSteps()
{
    return logSpacedSteps(1e-1, 1e-10, 37);
}

namespace {

// The dx of both backward passes and dgamma, dbeta, for any layer: what "gradients",
// "difference" and "params" draw.
struct Backward {
    const Matrix& stagedDx;
    const Matrix& fusedDx;
    Matrix absDiffDx;  // |fused - staged|, N x D
    const RowVector& dgamma;
    const RowVector& dbeta;
    double maxAbsDiffDx, maxAbsDiffDgamma, maxAbsDiffDbeta;
    QString layer;  // "" for training batch norm, else " (layer norm)" for the titles
};

Backward backwardOf(const Analysis& a)
{
    return {a.staged.dx, a.fused.grads.dx, a.absDiffDx, a.fused.grads.dgamma, a.fused.grads.dbeta,
            a.maxAbsDiffDx, a.maxAbsDiffDgamma, a.maxAbsDiffDbeta, QString()};
}

QString layerSuffix(const FamilyAnalysis& a)
{
    const Reduction& r = a.reduction;
    if (r.layer == Layer::BatchNorm)
        return r.eval ? QStringLiteral(" (batch norm, eval mode)") : QString();
    if (r.layer == Layer::GroupNorm)
        return QStringLiteral(" (group norm, G = %1)").arg(r.groups);
    return QStringLiteral(" (%1)").arg(QString::fromUtf8(bnflow::layerTitle(r.layer).data()));
}

Backward backwardOf(const FamilyAnalysis& a)
{
    // The difference is rounding: the family keeps its maximum only (family.h), so its entries
    // are taken here, from the two matrices the plot shows.
    return {a.staged.dx, a.fused.dx, (a.fused.dx - a.staged.dx).cwiseAbs(), a.fused.dgamma,
            a.fused.dbeta, a.maxAbsDiffDx, a.maxAbsDiffDgamma, a.maxAbsDiffDbeta, layerSuffix(a)};
}

PlotSpec gradientsPlot(const Backward& a)
{
    const Matrix& fused = a.fusedDx;
    const Matrix& staged = a.stagedDx;
    const QStringList labels = elementLabels(fused, QStringLiteral("fused dx"), &staged, QStringLiteral("staged dx"));
    Series points{QStringLiteral("one element of dx"), SeriesKind::Points, kBlue};
    points.x = elements(staged);
    points.y = elements(fused);
    points.labels = labels;
    Panel scatter{QStringLiteral("staged dx (chain rule, cell by cell)"),
                  QStringLiteral("fused dx (closed form)")};
    scatter.xZeroLine = true;
    scatter.series = {diagonal(points.x, points.y), points};

    // The same numbers as bars, grouped by feature: each element's two bars have equal heights.
    Series fusedBars{QStringLiteral("fused dx"), SeriesKind::Bars, kBlue};
    Series stagedBars{QStringLiteral("staged dx"), SeriesKind::Bars, kOrange};
    QStringList ticks;
    for (Eigen::Index j = 0; j < fused.cols(); ++j)
        for (Eigen::Index i = 0; i < fused.rows(); ++i)
            ticks << QStringLiteral("%1,%2").arg(i).arg(j);
    for (std::size_t k = 0; k < points.x.size(); ++k) {
        fusedBars.x.push_back(double(k) - 0.2);
        stagedBars.x.push_back(double(k) + 0.2);
    }
    fusedBars.y = points.y;
    stagedBars.y = points.x;
    fusedBars.labels = stagedBars.labels = labels;
    fusedBars.width = stagedBars.width = 0.38;
    Panel bars{QStringLiteral("element (sample i, feature j), grouped by feature"), QStringLiteral("dx")};
    bars.xTickLabels = ticks;
    bars.series = {fusedBars, stagedBars};
    return {QStringLiteral("gradients"), QStringLiteral("Fused and staged backward agree: dx per element") + a.layer,
            QStringLiteral("Each point is one entry dx[i][j]; on the dashed line y = x the two "
                           "backward passes agree.\nLargest |fused - staged| = %1: rounding only.")
                .arg(a.maxAbsDiffDx, 0, 'g', 3),
            {scatter, bars}};
}

PlotSpec differencePlot(const Backward& a)
{
    const std::vector<double> diff = elements(a.absDiffDx);
    const double floor = logFloor(diff);
    const auto zeros = std::count(diff.begin(), diff.end(), 0.0);
    auto [positive, zero] = onLogAxis(diff, elementLabels(a.absDiffDx, QStringLiteral("|fused - staged|"),
                                                          &a.fusedDx, QStringLiteral("fused dx")),
                                      QStringLiteral("|fused dx - staged dx|"),
                                      QStringLiteral("exactly 0, drawn at %1").arg(floor, 0, 'g', 2), floor);
    Panel panel{QStringLiteral("element k = feature * N + sample"),
                QStringLiteral("|fused dx - staged dx| (absolute, log scale)"), false, true};
    panel.integerX = true;
    panel.series = {positive, zero};
    return {QStringLiteral("difference"), QStringLiteral("Fused minus staged dx: rounding-level differences") + a.layer,
            QStringLiteral("Both passes compute the same formula in a different order; the differences are "
                           "floating-point rounding, not error.\n%1 of %2 entries are exactly 0: a log axis "
                           "cannot show 0, so they are drawn at %3.")
                .arg(zeros).arg(diff.size()).arg(floor, 0, 'g', 2),
            {panel}};
}

PlotSpec paramsPlot(const Backward& a)
{
    // One bar pair per feature, or per channel in a spatial session (dgamma has C numbers there).
    const bool perChannel = a.dgamma.size() != a.fusedDx.cols();
    const QString unit = perChannel ? QStringLiteral("channel") : QStringLiteral("feature");
    Series dgamma{perChannel ? QStringLiteral("dgamma = sum over the channel of dout * xhat")
                             : QStringLiteral("dgamma = sum_i dout * xhat"), SeriesKind::Bars, kBlue};
    Series dbeta{perChannel ? QStringLiteral("dbeta = sum over the channel of dout") : QStringLiteral("dbeta = sum_i dout"),
                 SeriesKind::Bars, kOrange};
    for (Eigen::Index j = 0; j < a.dgamma.size(); ++j) {
        dgamma.x.push_back(double(j) - 0.2);
        dgamma.y.push_back(a.dgamma(j));
        dgamma.labels << QStringLiteral("%1 %2\ndgamma = %3").arg(unit).arg(j).arg(num(a.dgamma(j)));
        dbeta.x.push_back(double(j) + 0.2);
        dbeta.y.push_back(a.dbeta(j));
        dbeta.labels << QStringLiteral("%1 %2\ndbeta = %3").arg(unit).arg(j).arg(num(a.dbeta(j)));
    }
    dgamma.width = dbeta.width = 0.38;
    Panel panel{perChannel ? QStringLiteral("channel c") : QStringLiteral("feature j"),
                QStringLiteral("gradient of f (per unit of gamma, beta)")};
    panel.xTickLabels = featureTicks(a.dgamma.size());
    panel.series = {dgamma, dbeta};
    return {QStringLiteral("params"), QStringLiteral("Parameter gradients per %1").arg(unit) + a.layer,
            QStringLiteral("dgamma and dbeta from the fused pass; |fused - staged| is at most %1 and %2.")
                .arg(a.maxAbsDiffDgamma, 0, 'g', 2).arg(a.maxAbsDiffDbeta, 0, 'g', 2),
            {panel}};
}

}  // namespace

PlotSpec termsPlot(const Analysis& a, Eigen::Index j)
{
    const FusedTerms<double>& t = a.fused;
    const Eigen::Index n = t.term1.rows();
    const double scale = t.scale(j);
    Series first{QStringLiteral("+ scale * N * dxhat"), SeriesKind::Bars, kOrange};
    Series second{QStringLiteral("- scale * sum dxhat"), SeriesKind::Bars, kSky};
    Series third{QStringLiteral("- scale * xhat * sum(dxhat * xhat)"), SeriesKind::Bars, kGreen};
    Series dx{QStringLiteral("dx = sum of the three"), SeriesKind::Points, kVermillion};
    QStringList ticks;
    for (Eigen::Index i = 0; i < n; ++i) {
        const double c1 = scale * t.term1(i, j), c2 = -scale * t.term2(j), c3 = -scale * t.term3(i, j);
        first.x.push_back(double(i) - 0.27);
        first.y.push_back(c1);
        second.x.push_back(double(i));
        second.y.push_back(c2);
        third.x.push_back(double(i) + 0.27);
        third.y.push_back(c3);
        dx.x.push_back(double(i));
        dx.y.push_back(t.grads.dx(i, j));
        const QString where = elementLabel(i, j);
        first.labels << where + QStringLiteral("\nscale * term1 = %1").arg(num(c1));
        second.labels << where + QStringLiteral("\n-scale * term2 = %1").arg(num(c2));
        third.labels << where + QStringLiteral("\n-scale * term3 = %1").arg(num(c3));
        dx.labels << where + QStringLiteral("\ndx = %1").arg(num(t.grads.dx(i, j)));
        ticks << QString::number(i);
    }
    for (Series* s : {&first, &second, &third})
        s->width = 0.26;
    Panel panel{QStringLiteral("sample i"), QStringLiteral("contribution to dx[i][%1]").arg(j)};
    panel.xTickLabels = ticks;
    panel.series = {first, second, third, dx};
    return {QStringLiteral("terms"), QStringLiteral("The three terms of the fused formula, feature %1").arg(j),
            QStringLiteral("dx_ij = inv_std_j / N * (N dxhat_ij - sum_k dxhat_kj - xhat_ij sum_k dxhat_kj "
                           "xhat_kj), with dxhat = dout * gamma.\nscale = inv_std / N = %1; the bars of each "
                           "sample add up to its dx.")
                .arg(num(scale)),
            {panel}};
}

PlotSpec gradientsPlot(const Analysis& a)
{
    return gradientsPlot(backwardOf(a));
}

PlotSpec differencePlot(const Analysis& a)
{
    return differencePlot(backwardOf(a));
}

PlotSpec paramsPlot(const Analysis& a)
{
    return paramsPlot(backwardOf(a));
}

PlotSpec documentPlot(const QString& name, const Session& session, const Analysis& analysis,
                      const PlotOptions& options)
{
    if (name == QLatin1String("gradients"))
        return gradientsPlot(analysis);
    if (name == QLatin1String("difference"))
        return differencePlot(analysis);
    if (name == QLatin1String("terms"))
        return termsPlot(analysis, std::clamp<Eigen::Index>(options.feature, 0, session.features() - 1));
    if (name == QLatin1String("params"))
        return paramsPlot(analysis);
    if (name == QLatin1String("jacobian"))
        return jacobianPlot(session, analysis.staged.dx, options.feature, options.sample);
    return checkPlot(name, session, options);
}

QString familyPlotUnavailable(const QString& name, const NormConfig& norm)
{
    if (norm.isTrainingBatchNorm())
        return {};
    const Layer layer = norm.layerOrDefault();
    const QString title = norm.isEval() ? QStringLiteral("batch norm in eval mode")
                                        : QString::fromUtf8(layerTitle(layer).data());
    if (name == QLatin1String("terms") && norm.isEval())
        return QStringLiteral("The terms plot splits the fused dx into its terms; in eval mode dx = dout · gamma "
                              "· inv_std is one term, with nothing to split.");
    if (name == QLatin1String("hsweep"))
        return QStringLiteral("The h sweep compares float64 with float32 gradient checks; %1 is checked in "
                              "float64 only, so a float32 curve would be a float64 one under another name. "
                              "The gradcheck plot checks this layer.").arg(title);
    if (name == QLatin1String("timings"))
        return layer == Layer::LayerNorm || layer == Layer::RmsNorm
            ? QStringLiteral("The timings plot times batch norm's staged and fused backward passes, not %1's; "
                             "bnflow-cli bench --layer %2 times the %1 kernels.")
                  .arg(title, QString::fromUtf8(layerName(layer).data()))
            : QStringLiteral("The timings plot times batch norm's staged and fused backward passes in training "
                             "mode, not %1's; no kernel of %1 is timed.").arg(title);
    return {};
}

bool termsPerSample(const NormConfig& norm)
{
    return !norm.isEval() && norm.layerOrDefault() != Layer::BatchNorm;
}

PlotSpec familyPlot(const QString& name, const Session& session, const FamilyAnalysis& analysis,
                    const PlotOptions& options)
{
    const QString unavailable = familyPlotUnavailable(name, session.norm);
    if (!unavailable.isEmpty()) {
        PlotSpec spec;  // no panels: the view shows the caption as its message (plots_panel.h)
        spec.name = name;
        spec.caption = unavailable;
        return spec;
    }
    if (name == QLatin1String("gradients"))
        return gradientsPlot(backwardOf(analysis));
    if (name == QLatin1String("difference"))
        return differencePlot(backwardOf(analysis));
    if (name == QLatin1String("params"))
        return paramsPlot(backwardOf(analysis));
    if (name == QLatin1String("jacobian"))
        return jacobianPlot(session, analysis.staged.dx, options.feature, options.sample);
    if (name == QLatin1String("terms"))
        return familyTermsPlot(analysis, std::clamp<Eigen::Index>(options.sample, 0, session.samples() - 1),
                               std::clamp<Eigen::Index>(options.feature, 0, session.features() - 1));
    return checkPlot(name, session, options);  // gradcheck: core checks every layer (gradcheck.h)
}

bool isCheckPlot(const QString& name)
{
    return name == QLatin1String("gradcheck") || name == QLatin1String("hsweep");
}

PlotSpec checkPlot(const QString& name, const Session& session, const PlotOptions& options)
{
    // Bounded like bnflow-cli gradcheck: beyond N x D x N = 2.5e8 a seeded sample of dx, so that
    // `export --plot gradcheck` on 20000 x 8 takes about a second, not a minute.
    const Eigen::Index n = session.samples(), d = session.features();
    const auto cancelled = [] {
        PlotSpec spec;
        spec.caption = QStringLiteral("Gradient check cancelled.");
        return spec;
    };
    if (name == QLatin1String("gradcheck")) {
        GradCheckSettings settings;
        settings.h = options.h;
        settings.samples = boundedGradCheckSamples(n, d);
        settings.cancel = options.cancel;
        settings.progress = options.progress;
        const GradCheckReport report = gradientCheck(session, settings);
        return report.status == GradCheckReport::Status::Cancelled ? cancelled() : gradcheckPlot(report);
    }
    if (name == QLatin1String("hsweep")) {  // the same budget shared by all the sweep's checks
        const std::vector<double> steps = hsweepSteps();
        const std::size_t samples =
            boundedGradCheckSamples(n, d, kGradCheckBudget / double(2 * steps.size()));
        const std::size_t total = 2 * steps.size();
        const auto sweep = [&](Dtype dtype, std::size_t before) {
            std::vector<HSweepPoint> points;
            for (std::size_t k = 0; k < steps.size(); ++k) {  // one step at a time: progress
                const auto one = gradCheckSweep(session, {steps[k]}, dtype, samples, options.cancel);
                if (one.empty())
                    return std::optional<std::vector<HSweepPoint>>();  // cancelled
                points.push_back(one.front());
                if (options.progress)
                    options.progress(before + k + 1, total);
            }
            return std::optional(points);
        };
        const auto f64 = sweep(Dtype::F64, 0);
        const auto f32 = f64 ? sweep(Dtype::F32, steps.size()) : std::nullopt;
        return f64 && f32 ? hsweepPlot(*f64, *f32) : cancelled();
    }
    return {};
}


}  // namespace bnflow::ui
