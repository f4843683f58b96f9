// What both handouts (batch norm's, handout.cpp, and the family's, family_handout.cpp) draw a
// page with: A4 at kDpi with kMargin on the left, rich text in a column, and a quantity's values
// as an HTML table.
#pragma once

#include <core/model/types.h>

#include <QBuffer>
#include <QByteArray>
#include <QPainter>
#include <QPdfWriter>
#include <QString>

#include <functional>
#include <string_view>

namespace bnflow::ui {

class DisplaySettings;
class GraphView;

namespace handout {

constexpr int kDpi = 150;
constexpr double kMargin = 90;  // px at kDpi, about 15 mm

inline QString qs(std::string_view text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

// An A4 document at kDpi painted into memory: finish() writes it to `path` atomically, so that
// only a complete PDF reaches the disk.
class PdfPages {
public:
    explicit PdfPages(const QString& title);
    QPainter& painter() { return painter_; }
    void newPage() { pdf_.newPage(); }
    double columnWidth() const { return pdf_.width() - 2 * kMargin; }
    // The typeset formula (its SVG) at y, 1.6 times its size, no wider than the column; returns
    // the y below it (y itself when the SVG is not valid).
    double drawFormula(const QByteArray& svg, double y);
    // The graph at its current step across the page below y (10 mm margins), when 100 px or more
    // are left; returns the size (pt) of its smallest printed text, or 1e9 when it is not drawn.
    double drawGraph(GraphView& graph, double y);
    // false with a one-line message naming the file or the problem.
    bool finish(const QString& path, QString* error);

private:
    QByteArray bytes_;
    QBuffer buffer_;
    QPdfWriter pdf_;
    QPainter painter_;
};

// Draws rich text into a column of width `width` at y; returns the y below it.
double drawText(QPainter& p, const QString& html, double y, double width, double pointSize);

// The values as an HTML table of at most maxRows rows, headed "i=0", "i=1", ... down the side
// (more than one row) and "j=0", ... across the top (columnSymbol: "c" for channels, "g" for
// groups, empty for no column headers); a cell for which hidden(i, j) is true is "?" (the handout of a locked exercise must
// not give its answers away).
QString valuesTable(const Eigen::Map<const Matrix>& m, const DisplaySettings& display, int maxRows,
                    const std::function<bool(int, int)>& hidden = {}, const QString& columnSymbol = QStringLiteral("j"));

}  // namespace handout
}  // namespace bnflow::ui
