// What a plot shows, as plain data: panels of series with their labels. Built from the
// document's Analysis and core results by plot_builders.h, drawn by plot_renderer.h, exported by
// plot_export.h. Tests read these numbers directly.
#pragma once

#include <QString>
#include <QStringList>

#include <optional>
#include <utility>
#include <vector>

namespace bnflow::ui {

enum class SeriesKind {
    Points,  // markers only
    Line,    // a line through (x, y), with markers
    Bars,    // bars at x of height y; `width` in x units
    Band,    // a filled band from low to high over x
    HLine,   // a horizontal reference line at y[0]
};

struct Series {
    Series() = default;
    Series(QString name_, SeriesKind kind_, int colour_)
        : name(std::move(name_)), kind(kind_), colour(colour_) {}

    QString name;                  // legend entry; empty: not in the legend
    SeriesKind kind = SeriesKind::Points;
    int colour = 0;                // index into the Okabe-Ito palette (plot_renderer.h)
    std::vector<double> x, y;      // y unused for Band
    std::vector<double> low, high; // Band only
    std::vector<double> exactY;    // when set: the CSV's y, the signed value of a drawn |y| (log axes)
    QStringList labels;            // per point, for the hover tooltip (optional)
    double width = 0.8;            // Bars only
    bool dashed = false;
    bool inLegend = true;          // false: explained by the caption instead (keeps legends short)
    bool markers = true;           // Line: a marker at every point (false: long curves, a line only)
};

// A matrix drawn as coloured cells on a diverging scale centred at 0, with symmetric limits
// and a colour bar (the Jacobian). Row 0 is at the top, as in the matrix.
struct Heatmap {
    int rows = 0, cols = 0;
    std::vector<double> values;   // row-major, rows * cols
    QStringList rowLabels;        // per row: the y axis's ticks, the tooltip's names
    QStringList colLabels;        // per column: the x axis's ticks
    QString valueLabel;           // the colour bar's
    QString rowSymbol = QStringLiteral("y"), colSymbol = QStringLiteral("x");  // d y_a / d x_b in tooltips
    bool cellNumbers = false;     // each cell's value written in it (small matrices only)
    bool empty() const { return rows == 0 || cols == 0; }
    double at(int row, int col) const { return values[std::size_t(row) * std::size_t(cols) + std::size_t(col)]; }
};

struct Panel {
    Panel() = default;
    Panel(QString x, QString y, bool logX_ = false, bool logY_ = false)
        : xLabel(std::move(x)), yLabel(std::move(y)), logX(logX_), logY(logY_) {}

    QString xLabel, yLabel;
    bool logX = false, logY = false;
    bool xZeroLine = false;        // a line at x = 0 (for scatters of signed values, not indices)
    bool integerX = false;         // x counts something (an element index): ticks at whole numbers only
    QStringList xTickLabels;       // when set: text ticks at x = 0, 1, 2, ...
    // When set, the axis shows exactly this range instead of one fitted to the data: panels that
    // must compare at a glance (the Depth tab's layers) share their axes.
    std::optional<std::pair<double, double>> xRange, yRange;
    int yTickCount = 0;            // > 0: about this many y ticks (a short panel), else the default
    int legendColumns = 3;         // entries per legend row (panels one above the other)
    std::vector<Series> series;
    Heatmap heatmap;               // when not empty: drawn instead of series (axes from its labels)
};

struct PlotSpec {
    QString name;     // "gradients", ...
    QString title;
    QString caption;  // under the plot; may hold '\n'
    std::vector<Panel> panels;
    bool sideBySide = false;  // panels in one row rather than one column
};

}  // namespace bnflow::ui
