#include <depth/depth_plots.h>

#include <plots/plot_series.h>

#include <QObject>

#include <algorithm>
#include <cmath>

namespace bnflow::ui {

using namespace detail;

QStringList depthPlotNames()
{
    return {QStringLiteral("depth-activations"), QStringLiteral("depth-gradients"),
            QStringLiteral("depth-ratios"), QStringLiteral("depth-updates")};
}

QString depthPlotDescription(const QString& name)
{
    if (name == QLatin1String("depth-activations"))
        return QObject::tr("histogram of each hidden layer's activations, saturated tails marked");
    if (name == QLatin1String("depth-gradients"))
        return QObject::tr("histogram of each hidden layer's activation gradients");
    if (name == QLatin1String("depth-ratios"))
        return QObject::tr("per layer: gradient std and mean, grad:data (log); activation std, saturation");
    if (name == QLatin1String("depth-updates"))
        return QObject::tr("update:data of every layer against the SGD step (--steps K), 1e-3 guide");
    return {};
}

QString normTitle(const std::optional<Layer>& norm)
{
    return norm ? QString::fromUtf8(layerTitle(*norm).data()) : QObject::tr("no norm");
}

namespace {

constexpr double kNoise = 1e-10;  // |mean| / std below this: rounding noise (doc/depth.md)

// The largest share of any bin of any layer: the y range every layer shares.
double tallest(const std::vector<Histogram>& layers)
{
    double top = 0;
    for (const Histogram& h : layers)
        for (int b = 0; b < h.bins(); ++b)
            top = std::max(top, h.fraction[std::size_t(b)] + h.saturated[std::size_t(b)]);
    return top > 0 ? top : 1.0;
}

// Bars at the bins' centres; empty bins left out.
Series bars(const Histogram& h, const std::vector<double>& share, const QString& name, int colour,
            const QString& what)
{
    Series s(name, SeriesKind::Bars, colour);
    s.width = h.width();
    for (int b = 0; b < h.bins(); ++b) {
        const double v = share[std::size_t(b)];
        if (v <= 0)
            continue;
        s.x.push_back(h.centre(b));
        s.y.push_back(v);
        s.labels << QObject::tr("%1 in [%2, %3): %4 % of the entries")
                        .arg(what, num(h.lo + b * h.width()), num(h.lo + (b + 1) * h.width()))
                        .arg(100 * v, 0, 'f', 2);
    }
    return s;
}

PlotSpec histograms(const DepthPicture& p, bool activations)
{
    const std::vector<Histogram>& layers = activations ? p.act : p.grad;
    PlotSpec spec;
    spec.name = activations ? QStringLiteral("depth-activations") : QStringLiteral("depth-gradients");
    spec.title = (activations ? QObject::tr("Activations: %1") : QObject::tr("Gradients: %1")).arg(normTitle(p.shape.norm));
    const double top = tallest(layers) * 1.08;
    const double reach = activations ? p.ranges.act : p.ranges.grad;
    for (int k = 0; k < int(layers.size()); ++k) {
        const Histogram& h = layers[std::size_t(k)];
        const LayerStatistics& st = p.stats[std::size_t(k)];
        const bool last = k + 1 == int(layers.size());
        Panel panel(last ? (activations ? QObject::tr("h_k") : QObject::tr("dL/dh_k")) : QString(),
                    QObject::tr("layer %1").arg(k));
        panel.xRange = std::pair(-reach * 1.02, reach * 1.02);
        panel.yRange = std::pair(0.0, top);
        panel.xZeroLine = true;
        panel.yTickCount = 2;  // a short panel: 0 and one more
        const QString what = activations ? QObject::tr("h_%1").arg(k) : QObject::tr("dL/dh_%1").arg(k);
        const QString stats = activations
            ? QObject::tr("std %1, sat %2 %").arg(st.act.std, 0, 'g', 2).arg(100 * st.saturated, 0, 'f', 1)
            : QObject::tr("std %1").arg(st.gradAct.std, 0, 'g', 2);
        Series body = bars(h, h.fraction, stats, activations ? kBlue : kGreen, what);
        panel.series.push_back(std::move(body));
        if (activations && p.shape.activation == Activation::Tanh)
        {
            panel.series.push_back(bars(h, h.saturated, QObject::tr("|h| > 0.97"), kVermillion, what));
            panel.series.back().inLegend = k == 0;  // once is enough
        }
        spec.panels.push_back(std::move(panel));
    }
    spec.caption = activations
        ? QObject::tr("Share of entries per bin, same axes in every\nlayer. Vermillion: saturated, |h| > 0.97.")
        : QObject::tr("Share of entries per bin, same axes in every\nlayer; beyond |mean| + 4 std: the end bins.");
    return spec;
}

void addRatioSeries(Panel& gradients, Panel& activations, const DepthPicture& p, const QString& suffix, bool dashed)
{
    Series gradStd(QObject::tr("std") + suffix, SeriesKind::Line, kGreen);
    Series gradMean(QObject::tr("|mean|") + suffix, SeriesKind::Line, kGrey);
    Series ratio(QObject::tr("grad:data") + suffix, SeriesKind::Line, kOrange);
    Series actStd(QObject::tr("std h") + suffix, SeriesKind::Line, kBlue);
    Series saturated(QObject::tr("saturated") + suffix, SeriesKind::Line, kVermillion);
    for (Series* s : {&gradStd, &gradMean, &ratio, &actStd, &saturated})
        s->dashed = dashed;
    for (int k = 0; k < int(p.stats.size()); ++k) {
        const LayerStatistics& st = p.stats[std::size_t(k)];
        if (k < p.shape.hidden) {
            gradStd.x.push_back(k);
            gradStd.y.push_back(st.gradAct.std);
            gradStd.labels << QObject::tr("layer %1: std(dL/dh) = %2").arg(k).arg(num(st.gradAct.std));
            // A mean that is 0 in exact math (below a batch norm) is rounding noise, far below its
            // std: left out, or it would stretch the log axis over fifteen decades.
            if (std::abs(st.gradAct.mean) > kNoise * st.gradAct.std) {
                gradMean.x.push_back(k);
                gradMean.y.push_back(std::abs(st.gradAct.mean));
                gradMean.labels << QObject::tr("layer %1: mean(dL/dh) = %2").arg(k).arg(num(st.gradAct.mean));
            }
            actStd.x.push_back(k);
            actStd.y.push_back(st.act.std);
            actStd.labels << QObject::tr("layer %1: std(h) = %2").arg(k).arg(num(st.act.std));
            saturated.x.push_back(k);
            saturated.y.push_back(st.saturated);
            saturated.labels << QObject::tr("layer %1: %2 % saturated").arg(k).arg(100 * st.saturated, 0, 'f', 2);
        }
        ratio.x.push_back(k);
        ratio.y.push_back(st.gradToData);
        ratio.labels << QObject::tr("layer %1%2: grad:data = %3")
                            .arg(k)
                            .arg(k == p.shape.hidden ? QObject::tr(" (output)") : QString())
                            .arg(num(st.gradToData));
    }
    gradients.series.push_back(std::move(gradStd));
    gradients.series.push_back(std::move(gradMean));
    gradients.series.push_back(std::move(ratio));
    activations.series.push_back(std::move(actStd));
    if (p.shape.activation == Activation::Tanh)
        activations.series.push_back(std::move(saturated));
}

}  // namespace

PlotSpec depthActivationsPlot(const DepthPicture& picture)
{
    return histograms(picture, true);
}

PlotSpec depthGradientsPlot(const DepthPicture& picture)
{
    return histograms(picture, false);
}

PlotSpec depthRatiosPlot(const DepthPicture& picture, const DepthPicture* compare)
{
    PlotSpec spec;
    spec.name = QStringLiteral("depth-ratios");
    spec.title = QObject::tr("Per layer");
    Panel gradients(QString(), QObject::tr("gradients"), false, true);  // the legend names each line
    gradients.integerX = true;
    Panel activations(QObject::tr("layer k (last: output)"), QObject::tr("activation"));
    activations.integerX = true;
    const QString self = compare ? QStringLiteral(", ") + normTitle(picture.shape.norm) : QString();
    addRatioSeries(gradients, activations, picture, self, false);
    if (compare)
        addRatioSeries(gradients, activations, *compare, QStringLiteral(", ") + normTitle(compare->shape.norm), true);
    if (compare)  // six long entries ("std, batch norm"): two to a row fit a laptop's column
        gradients.legendColumns = activations.legendColumns = 2;
    const double right = double(picture.stats.size()) - 0.5;
    gradients.xRange = activations.xRange = std::pair(-0.5, right);
    spec.panels = {std::move(gradients), std::move(activations)};
    spec.caption = QObject::tr("Healthy: flat lines. grad:data = std(dW_k) / std(W_k);\n|mean| below 1e-10 std "
                               "(rounding noise) not shown.");
    if (compare)
        spec.caption += QObject::tr("\nDashed: the same network with %1.").arg(normTitle(compare->shape.norm));
    return spec;
}

PlotSpec depthUpdatesPlot(const std::vector<DepthStep>& steps, int layerCount)
{
    PlotSpec spec;
    spec.name = QStringLiteral("depth-updates");
    spec.title = QObject::tr("update:data");
    Panel panel(QObject::tr("SGD step"), QObject::tr("update:data (log)"), false, true);
    panel.integerX = true;
    const int colours[] = {kBlue, kSky, kGreen, kOrange, kPurple, kVermillion};
    for (int k = 0; k < layerCount; ++k) {
        Series s(k + 1 == layerCount ? QObject::tr("W_%1 (output)").arg(k) : QObject::tr("W_%1").arg(k),
                 SeriesKind::Line, colours[k % 6]);
        s.markers = false;
        s.dashed = k >= 6;  // more layers than colours: the next six dashed
        for (std::size_t t = 0; t < steps.size(); ++t) {
            const double r = steps[t].updateToData[std::size_t(k)];
            if (r <= 0)
                continue;
            s.x.push_back(double(t));
            s.y.push_back(r);
            s.labels << QObject::tr("step %1, W_%2: %3").arg(t).arg(k).arg(num(r));
        }
        panel.series.push_back(std::move(s));
    }
    const double last = steps.empty() ? 1.0 : double(steps.size() - 1);
    panel.series.push_back(hline(QObject::tr("1e-3 guide"), 1e-3, kGrey, 0, std::max(1.0, last)));
    panel.series.back().dashed = true;
    if (steps.empty()) {  // the guide line in a frame around it
        panel.xRange = std::pair(0.0, 1.0);
        panel.yRange = std::pair(1e-5, 1e-1);
    }
    spec.panels.push_back(std::move(panel));
    spec.caption = steps.empty()
        ? QObject::tr("std(lr dW) / std(W) per SGD step: press Train.")
        : QObject::tr("std(lr dW) / std(W), %1 SGD steps. About 1e-3 is\nhealthy: far below, raise lr; far above, lower it.").arg(steps.size());
    return spec;
}

PlotSpec depthPlot(const QString& name, const DepthPicture& picture, const std::vector<DepthStep>& steps,
                   const DepthPicture* compare)
{
    if (name == QLatin1String("depth-activations"))
        return depthActivationsPlot(picture);
    if (name == QLatin1String("depth-gradients"))
        return depthGradientsPlot(picture);
    if (name == QLatin1String("depth-ratios"))
        return depthRatiosPlot(picture, compare);
    if (name == QLatin1String("depth-updates"))
        return depthUpdatesPlot(steps, int(picture.stats.size()));
    return {};
}

}  // namespace bnflow::ui
