#include <walkthrough/handout_page.h>

#include <document/display_settings.h>
#include <files/atomic_write.h>
#include <walkthrough/graph_view.h>

#include <QApplication>
#include <QPainter>
#include <QSvgRenderer>
#include <QAbstractTextDocumentLayout>
#include <QTextDocument>

#include <algorithm>

namespace bnflow::ui::handout {

namespace {

QBuffer* openedBuffer(QBuffer* buffer, QByteArray* bytes)
{
    buffer->setBuffer(bytes);
    buffer->open(QIODevice::WriteOnly);
    return buffer;
}

}  // namespace

PdfPages::PdfPages(const QString& title) : pdf_(openedBuffer(&buffer_, &bytes_))
{
    pdf_.setPageSize(QPageSize(QPageSize::A4));
    pdf_.setResolution(kDpi);
    pdf_.setTitle(title);
    pdf_.setCreator(QStringLiteral("bnflow"));
    painter_.begin(&pdf_);
}

double PdfPages::drawFormula(const QByteArray& svg, double y)
{
    QSvgRenderer formula(svg);
    if (!formula.isValid())
        return y;
    QSizeF size = QSizeF(formula.defaultSize()) * 1.6;
    if (size.width() > columnWidth())
        size.scale(QSizeF(columnWidth(), size.height()), Qt::KeepAspectRatio);
    formula.render(&painter_, QRectF(QPointF(kMargin, y), size));
    return y + size.height() + 20;
}

double PdfPages::drawGraph(GraphView& graph, double y)
{
    const double height = pdf_.height() - kMargin - y;
    if (height <= 100)
        return 1e9;
    // From 10 mm to 10 mm: the graph is wider than the text column, so its text prints larger.
    return graph.print(&painter_, QRectF(kMargin / 1.5, y, pdf_.width() - kMargin / 0.75, height), kDpi);
}

bool PdfPages::finish(const QString& path, QString* error)
{
    if (!painter_.end() || bytes_.isEmpty()) {
        *error = files::writeError(path, QObject::tr("the PDF could not be rendered"));
        return false;
    }
    return files::writeFileAtomically(path, bytes_, error);
}

double drawText(QPainter& p, const QString& html, double y, double width, double pointSize)
{
    QTextDocument doc;
    // Laid out for the PDF's own resolution: against the screen's (96 dpi) a 9 pt table printed
    // at 150 dpi came out at 5.8 pt.
    doc.documentLayout()->setPaintDevice(p.device());
    QFont font = QApplication::font();
    font.setPointSizeF(pointSize);
    doc.setDefaultFont(font);
    doc.setTextWidth(width);
    doc.setHtml(html);
    p.save();
    p.translate(kMargin, y);
    doc.drawContents(&p);
    p.restore();
    return y + doc.size().height() + 12;
}

QString valuesTable(const Eigen::Map<const Matrix>& m, const DisplaySettings& display, int maxRows,
                    const std::function<bool(int, int)>& hidden, const QString& columnSymbol)
{
    QString html = QStringLiteral("<table border='1' cellspacing='0' cellpadding='3'>");
    const int rows = int(std::min<Eigen::Index>(m.rows(), maxRows));
    const bool rowHeaders = m.rows() > 1;
    if (!columnSymbol.isEmpty()) {
        html += QStringLiteral("<tr>");
        if (rowHeaders)
            html += QStringLiteral("<th></th>");
        for (int j = 0; j < int(m.cols()); ++j)
            html += QStringLiteral("<th>%1=%2</th>").arg(columnSymbol).arg(j);
        html += QStringLiteral("</tr>");
    }
    for (int i = 0; i < rows; ++i) {
        html += QStringLiteral("<tr>");
        if (rowHeaders)
            html += QStringLiteral("<th>i=%1</th>").arg(i);
        for (int j = 0; j < int(m.cols()); ++j)
            html += QStringLiteral("<td align='right'>%1</td>")
                        .arg(hidden && hidden(i, j) ? QStringLiteral("?") : display.format(m(i, j)));
        html += QStringLiteral("</tr>");
    }
    if (m.rows() > rows)
        html += QStringLiteral("<tr><td colspan='%1'>… %2 more rows</td></tr>").arg(m.cols() + (rowHeaders ? 1 : 0)).arg(m.rows() - rows);
    return html + QStringLiteral("</table>");
}

}  // namespace bnflow::ui::handout
