#include <walkthrough/handout_page.h>

#include <document/display_settings.h>

#include <QApplication>
#include <QPainter>
#include <QTextDocument>

#include <algorithm>

namespace bnflow::ui::handout {

double drawText(QPainter& p, const QString& html, double y, double width, double pointSize)
{
    QTextDocument doc;
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
                    const std::function<bool(int, int)>& hidden)
{
    QString html = QStringLiteral("<table border='1' cellspacing='0' cellpadding='3'>");
    const int rows = int(std::min<Eigen::Index>(m.rows(), maxRows));
    for (int i = 0; i < rows; ++i) {
        html += QStringLiteral("<tr>");
        for (int j = 0; j < int(m.cols()); ++j)
            html += QStringLiteral("<td align='right'>%1</td>")
                        .arg(hidden && hidden(i, j) ? QStringLiteral("?") : display.format(m(i, j)));
        html += QStringLiteral("</tr>");
    }
    if (m.rows() > rows)
        html += QStringLiteral("<tr><td colspan='%1'>… %2 more rows</td></tr>").arg(m.cols()).arg(m.rows() - rows);
    return html + QStringLiteral("</table>");
}

}  // namespace bnflow::ui::handout
