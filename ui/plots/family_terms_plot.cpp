// The terms plot of the per-sample layers (plot_builders.h familyTermsPlot): one sample's row of
// the fused closed form, each term scaled as in core/math/family.h FamilyFused. Numbers only
// arranged: every value is the family analysis's.
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
    return {QStringLiteral("+ scale * D * dxhat"), QStringLiteral("- scale * sum dxhat"),
            QStringLiteral("- scale * xhat * sum(dxhat * xhat)"),
            QStringLiteral("dx_ij = inv_std_i / D * (D dxhat_ij - sum_k dxhat_ik - xhat_ij sum_k dxhat_ik xhat_ik), "
                           "with dxhat = dout * gamma.")};
}

}  // namespace

PlotSpec familyTermsPlot(const FamilyAnalysis& a, Eigen::Index i)
{
    const Reduction& r = a.reduction;
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
    QStringList scales;
    for (Eigen::Index j = 0; j < r.features; ++j) {
        const Eigen::Index sr = r.statRow(i), sc = r.statCol(j);
        const double scale = t.scale(sr, sc);
        if (j == 0 || sc != r.statCol(j - 1))  // group norm: one per group, short enough for a line
            scales << (r.layer == Layer::GroupNorm ? QString::number(scale, 'g', 6) : num(scale));
        const double c1 = scale * t.term1(i, j), c3 = -scale * t.term3(i, j);
        const QString where = elementLabel(i, j);
        first.x.push_back(double(j) - offset);
        first.y.push_back(c1);
        first.labels << where + QStringLiteral("\nscale * term1 = %1").arg(num(c1));
        if (centred) {
            const double c2 = -scale * t.term2(sr, sc);
            second.x.push_back(double(j));
            second.y.push_back(c2);
            second.labels << where + QStringLiteral("\n-scale * term2 = %1").arg(num(c2));
        }
        third.x.push_back(double(j) + offset);
        third.y.push_back(c3);
        third.labels << where + QStringLiteral("\n-scale * term3 = %1").arg(num(c3));
        dx.x.push_back(double(j));
        dx.y.push_back(t.dx(i, j));
        dx.labels << where + QStringLiteral("\ndx = %1").arg(num(t.dx(i, j)));
    }
    for (Series* s : {&first, &second, &third})
        s->width = width;
    Panel panel{QStringLiteral("feature j"), QStringLiteral("contribution to dx[%1][j]").arg(i)};
    panel.xTickLabels = featureTicks(r.features);
    panel.series = centred ? std::vector<Series>{first, second, third, dx} : std::vector<Series>{first, third, dx};
    const std::string_view title = layerTitle(r.layer);
    const QString layer = QString::fromUtf8(title.data(), qsizetype(title.size()));
    const QString scaleText = r.layer == Layer::GroupNorm
        ? QStringLiteral("sum_g: over j's group (M = %1); scale = inv_std / M by group: %2")
              .arg(r.count())
              .arg(scales.size() <= 3 ? scales.join(QStringLiteral(", "))
                                      : scales.mid(0, 3).join(QStringLiteral(", ")) + QStringLiteral(", ..."))
        : r.layer == Layer::RmsNorm ? QStringLiteral("rrms = %1").arg(scales.join(QString()))
                                    : QStringLiteral("scale = inv_std / D = %1").arg(scales.join(QString()));
    return {QStringLiteral("terms"),
            QStringLiteral("The %1 terms of the fused formula, sample %2 (%3)")
                .arg(centred ? QStringLiteral("three") : QStringLiteral("two"))
                .arg(i)
                .arg(layer),
            QStringLiteral("%1\n%2; the bars add up to dx.").arg(text.formula, scaleText),
            {panel}};
}

}  // namespace bnflow::ui
