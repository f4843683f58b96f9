// The handout of the normalization family (handout.h): the same cover and page layout as batch
// norm's, with the layer's own step list, its typeset formulas and numbers per set.
#include <walkthrough/handout.h>

#include <walkthrough/formula_view.h>
#include <walkthrough/graph_view.h>
#include <walkthrough/handout_page.h>
#include <walkthrough/jacobian_page.h>
#include <walkthrough/walkthrough_state.h>

#include <document/display_settings.h>
#include <document/session_document.h>

#include <core/teach/family_catalogue.h>
#include <core/teach/family_report.h>

#include <QApplication>
#include <QPainter>
#include <QStyle>
#include <QTextDocument>

#include <algorithm>

namespace bnflow::ui {
namespace {

using namespace handout;

// A quantity's values as an HTML table; what exercise mode hides is "?" (a per-set statistic
// is hidden whole when any of it is), as in batch norm's handout.
QString valuesHtml(const Eigen::Map<const Matrix>& m, const DisplaySettings& display, int maxRows = 12,
                   const Exercise* exercise = nullptr, std::string_view id = {},
                   const QString& columnSymbol = QStringLiteral("j"))
{
    const auto hidden = [&](int i, int j) {
        if (!exercise)
            return false;
        switch (familyShape(id)) {
        case FamilyShape::PerSet: return exercise->hidesAny(id);
        case FamilyShape::PerFeature: return exercise->isHidden(id, 0, j);
        default: return exercise->isHidden(id, i, j);
        }
    };
    return handout::valuesTable(m, display, maxRows, hidden, columnSymbol);
}

// "one per sample (4 x 1)": the shape a statistic of this layer has.
QString statisticShape(const Reduction& r)
{
    const QString shape = QStringLiteral("%1 x %2").arg(r.statRows()).arg(r.statCols());
    switch (r.layer) {
    case Layer::BatchNorm:
        return r.positions > 1 ? QObject::tr("one per channel (%1)").arg(shape)
                               : QObject::tr("one per feature (%1)").arg(shape);
    case Layer::GroupNorm: return QObject::tr("one per sample and group (%1)").arg(shape);
    case Layer::LayerNorm:
    case Layer::RmsNorm: return QObject::tr("one per sample (%1)").arg(shape);
    }
    return {};
}

}  // namespace

QString layerHtml(const Session& s, const DisplaySettings& display)
{
    const NormConfig& n = s.norm;
    const Layer layer = n.layerOrDefault();
    QStringList keys{QStringLiteral("\"layer\": \"%1\"").arg(qs(layerName(layer)))};
    if (n.groups)
        keys << QStringLiteral("\"groups\": %1").arg(*n.groups);
    if (n.channels)
        keys << QStringLiteral("\"channels\": %1").arg(*n.channels);
    if (n.mode)
        keys << QStringLiteral("\"mode\": \"%1\"").arg(qs(modeName(*n.mode)));
    if (n.convention || n.updatesRunning())
        keys << QStringLiteral("\"convention\": \"%1\"").arg(qs(conventionName(n.conventionOrDefault())));
    if (n.momentum || n.updatesRunning())
        keys << QStringLiteral("\"momentum\": %1%2").arg(display.format(n.momentumOrDefault()),
                                                        n.momentum ? QString() : QObject::tr(" (the convention's default)"));
    const Eigen::Index positions = n.positions(s.features());
    QString title = qs(layerSpec(n, s.features()).title);
    if (positions > 1)
        title += QObject::tr(", %1 channels of L = %2 positions").arg(s.features() / positions).arg(positions);
    if (layer == Layer::GroupNorm && n.groups)
        title += QObject::tr(" with G = %1 groups of %2 consecutive features").arg(*n.groups).arg(s.features() / *n.groups);
    QString html = QObject::tr("<p><b>Layer: %1</b></p><p>Its keys: %2</p>")
                       .arg(title.toHtmlEscaped(), keys.join(QStringLiteral(", ")).toHtmlEscaped());
    if (n.runningMean)
        html += QObject::tr("<p>running_mean:</p>") + valuesHtml(Eigen::Map<const Matrix>(n.runningMean->data(), 1, n.runningMean->size()), display);
    if (n.runningVar)
        html += QObject::tr("<p>running_var:</p>") + valuesHtml(Eigen::Map<const Matrix>(n.runningVar->data(), 1, n.runningVar->size()), display);
    return html;
}

bool writeFamilyHandout(const SessionDocument& document, const DisplaySettings& display, HandoutFocus focus,
                        const QString& path, QString* error, double* graphTextPoints)
{
    const Session& s = document.session();
    const FamilyAnalysis* analysis = document.analysis();
    if (!analysis) {
        *error = QObject::tr("the session cannot be computed: %1").arg(document.whyNoAnalysis());
        return false;
    }
    const FamilyAnalysis& a = *analysis;
    const int j = std::clamp(focus.feature, 0, int(s.features()) - 1);
    const int i = std::clamp(focus.sample, 0, int(s.samples()) - 1);
    PdfPages pages(QStringLiteral("bnflow handout"));
    QPainter& painter = pages.painter();
    const double width = pages.columnWidth();
    const Reduction& r = a.reduction;
    const QString layer = qs(layerSpec(r).title);

    double y = kMargin;
    const QString title = s.title.empty() ? QObject::tr("%1, step by step").arg(layer) : QString::fromStdString(s.title);
    y = drawText(painter, QStringLiteral("<h1>%1</h1>").arg(title.toHtmlEscaped()), y, width, 12);
    if (!s.notes.empty())
        y = drawText(painter, QString::fromStdString(s.notes).toHtmlEscaped(), y, width, 11);
    y = drawText(painter, layerHtml(s, display) +
                              QObject::tr("<p>Statistics (mean, var, ...) are %1; each is shared by %2 elements "
                                          "(M = %2). %3</p>")
                                  .arg(statisticShape(r)).arg(r.count())
                                  .arg(r.positions > 1 ? QObject::tr("gamma and beta are one per channel.")
                                                       : QObject::tr("gamma and beta stay one per feature.")),
                 y, width, 10);
    const QString numbers = r.eval && r.positions == 1 ? QObject::tr("feature %1").arg(j)
                                   : QObject::tr("the set %1").arg(qs(r.setName(r.statRow(i), r.statCol(j))));
    drawText(painter, handoutCoverHtml(s, display, numbers), y, width, 10);

    const LayerSpec& spec = layerSpec(r);
    const auto& all = steps(spec);
    // The layer's graph under each page's text, in print colours, as batch norm's handout.
    WalkthroughState state;
    state.setSteps(all);
    state.setFeature(j);
    state.setSample(i);
    GraphView graph(&document, &state, &display);
    graph.setPalette(QApplication::style()->standardPalette());
    double smallestGraphText = 1e9;
    for (std::size_t k = 0; k < all.size(); ++k) {
        pages.newPage();
        state.setStep(int(k));
        const Step& step = all[k];
        y = kMargin;
        const QString name = QString::fromStdString(labelWithSymbol(step.output()));
        y = drawText(painter, QObject::tr("<h2>Step %1 of %2: %3</h2><p>%4</p>")
                                  .arg(k + 1).arg(all.size()).arg(name.toHtmlEscaped(), layer.toHtmlEscaped()),
                     y, width, 12);
        // The layer's typeset formula (formulaKey(), family_formulas.inc), as batch norm's
        // handout draws its own; the plugged-in line below repeats it in symbols.
        y = pages.drawFormula(FormulaView::svgFor(qs(formulaKey(spec, step.id)), Qt::black), y);
        y = drawText(painter, qs(step.meaning).toHtmlEscaped(), y, width, 11);
        // The numbers of the set that holds x[i][j] (the family's pluggedIn, family_catalogue.h).
        const Eigen::Index setRow = r.statRow(i), setCol = r.statCol(j);
        y = drawText(painter, QStringLiteral("<i>%1: %2</i>")
                                  .arg(QString::fromStdString(r.setName(setRow, setCol)).toHtmlEscaped(),
                                       QString::fromStdString(pluggedIn(step, s, a, setRow, setCol,
                                                                        display.significantDigits()))
                                           .toHtmlEscaped()),
                     y, width, 10);
        // Columns are features, or a statistic's channels (c=) or groups (g=); a per-sample
        // statistic has one unnamed column.
        const auto values = familyValueOf(step.id, s, a);
        const QString columns = values.cols() == s.features() ? QStringLiteral("j")
                                : r.layer == Layer::GroupNorm  ? QStringLiteral("g")
                                : r.layer == Layer::BatchNorm  ? QStringLiteral("c")
                                                               : QString();  // one per sample
        y = drawText(painter, valuesHtml(values, display, 12, &s.exercise, step.id, columns), y, width, 9);
        smallestGraphText = std::min(smallestGraphText, pages.drawGraph(graph, y));
    }
    drawJacobianPage(pages, s, a.staged.dx, {j, i});
    if (graphTextPoints)
        *graphTextPoints = smallestGraphText;
    return pages.finish(path, error);
}

}  // namespace bnflow::ui
