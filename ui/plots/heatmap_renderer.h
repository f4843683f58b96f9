// Draws a Heatmap (plot_spec.h) into an axis rect of a QCustomPlot: a colour map on a diverging
// scale (blue below 0, red above, the background colour at 0) with symmetric limits, text ticks
// from the labels, and a colour bar; plot_renderer.h places it.
#pragma once

#include <plots/plot_renderer.h>

class QCPColorScale;

namespace bnflow::ui {

// Adds the map to `rect` and returns the colour bar, not yet in a layout.
QCPColorScale* renderHeatmap(QCPAxisRect* rect, const Heatmap& map, const PlotStyle& style);

// The hover text of one cell: "d y[1,0] / d x[2,0] = -0.4123..." and where it is.
QString heatmapCellLabel(const Heatmap& map, int row, int col);

// The symmetric limit of the colour scale: max |value| (1 when every value is 0).
double heatmapLimit(const Heatmap& map);

}  // namespace bnflow::ui
