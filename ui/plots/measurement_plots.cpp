// The plots of measurements: the gradient check, the h sweep and the timings.
#include <plots/plot_builders.h>

#include <plots/plot_series.h>

#include <core/math/bandwidth.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace bnflow::ui {

using namespace detail;

PlotSpec gradcheckPlot(const GradCheckReport& r)
{
    const bool f32 = r.dtype == Dtype::F32;
    const QString title = QStringLiteral("Gradient check, %1, h = %2")
                              .arg(f32 ? "float32" : "float64").arg(r.h, 0, 'g', 3);
    Panel scatter{QStringLiteral("analytic dx (fused backward)"),
                  QStringLiteral("numerical dx (central differences)")};
    scatter.xZeroLine = true;
    Panel errors{QStringLiteral("element k = feature * N + sample"),
                 QStringLiteral("relative error (log scale)"), false, true};
    errors.integerX = true;
    if (!r.ok()) {  // an overflow is a message, never a plotted number or a pass
        const QString why = r.problem ? QString::fromStdString(formatProblem(*r.problem))
                                      : QStringLiteral("cancelled");
        return {QStringLiteral("gradcheck"), title,
                QStringLiteral("No check: %1.\nNothing is plotted.").arg(why), {scatter, errors}};
    }

    // Only the entries checked: all of dx, or a seeded sample of a large batch.
    Series points{QStringLiteral("one element of dx"), SeriesKind::Points, kBlue};
    std::vector<double> rel, index;
    QStringList relLabels;
    const Eigen::Index n = r.numericDx.rows();
    for (const Eigen::Index k : r.checkedDx) {
        const Eigen::Index i = k % n, j = k / n;
        points.x.push_back(r.analyticDx(i, j));
        points.y.push_back(r.numericDx(i, j));
        points.labels << elementLabel(i, j) + QStringLiteral("\nnumeric = %1\nanalytic = %2")
                                                  .arg(num(r.numericDx(i, j)), num(r.analyticDx(i, j)));
        rel.push_back(r.relErrorDx(i, j));
        index.push_back(double(k));
        relLabels << elementLabel(i, j) + QStringLiteral("\nrelative error = %1").arg(num(rel.back()));
    }
    scatter.series = {diagonal(points.x, points.y), points};

    const double floor = std::min(logFloor(rel), 1e-8);
    auto [positive, zero] = onLogAxis(rel, relLabels, QStringLiteral("relative error"),
                                      QStringLiteral("exactly 0, drawn at %1").arg(floor, 0, 'g', 2), floor);
    for (Series* s : {&positive, &zero})  // at the element's index k, not its place in the sample
        for (double& x : s->x)
            x = index[std::size_t(x)];
    errors.series = {positive, zero,
                     hline(QStringLiteral("1e-7: CS231n's pass threshold"), 1e-7, kPurple, 0,
                           double(std::max<Eigen::Index>(r.numericDx.size(), 2) - 1))};
    const QString sample = r.sampled
        ? QStringLiteral(" %1 of the %2 entries of dx checked, drawn at random: the full check "
                         "costs O(N^2 D).").arg(r.checkedDx.size()).arg(r.numericDx.size())
        : QString();
    return {QStringLiteral("gradcheck"), title,
            QStringLiteral("Relative error |a - b| / max(|a|, |b|): largest %1 (scaled by max |dx|: %2).%3\n"
                           "Entries of dx that are near 0 by chance have large relative errors at "
                           "the rounding floor.%4")
                .arg(r.maxRelDx, 0, 'g', 2).arg(r.scaledDx, 0, 'g', 2).arg(sample)
                .arg(f32 ? QStringLiteral(" float32 checks are unreliable.") : QString()),
            {scatter, errors}};
}

PlotSpec hsweepPlot(const std::vector<HSweepPoint>& f64, const std::vector<HSweepPoint>& f32)
{
    std::vector<double> all;
    for (const auto* sweep : {&f64, &f32})
        for (const HSweepPoint& p : *sweep)
            if (!p.overflow)
                all.push_back(p.scaledDx);
    const double floor = logFloor(all);
    QStringList overflows;  // said in the caption: an overflow is not a point at the floor
    const auto line = [floor, &overflows](const std::vector<HSweepPoint>& sweep, const QString& name, int colour) {
        Series s{name, SeriesKind::Line, colour};
        std::vector<double> lost;
        for (const HSweepPoint& p : sweep)
            if (p.overflow)
                lost.push_back(p.h);
        if (!lost.empty())
            overflows << QStringLiteral("%1 overflows at %2 of the %3 steps (h from %4 to %5): not drawn")
                             .arg(name).arg(lost.size()).arg(sweep.size())
                             .arg(num(*std::min_element(lost.begin(), lost.end())),
                                  num(*std::max_element(lost.begin(), lost.end())));
        for (const HSweepPoint& p : sweep) {
            if (p.overflow)
                continue;
            s.x.push_back(p.h);
            s.y.push_back(p.scaledDx > 0 ? p.scaledDx : floor);
            s.labels << QStringLiteral("h = %1\nmax |numeric - analytic| / max |dx| = %2\n"
                                       "max per-entry relative error = %3")
                            .arg(num(p.h), num(p.scaledDx), num(p.maxRelDx));
        }
        return s;
    };
    Panel panel{QStringLiteral("finite-difference step h"),
                QStringLiteral("max |numeric - analytic| / max |analytic| (dx)"), true, true};
    panel.series = {line(f64, QStringLiteral("float64"), kBlue), line(f32, QStringLiteral("float32"), kOrange),
                    hline(QStringLiteral("1e-7: CS231n's float64 threshold"), 1e-7, kPurple, 1e-10, 1e-1)};
    return {QStringLiteral("hsweep"), QStringLiteral("Gradient-check error against the step h"),
            QStringLiteral("Right of the minimum the truncation error of central differences grows like h^2;\n"
                           "left of it rounding in f grows like (machine epsilon) / h. float32 bottoms out "
                           "far higher than float64.")
                + (overflows.isEmpty() ? QString()
                                       : QStringLiteral("\nf = sum(y * dout) overflows: ") +
                                             overflows.join(QStringLiteral("; ")) + QLatin1Char('.')),
            {panel}};
}

namespace {

using TimingCurves = std::map<std::pair<int, int>, std::vector<const TimingPoint*>>;  // (dtype, variant)

// Achieved GB/s per timed curve against N, with one core's copy bandwidth and the bound a
// two-pass backward (x and dout read twice: s (5 N D + 4 D) bytes) would reach at copy speed,
// counted in the minimal bytes as the curves are.
Panel bandwidthPanel(const TimingCurves& byCurve, double copyGbps, double xMin, double xMax)
{
    Panel panel{QStringLiteral("batch size N (samples)"), QStringLiteral("GB/s achieved"), true, true};
    for (const auto& [key, curve] : byCurve) {
        const Dtype dtype = Dtype(key.first);
        const Variant variant = Variant(key.second);
        const QString name = QStringLiteral("%1 %2 GB/s").arg(QString::fromUtf8(dtypeName(dtype).data()),
                                                              QString::fromUtf8(variantName(variant).data()));
        Series rate{name, SeriesKind::Line, variant == Variant::Staged ? kVermillion : kBlue};
        rate.dashed = dtype == Dtype::F32;
        for (const TimingPoint* p : curve) {
            const std::int64_t bytes = backwardBytes(p->dtype, p->rows, p->cols);
            rate.x.push_back(double(p->rows));
            rate.y.push_back(gigabytesPerSecond(bytes, p->result.minUs * 1e-6));
            rate.labels << QStringLiteral("%1, %2 x %3\n%4 bytes in %5 µs (fastest): %6 GB/s")
                               .arg(name).arg(p->rows).arg(p->cols).arg(bytes)
                               .arg(num(p->result.minUs)).arg(rate.y.back(), 0, 'f', 2);
        }
        panel.series.push_back(rate);
    }
    if (copyGbps > 0 && !byCurve.empty()) {
        panel.series.push_back(hline(QStringLiteral("copy bandwidth, one core"), copyGbps, kGrey, xMin, xMax));
        Series bound{QStringLiteral("two-pass bound"), SeriesKind::Line, kPurple};
        bound.dashed = true;
        for (const TimingPoint* p : byCurve.begin()->second) {
            const double minimal = double(3 * p->rows * p->cols + 4 * p->cols);
            const double twoPass = double(5 * p->rows * p->cols + 4 * p->cols);
            bound.x.push_back(double(p->rows));
            bound.y.push_back(copyGbps * minimal / twoPass);
            bound.labels << QStringLiteral("N = %1: a two-pass backward at copy speed, %2 GB/s")
                                .arg(p->rows).arg(bound.y.back(), 0, 'f', 2);
        }
        panel.series.push_back(bound);
    }
    return panel;
}

}  // namespace

PlotSpec timingsPlot(const std::vector<TimingPoint>& points, const QString& machine, double copyGbps)
{
    Panel times{QStringLiteral("batch size N (samples)"), QStringLiteral("µs per call"), true, true};
    Panel speedup{QStringLiteral("batch size N (samples)"), QStringLiteral("staged / fused"),
                  true, false};
    TimingCurves byCurve;
    for (const TimingPoint& p : points)
        if (p.result.status == TimingResult::Status::Ok)
            byCurve[{int(p.dtype), int(p.variant)}].push_back(&p);
    for (const auto& [key, curve] : byCurve) {
        // Colour says the variant, a dashed line says float32.
        const Dtype dtype = Dtype(key.first);
        const Variant variant = Variant(key.second);
        const QString name = QStringLiteral("%1 %2").arg(QString::fromUtf8(dtypeName(dtype).data()),
                                                         QString::fromUtf8(variantName(variant).data()));
        const int colour = variant == Variant::Staged ? kVermillion : kBlue;
        Series band{name + QStringLiteral(" quartiles"), SeriesKind::Band, colour};
        Series median{name + QStringLiteral(" median"), SeriesKind::Line, colour};
        Series fastest{name + QStringLiteral(" min"), SeriesKind::Points, colour};
        band.inLegend = fastest.inLegend = false;
        median.dashed = dtype == Dtype::F32;
        fastest.dashed = true;
        for (const TimingPoint* p : curve) {
            const double n = double(p->rows);
            band.x.push_back(n);
            band.low.push_back(p->result.p25Us);
            band.high.push_back(p->result.p75Us);
            median.x.push_back(n);
            median.y.push_back(p->result.medianUs);
            fastest.x.push_back(n);
            fastest.y.push_back(p->result.minUs);
            const QString text = QStringLiteral("%1, %2 x %3\nmin %4 µs, median %5 µs\nquartiles %6 - %7 µs, %8 samples")
                                     .arg(name).arg(p->rows).arg(p->cols)
                                     .arg(num(p->result.minUs), num(p->result.medianUs),
                                          num(p->result.p25Us), num(p->result.p75Us))
                                     .arg(p->result.samples);
            median.labels << text;
            fastest.labels << text;
        }
        times.series.insert(times.series.begin(), band);
        times.series.push_back(median);
        times.series.push_back(fastest);
    }
    QStringList measured;
    double xMin = 16, xMax = 16384;
    for (const Dtype dtype : {Dtype::F64, Dtype::F32}) {
        const auto staged = byCurve.find({int(dtype), int(Variant::Staged)});
        const auto fused = byCurve.find({int(dtype), int(Variant::Fused)});
        if (staged == byCurve.end() || fused == byCurve.end())
            continue;
        const QString dn = QString::fromUtf8(dtypeName(dtype).data());
        const int colour = dtype == Dtype::F64 ? kGreen : kOrange;
        Series band{dn + QStringLiteral(" quartile range"), SeriesKind::Band, colour};
        Series ratio{dn + QStringLiteral(" median ratio"), SeriesKind::Line, colour};
        band.inLegend = false;
        ratio.dashed = dtype == Dtype::F32;
        const std::size_t count = std::min(staged->second.size(), fused->second.size());
        for (std::size_t k = 0; k < count; ++k) {
            const TimingResult& s = staged->second[k]->result;
            const TimingResult& f = fused->second[k]->result;
            const double n = double(staged->second[k]->rows);
            band.x.push_back(n);
            band.low.push_back(s.p25Us / f.p75Us);
            band.high.push_back(s.p75Us / f.p25Us);
            ratio.x.push_back(n);
            ratio.y.push_back(s.medianUs / f.medianUs);
            ratio.labels << QStringLiteral("%1, N = %2\nmedian staged / median fused = %3")
                                .arg(dn).arg(staged->second[k]->rows).arg(ratio.y.back(), 0, 'f', 3);
        }
        if (!ratio.y.empty()) {
            measured << QStringLiteral("%1 %2x to %3x").arg(dn)
                            .arg(*std::min_element(ratio.y.begin(), ratio.y.end()), 0, 'f', 2)
                            .arg(*std::max_element(ratio.y.begin(), ratio.y.end()), 0, 'f', 2);
            xMin = ratio.x.front();
            xMax = ratio.x.back();
        }
        speedup.series.push_back(band);
        speedup.series.push_back(ratio);
    }
    speedup.series.push_back(hline(QStringLiteral("3x: the speedup the original notes claim"), 3.0, kPurple, xMin, xMax));
    speedup.series.push_back(hline(QStringLiteral("no speedup"), 1.0, kGrey, xMin, xMax));
    const QString title = points.empty() ? QStringLiteral("Backward pass timings: not measured yet")
                                         : QStringLiteral("Backward pass timings, D = %1 features").arg(points.front().cols);
    // The caption says only what was measured: nothing before a run, "dashed" only when a
    // float32 curve is drawn.
    QString caption;
    if (!byCurve.empty()) {
        const bool anyF32 = std::any_of(byCurve.begin(), byCurve.end(),
                                        [](const auto& curve) { return Dtype(curve.first.first) == Dtype::F32; });
        caption = QStringLiteral("Measured on %1. Lines: median time per call; shaded: quartiles; open circles: "
                                 "fastest sample%2.")
                      .arg(machine, anyF32 ? QStringLiteral("; dashed: float32") : QString());
        if (!measured.isEmpty())
            caption += QStringLiteral("\nMeasured median speedup staged / fused: %1.").arg(measured.join(QStringLiteral("; ")));
    }
    Panel bandwidth = bandwidthPanel(byCurve, copyGbps, xMin, xMax);
    if (copyGbps > 0 && !byCurve.empty())
        caption += QStringLiteral("\nGB/s: the bytes a call must move, s (3 N D + 4 D), over its fastest time. One core copies %1 GB/s "
                                  "through memory (STREAM copy, measured after the timings);\na two-pass backward reads x and dout "
                                  "twice and at copy speed reaches the purple bound. Shapes that fit in the cache can beat both.")
                       .arg(copyGbps, 0, 'f', 1);
    return {QStringLiteral("timings"), title, caption,
            {times, speedup, bandwidth}};
}

}  // namespace bnflow::ui
