// The terms plot of the family (plot_builders.h familyTermsPlot): one sample's row of the fused
// closed form for the per-sample layers, the N x L entries of one feature's channel for spatial
// batch norm, feature's column for training batch norm, each term scaled as in core/math/family.h FamilyFused. Numbers only arranged: every
// value is the family analysis's.
#include <plots/plot_builders.h>

#include <plots/plot_series.h>

namespace bnflow::ui {

using namespace detail;

namespace {

// The series names and the caption's formula, in the layer's own words.
struct TermsText {
    QString first, second, third, formula;
};

TermsText termsText(const Reduction& r)
{
    if (r.layer == Layer::RmsNorm)
        return {QStringLiteral("+ rrms * dxhat"), {}, QStringLiteral("- rrms * xhat * mean(dxhat * xhat)"),
                QStringLiteral("dx_ij = rrms_i * (dxhat_ij - xhat_ij * (1/D) sum_k dxhat_ik xhat_ik), "
                               "with dxhat = dout * gamma.")};
    if (r.layer == Layer::GroupNorm)
        return {QStringLiteral("+ scale * M * dxhat"), QStringLiteral("- scale * sum_g dxhat"),
                QStringLiteral("- scale * xhat * sum_g(dxhat * xhat)"),
                QStringLiteral("dx_ij = inv_std / M * (M dxhat_ij - sum_g dxhat - xhat_ij sum_g(dxhat xhat)), with "
                               "dxhat = dout * gamma.")};
    if (r.layer == Layer::BatchNorm)  // a channel's N x L entries (a column when L = 1)
        return {QStringLiteral("+ scale * NL * dxhat"), QStringLiteral("- scale * sum_c dxhat"),
                QStringLiteral("- scale * xhat * sum_c(dxhat * xhat)"),
                QStringLiteral("dx_ij = inv_std_c / (NL) * (NL dxhat_ij - sum_c dxhat - xhat_ij sum_c(dxhat xhat)), "
                               "the sums over channel c's N x L entries, with dxhat = dout * gamma_c.")};
    return {QStringLiteral("+ scale * D * dxhat"), QStringLiteral("- scale * sum dxhat"),
            QStringLiteral("- scale * xhat * sum(dxhat * xhat)"),
            QStringLiteral("dx_ij = inv_std_i / D * (D dxhat_ij - sum_k dxhat_ik - xhat_ij sum_k dxhat_ik xhat_ik), "
                           "with dxhat = dout * gamma.")};
}

// Training batch norm with a gamma per feature: feature j's column, the set of its statistics.
PlotSpec columnTermsPlot(const FamilyAnalysis& a, Eigen::Index j)
{
    const FamilyFused& t = a.fused;
    const Eigen::Index n = t.term1.rows();
    const double scale = t.scale(0, j);
    Series first{QStringLiteral("+ scale * N * dxhat"), SeriesKind::Bars, kOrange};
    Series second{QStringLiteral("- scale * sum dxhat"), SeriesKind::Bars, kSky};
    Series third{QStringLiteral("- scale * xhat * sum(dxhat * xhat)"), SeriesKind::Bars, kGreen};
    Series dx{QStringLiteral("dx = sum of the three"), SeriesKind::Points, kVermillion};
    QStringList ticks;
    for (Eigen::Index i = 0; i < n; ++i) {
        const double c1 = scale * t.term1(i, j), c2 = -scale * t.term2(0, j), c3 = -scale * t.term3(i, j);
        first.x.push_back(double(i) - 0.27);
        first.y.push_back(c1);
        second.x.push_back(double(i));
        second.y.push_back(c2);
        third.x.push_back(double(i) + 0.27);
        third.y.push_back(c3);
        dx.x.push_back(double(i));
        dx.y.push_back(t.dx(i, j));
        const QString where = elementLabel(i, j);
        first.labels << where + QStringLiteral("\nscale * term1 = %1").arg(num(c1));
        second.labels << where + QStringLiteral("\n-scale * term2 = %1").arg(num(c2));
        third.labels << where + QStringLiteral("\n-scale * term3 = %1").arg(num(c3));
        dx.labels << where + QStringLiteral("\ndx = %1").arg(num(t.dx(i, j)));
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

}  // namespace

PlotSpec familyTermsPlot(const FamilyAnalysis& a, Eigen::Index i, Eigen::Index feature)
{
    const Reduction& r = a.reduction;
    if (r.layer == Layer::BatchNorm && !r.eval && r.positions == 1)
        return columnTermsPlot(a, feature);
    const FamilyFused& t = a.fused;
    const bool centred = r.layer != Layer::RmsNorm;
    const TermsText text = termsText(r);
    const double width = centred ? 0.26 : 0.38;
    const double offset = centred ? 0.27 : 0.2;
    Series first{text.first, SeriesKind::Bars, kOrange};
    Series second{text.second, SeriesKind::Bars, kSky};
    Series third{text.third, SeriesKind::Bars, kGreen};
    Series dx{centred ? QStringLiteral("dx = sum of the three") : QStringLiteral("dx = sum of the two"),
              SeriesKind::Points, kVermillion};
    // The entries shown: sample i's row, or (spatial batch norm) the set of feature's channel.
    const bool channel = r.layer == Layer::BatchNorm;
    std::vector<std::pair<Eigen::Index, Eigen::Index>> cells;
    if (channel)
        cells = r.setCells(0, r.channelOf(feature));
    else
        for (Eigen::Index j = 0; j < r.features; ++j)
            cells.emplace_back(i, j);
    QStringList scales, ticks;
    for (std::size_t k = 0; k < cells.size(); ++k) {
        const auto [row, j] = cells[k];
        const Eigen::Index sr = r.statRow(row), sc = r.statCol(j);
        const double scale = t.scale(sr, sc);
        if (k == 0 || sc != r.statCol(cells[k - 1].second))  // group norm: one per group, short enough for a line
            scales << (r.layer == Layer::GroupNorm ? QString::number(scale, 'g', 6) : num(scale));
        ticks << (channel ? QStringLiteral("%1,%2").arg(row).arg(j) : QString::number(j));
        const double x = double(k);
        const double c1 = scale * t.term1(row, j), c3 = -scale * t.term3(row, j);
        const QString where = elementLabel(row, j);
        first.x.push_back(x - offset);
        first.y.push_back(c1);
        first.labels << where + QStringLiteral("\nscale * term1 = %1").arg(num(c1));
        if (centred) {
            const double c2 = -scale * t.term2(sr, sc);
            second.x.push_back(x);
            second.y.push_back(c2);
            second.labels << where + QStringLiteral("\n-scale * term2 = %1").arg(num(c2));
        }
        third.x.push_back(x + offset);
        third.y.push_back(c3);
        third.labels << where + QStringLiteral("\n-scale * term3 = %1").arg(num(c3));
        dx.x.push_back(x);
        dx.y.push_back(t.dx(row, j));
        dx.labels << where + QStringLiteral("\ndx = %1").arg(num(t.dx(row, j)));
    }
    for (Series* s : {&first, &second, &third})
        s->width = width;
    Panel panel = channel ? Panel{QStringLiteral("entry i,j of channel %1").arg(r.channelOf(feature)),
                                  QStringLiteral("contribution to dx[i][j]")}
                          : Panel{QStringLiteral("feature j"), QStringLiteral("contribution to dx[%1][j]").arg(i)};
    panel.xTickLabels = ticks;
    panel.series = centred ? std::vector<Series>{first, second, third, dx} : std::vector<Series>{first, third, dx};
    const std::string_view title = layerTitle(r.layer);
    const QString layer = QString::fromUtf8(title.data(), qsizetype(title.size()));
    const QString scaleText = r.layer == Layer::GroupNorm
        ? QStringLiteral("sum_g: over j's group (M = %1); scale = inv_std / M by group: %2")
              .arg(r.count())
              .arg(scales.size() <= 3 ? scales.join(QStringLiteral(", "))
                                      : scales.mid(0, 3).join(QStringLiteral(", ")) + QStringLiteral(", ..."))
        : r.layer == Layer::RmsNorm ? QStringLiteral("rrms = %1").arg(scales.join(QString()))
        : channel                   ? QStringLiteral("scale = inv_std / (NL) = %1").arg(scales.join(QString()))
                                    : QStringLiteral("scale = inv_std / D = %1").arg(scales.join(QString()));
    const QString which = channel ? QStringLiteral("channel %1 (spatial %2)").arg(r.channelOf(feature)).arg(layer)
                                  : QStringLiteral("sample %1 (%2)").arg(i).arg(layer);
    return {QStringLiteral("terms"),
            QStringLiteral("The %1 terms of the fused formula, %2")
                .arg(centred ? QStringLiteral("three") : QStringLiteral("two"), which),
            QStringLiteral("%1\n%2; the bars add up to dx.").arg(text.formula, scaleText),
            {panel}};
}

}  // namespace bnflow::ui
