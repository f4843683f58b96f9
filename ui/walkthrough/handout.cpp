#include <walkthrough/handout.h>

#include <document/display_settings.h>
#include <document/session_document.h>
#include <walkthrough/formula_view.h>
#include <walkthrough/handout_page.h>
#include <walkthrough/jacobian_page.h>
#include <walkthrough/graph_view.h>
#include <walkthrough/walkthrough_state.h>

#include <core/teach/catalogue.h>

#include <QApplication>
#include <QPainter>
#include <QStyle>
#include <QTextDocument>

namespace bnflow::ui {
namespace {

using namespace handout;

// A quantity's values as an HTML table; the cells that exercise mode hides are "?".
QString tableHtml(const Matrix& m, const DisplaySettings& display, int maxRows = 12,
                  const Exercise* exercise = nullptr, std::string_view id = {})
{
    return handout::valuesTable(Eigen::Map<const Matrix>(m.data(), m.rows(), m.cols()), display, maxRows,
                                [&](int i, int j) { return exercise && exercise->isHidden(id, i, j); });
}

}  // namespace

QString handoutCoverHtml(const Session& s, const DisplaySettings& display, const QString& numbers)
{
    const QString dout = s.doutSeed ? QObject::tr("standard normal from seed %1").arg(*s.doutSeed)
                                    : QObject::tr("as given");
    return QObject::tr("<p>The batch x: %1 samples (rows) by %2 features (columns); eps = %3. "
                       "Each following page is one step of the derivation, with the numbers "
                       "of %4.</p>").arg(s.samples()).arg(s.features()).arg(s.eps).arg(numbers) +
           QObject::tr("<p>x:</p>") + tableHtml(s.x, display, 14) +
           QObject::tr("<p>dout = df/dy, the gradient given to the backward pass (%1):</p>").arg(dout) +
           tableHtml(s.dout, display, 14) +
           QObject::tr("<p>gamma:</p>") + tableHtml(s.gamma, display) +
           QObject::tr("<p>beta:</p>") + tableHtml(s.beta, display);
}

bool writeHandout(const SessionDocument& document, const DisplaySettings& display, HandoutFocus focus,
                  const QString& path, QString* error, double* graphTextPoints)
{
    if (document.family())  // another layer: its own step list
        return writeFamilyHandout(document, display, focus, path, error, graphTextPoints);
    const Analysis* a = document.analysis();
    if (!a) {
        *error = QObject::tr("the session cannot be computed: %1")
                     .arg(document.whyNoAnalysis());
        return false;
    }
    const Session& s = document.session();
    const int j = std::clamp(focus.feature, 0, int(s.features()) - 1);
    PdfPages pages(QStringLiteral("bnflow handout"));
    QPainter& painter = pages.painter();
    const double width = pages.columnWidth();

    // Cover.
    double y = kMargin;
    const QString title = s.title.empty() ? QObject::tr("Batch normalization, step by step") : QString::fromStdString(s.title);
    y = drawText(painter, QStringLiteral("<h1>%1</h1>").arg(title.toHtmlEscaped()), y, width, 12);
    if (!s.notes.empty())
        y = drawText(painter, QString::fromStdString(s.notes).toHtmlEscaped(), y, width, 11);
    drawText(painter, handoutCoverHtml(s, display, QObject::tr("feature %1").arg(j)), y, width, 10);

    // One page per step, the graph drawn in print colours.
    WalkthroughState state;
    state.setFeature(j);
    GraphView graph(&document, &state, &display);
    graph.setPalette(QApplication::style()->standardPalette());
    const auto& all = steps();
    double smallestGraphText = 1e9;
    for (std::size_t k = 0; k < all.size(); ++k) {
        pages.newPage();
        state.setStep(int(k));
        const Step& step = all[k];
        y = kMargin;
        const QString name = QString::fromStdString(labelWithSymbol(step.output()));
        y = drawText(painter, QObject::tr("<h2>Step %1 of %2: %3</h2>").arg(k + 1).arg(all.size()).arg(name.toHtmlEscaped()),
                     y, width, 12);
        y = pages.drawFormula(FormulaView::svgFor(FormulaView::keyFor(layerSpec(s.norm, s.features()), step.id), Qt::black), y);
        y = drawText(painter, qs(step.meaning).toHtmlEscaped(), y, width, 11);
        y = drawText(painter, QStringLiteral("<i>%1</i>").arg(QString::fromStdString(pluggedIn(step, s, *a, j)).toHtmlEscaped()),
                     y, width, 10);
        y = drawText(painter, tableHtml(valueOf(step.id, s, *a), display, 12, &s.exercise, step.id), y, width, 9);
        smallestGraphText = std::min(smallestGraphText, pages.drawGraph(graph, y));
    }
    drawJacobianPage(pages, s, a->staged.dx, {j, focus.sample});
    if (graphTextPoints)
        *graphTextPoints = smallestGraphText;
    return pages.finish(path, error);
}

}  // namespace bnflow::ui
