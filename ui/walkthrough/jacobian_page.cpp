#include <walkthrough/jacobian_page.h>

#include <plots/jacobian_plot.h>
#include <plots/plot_export.h>

namespace bnflow::ui::handout {

void drawJacobianPage(PdfPages& pages, const Session& session, const Matrix& stagedDx, HandoutFocus focus)
{
    if (session.exercise.hidesAnything())
        return;
    pages.newPage();
    QPainter& painter = pages.painter();
    const double width = pages.columnWidth();
    double y = kMargin;
    y = drawText(painter, QObject::tr("<h2>The Jacobian of the set</h2>"
                                      "<p>Every y of a set depends on every x of it, through the mean and the "
                                      "variance. The heatmap is dy_a/dx_b (rows y, columns x; blue negative, red "
                                      "positive), the points its eigenvalues. The shift 1 of the whole set is in its "
                                      "null space: dx sums to 0 over the set. The scaling xhat nearly is: its "
                                      "eigenvalue is gamma s eps / (var + eps), 0 as eps &rarr; 0.</p>"),
                 y, width, 11);
    const Eigen::Index m = session.validate().empty() ? jacobianSize(session, focus.feature, focus.sample) : 0;
    if (m > kMaxHandoutJacobian) {
        drawText(painter, QObject::tr("<p>This set has M = %1 elements: its %1 x %1 Jacobian is too large for a "
                                      "page. The Jacobian view of the Plots tab shows it, or choose a smaller "
                                      "set or batch.</p>").arg(m),
                 y, width, 10);
        return;
    }
    const PlotSpec spec = jacobianPlot(session, stagedDx, focus.feature, focus.sample);
    if (spec.panels.empty()) {
        drawText(painter, spec.caption.toHtmlEscaped(), y, width, 10);
        return;
    }
    // Vectors (SVG), laid out at 760 x 600 px and scaled to the column (1.39 times): the
    // caption and the cell numbers (10 pt on screen) print at 8.9 pt, the ticks at 9.8.
    const QByteArray svg = renderPlotBytes(spec, ImageFormat::Svg, {760, 600, 96}, {});
    pages.drawFormula(svg, y);
}

}  // namespace bnflow::ui::handout
