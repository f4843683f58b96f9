// Saving a plot without a window: PNG (pixel size and DPI), PDF, SVG, and the CSV of the numbers
// behind it. Rendered completely in memory first, then written whole or not at all
// (files/atomic_write.h).
#pragma once

#include <plots/plot_renderer.h>

#include <QByteArray>

#include <optional>

namespace bnflow::ui {

enum class ImageFormat { Png, Pdf, Svg };

// From the file name's extension (case-insensitive); nullopt for anything else.
std::optional<ImageFormat> imageFormatFor(const QString& path);

// PNG: an image of exactly width x height pixels; dpi is stored in it and sets the scale of
// text and lines (at 192 dpi they are twice as many pixels as at 96, on the same image size).
// PDF: a page of width x height points. SVG: width x height px (user units at 96 dpi), text at
// the size it has in a 96 dpi PNG.
struct ExportSize {
    int width = 1200;
    int height = 800;
    int dpi = 96;       // PNG only
};

// Renders `spec` off screen and writes it. On failure returns false with a one-line message
// naming the file.
bool exportPlot(const PlotSpec& spec, const QString& path, const ExportSize& size,
                const PlotStyle& style, QString* error);

// The bytes exportPlot() would write; empty when rendering failed.
QByteArray renderPlotBytes(const PlotSpec& spec, ImageFormat format, const ExportSize& size,
                           const PlotStyle& style);

// One row per point: panel, series, x, y, low, high, label (RFC 4180 quoting). A heatmap's
// cells come first in its panel, one row each: series "row a", x = the column b, y = the value,
// the label "d y_a / d x_b = value". A series with exactY writes it as y (the signed
// eigenvalues of the jacobian plot, drawn as |lambda|).
QByteArray plotCsv(const PlotSpec& spec);
bool exportPlotCsv(const PlotSpec& spec, const QString& path, QString* error);

}  // namespace bnflow::ui
