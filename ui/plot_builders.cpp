#include "plot_builders.h"

#include "display_settings.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace bnflow::ui {
namespace {

// Okabe-Ito indices (plot_renderer.cpp): 0 orange, 1 sky blue, 2 green, 3 yellow, 4 blue,
// 5 vermillion, 6 purple, 7 grey.
constexpr int kOrange = 0, kSky = 1, kGreen = 2, kBlue = 4, kVermillion = 5, kPurple = 6, kGrey = 7;

QString num(double v) { return DisplaySettings::fullPrecision(v); }

QString elementLabel(Eigen::Index i, Eigen::Index j)
{
    return QStringLiteral("sample %1, feature %2").arg(i).arg(j);
}

Series hline(const QString& name, double y, int colour, double x0, double x1)
{
    Series s{name, SeriesKind::HLine, colour};
    s.x = {x0, x1};
    s.y = {y, y};
    s.dashed = true;
    return s;
}

// The y = x line over the range of both coordinates.
Series diagonal(const std::vector<double>& a, const std::vector<double>& b)
{
    double lo = 0, hi = 0;
    if (!a.empty()) {
        lo = std::min(*std::min_element(a.begin(), a.end()), *std::min_element(b.begin(), b.end()));
        hi = std::max(*std::max_element(a.begin(), a.end()), *std::max_element(b.begin(), b.end()));
    }
    Series s{QStringLiteral("y = x"), SeriesKind::Line, kGrey};
    s.x = {lo, hi};
    s.y = {lo, hi};
    s.dashed = true;
    return s;
}

// Element k = j * N + i: feature-major, so each feature's samples sit together.
std::vector<double> elements(const Matrix& m)
{
    return std::vector<double>(m.data(), m.data() + m.size());
}

QStringList elementLabels(const Matrix& m, const QString& what, const Matrix* other = nullptr,
                          const QString& otherWhat = {})
{
    QStringList labels;
    for (Eigen::Index j = 0; j < m.cols(); ++j)
        for (Eigen::Index i = 0; i < m.rows(); ++i) {
            QString text = elementLabel(i, j) + QStringLiteral("\n%1 = %2").arg(what, num(m(i, j)));
            if (other)
                text += QStringLiteral("\n%1 = %2").arg(otherWhat, num((*other)(i, j)));
            labels << text;
        }
    return labels;
}

// Splits values for a log axis: positive ones as they are, zeros at the floor.
std::pair<Series, Series> onLogAxis(const std::vector<double>& values, const QStringList& labels,
                                    const QString& name, const QString& zeroName, double floor)
{
    Series positive{name, SeriesKind::Points, kBlue};
    Series zero{zeroName, SeriesKind::Points, kVermillion};
    for (std::size_t k = 0; k < values.size(); ++k) {
        Series& s = values[k] > 0 ? positive : zero;
        s.x.push_back(double(k));
        s.y.push_back(values[k] > 0 ? values[k] : floor);
        s.labels << labels.value(int(k));
    }
    return {positive, zero};
}

QStringList featureTicks(Eigen::Index d)
{
    QStringList ticks;
    for (Eigen::Index j = 0; j < d; ++j)
        ticks << QString::number(j);
    return ticks;
}

}  // namespace

QStringList plotNames()
{
    return {QStringLiteral("gradients"), QStringLiteral("difference"), QStringLiteral("terms"),
            QStringLiteral("params"),    QStringLiteral("gradcheck"),  QStringLiteral("hsweep"),
            QStringLiteral("timings")};
}

QString plotDescription(const QString& name)
{
    static const std::map<QString, QString> descriptions{
        {QStringLiteral("gradients"), QStringLiteral("fused dx against staged dx, per element")},
        {QStringLiteral("difference"), QStringLiteral("|fused dx - staged dx| per element, log axis")},
        {QStringLiteral("terms"), QStringLiteral("the three terms of the fused formula, one feature")},
        {QStringLiteral("params"), QStringLiteral("dgamma and dbeta per feature")},
        {QStringLiteral("gradcheck"), QStringLiteral("numerical against analytic dx, relative error")},
        {QStringLiteral("hsweep"), QStringLiteral("gradient-check error as the step h shrinks")},
        {QStringLiteral("timings"), QStringLiteral("staged and fused backward timed over N, speedup")},
    };
    const auto it = descriptions.find(name);
    return it == descriptions.end() ? QString() : it->second;
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

PlotSpec gradientsPlot(const Analysis& a)
{
    const Matrix& fused = a.fused.grads.dx;
    const Matrix& staged = a.staged.dx;
    Series points{QStringLiteral("one element of dx"), SeriesKind::Points, kBlue};
    points.x = elements(staged);
    points.y = elements(fused);
    points.labels = elementLabels(fused, QStringLiteral("fused dx"), &staged, QStringLiteral("staged dx"));
    Panel panel{QStringLiteral("staged dx (chain rule, cell by cell)"),
                QStringLiteral("fused dx (closed form)")};
    panel.xZeroLine = true;
    panel.series = {diagonal(points.x, points.y), points};
    return {QStringLiteral("gradients"), QStringLiteral("Fused and staged backward agree: dx per element"),
            QStringLiteral("Each point is one entry dx[i][j]; on the dashed line y = x the two "
                           "backward passes agree.\nLargest |fused - staged| = %1: rounding only.")
                .arg(a.maxAbsDiffDx, 0, 'g', 3),
            {panel}};
}

PlotSpec differencePlot(const Analysis& a)
{
    const std::vector<double> diff = elements(a.absDiffDx);
    const double floor = logFloor(diff);
    const auto zeros = std::count(diff.begin(), diff.end(), 0.0);
    auto [positive, zero] = onLogAxis(diff, elementLabels(a.absDiffDx, QStringLiteral("|fused - staged|"),
                                                          &a.fused.grads.dx, QStringLiteral("fused dx")),
                                      QStringLiteral("|fused dx - staged dx|"),
                                      QStringLiteral("exactly 0, drawn at %1").arg(floor, 0, 'g', 2), floor);
    Panel panel{QStringLiteral("element k = feature * N + sample"),
                QStringLiteral("|fused dx - staged dx| (absolute, log scale)"), false, true};
    panel.series = {positive, zero};
    return {QStringLiteral("difference"), QStringLiteral("Fused minus staged dx: rounding-level differences"),
            QStringLiteral("Both passes compute the same formula in a different order; the differences are "
                           "floating-point rounding, not error.\n%1 of %2 entries are exactly 0: a log axis "
                           "cannot show 0, so they are drawn at %3.")
                .arg(zeros).arg(diff.size()).arg(floor, 0, 'g', 2),
            {panel}};
}

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

PlotSpec paramsPlot(const Analysis& a)
{
    const Gradients<double>& g = a.fused.grads;
    Series dgamma{QStringLiteral("dgamma = sum_i dout * xhat"), SeriesKind::Bars, kBlue};
    Series dbeta{QStringLiteral("dbeta = sum_i dout"), SeriesKind::Bars, kOrange};
    for (Eigen::Index j = 0; j < g.dgamma.size(); ++j) {
        dgamma.x.push_back(double(j) - 0.2);
        dgamma.y.push_back(g.dgamma(j));
        dgamma.labels << QStringLiteral("feature %1\ndgamma = %2").arg(j).arg(num(g.dgamma(j)));
        dbeta.x.push_back(double(j) + 0.2);
        dbeta.y.push_back(g.dbeta(j));
        dbeta.labels << QStringLiteral("feature %1\ndbeta = %2").arg(j).arg(num(g.dbeta(j)));
    }
    dgamma.width = dbeta.width = 0.38;
    Panel panel{QStringLiteral("feature j"), QStringLiteral("gradient of f (per unit of gamma, beta)")};
    panel.xTickLabels = featureTicks(g.dgamma.size());
    panel.series = {dgamma, dbeta};
    return {QStringLiteral("params"), QStringLiteral("Parameter gradients per feature"),
            QStringLiteral("dgamma and dbeta from the fused pass; |fused - staged| is at most %1 and %2.")
                .arg(a.maxAbsDiffDgamma, 0, 'g', 2).arg(a.maxAbsDiffDbeta, 0, 'g', 2),
            {panel}};
}

PlotSpec gradcheckPlot(const GradCheckReport& r)
{
    Series points{QStringLiteral("one element of dx"), SeriesKind::Points, kBlue};
    points.x = elements(r.analyticDx);
    points.y = elements(r.numericDx);
    points.labels = elementLabels(r.numericDx, QStringLiteral("numeric"), &r.analyticDx, QStringLiteral("analytic"));
    Panel scatter{QStringLiteral("analytic dx (fused backward)"),
                  QStringLiteral("numerical dx (central differences)")};
    scatter.xZeroLine = true;
    scatter.series = {diagonal(points.x, points.y), points};

    const std::vector<double> rel = elements(r.relErrorDx);
    const double floor = std::min(logFloor(rel), 1e-8);
    auto [positive, zero] = onLogAxis(rel, elementLabels(r.relErrorDx, QStringLiteral("relative error")),
                                      QStringLiteral("relative error"),
                                      QStringLiteral("exactly 0, drawn at %1").arg(floor, 0, 'g', 2), floor);
    Panel errors{QStringLiteral("element k = feature * N + sample"),
                 QStringLiteral("relative error (log scale)"), false, true};
    errors.series = {positive, zero,
                     hline(QStringLiteral("1e-7: CS231n's pass threshold"), 1e-7, kPurple, 0,
                           double(std::max<std::size_t>(rel.size(), 2) - 1))};
    const bool f32 = r.dtype == Dtype::F32;
    return {QStringLiteral("gradcheck"),
            QStringLiteral("Gradient check, %1, h = %2").arg(f32 ? "float32" : "float64").arg(r.h, 0, 'g', 3),
            QStringLiteral("Relative error |a - b| / max(|a|, |b|): largest %1 (scaled by max |dx|: %2).\n"
                           "Entries of dx that are near 0 by chance have large relative errors at "
                           "the rounding floor.%3")
                .arg(r.maxRelDx, 0, 'g', 2).arg(r.scaledDx, 0, 'g', 2)
                .arg(f32 ? QStringLiteral(" float32 checks are unreliable.") : QString()),
            {scatter, errors}};
}

PlotSpec hsweepPlot(const std::vector<HSweepPoint>& f64, const std::vector<HSweepPoint>& f32)
{
    std::vector<double> all;
    for (const auto* sweep : {&f64, &f32})
        for (const HSweepPoint& p : *sweep)
            all.push_back(p.scaledDx);
    const double floor = logFloor(all);
    const auto line = [floor](const std::vector<HSweepPoint>& sweep, const QString& name, int colour) {
        Series s{name, SeriesKind::Line, colour};
        for (const HSweepPoint& p : sweep) {
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
                           "far higher than float64."),
            {panel}};
}

PlotSpec timingsPlot(const std::vector<TimingPoint>& points, const QString& machine)
{
    Panel times{QStringLiteral("batch size N (samples)"), QStringLiteral("time per backward call (µs)"), true, true};
    Panel speedup{QStringLiteral("batch size N (samples)"), QStringLiteral("speedup (staged / fused)"),
                  true, false};
    std::map<std::pair<int, int>, std::vector<const TimingPoint*>> byCurve;  // (dtype, variant)
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
    speedup.series.push_back(hline(QStringLiteral("the seed's one-off \"3x\""), 3.0, kPurple, xMin, xMax));
    speedup.series.push_back(hline(QStringLiteral("no speedup"), 1.0, kGrey, xMin, xMax));
    const Eigen::Index d = points.empty() ? 0 : points.front().cols;
    return {QStringLiteral("timings"), QStringLiteral("Backward pass timings, D = %1 features").arg(d),
            QStringLiteral("Measured on %1. Lines: median time per call; shaded: quartiles; open circles: "
                           "fastest sample; dashed: float32.\nMeasured median speedup staged / fused: %2.")
                .arg(machine, measured.isEmpty() ? QStringLiteral("not measured yet") : measured.join(QStringLiteral("; "))),
            {times, speedup}};
}

}  // namespace bnflow::ui

namespace bnflow::ui {

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
    if (name == QLatin1String("gradcheck"))
        return gradcheckPlot(gradientCheck(session, options.h, Dtype::F64));
    if (name == QLatin1String("hsweep"))
        return hsweepPlot(gradCheckSweep(session, hsweepSteps(), Dtype::F64),
                          gradCheckSweep(session, hsweepSteps(), Dtype::F32));
    return {};
}

}  // namespace bnflow::ui
