// Draws a PlotSpec into a fresh QCustomPlot: a title, one axis rect per panel with its legend
// below it, and the caption. Okabe-Ito colours, readable in the light and the dark theme.
#pragma once

#include <document/display_settings.h>
#include <plots/plot_spec.h>

#include <vector>

class QCPAxis;
class QCPAxisRect;
class QCustomPlot;

namespace bnflow::ui {

// Okabe-Ito: orange, sky blue, bluish green, yellow, blue, vermillion, reddish purple, grey.
QColor plotColour(int index, Theme theme);

struct PlotStyle {
    Theme theme = Theme::Light;
    int fontPointSize = 10;  // tick labels; axis labels and the title are larger
};

// `plot` must be freshly constructed, or emptied of its plottables, items and layout (PlotView
// does). Returns the axis rect of each panel, in order.
std::vector<QCPAxisRect*> renderPlot(QCustomPlot* plot, const PlotSpec& spec, const PlotStyle& style);

// Text ticks at the integer positions of `labels` that the axis shows, thinned so they never
// collide; call again when the range changes.
void labelVisibleTicks(QCPAxis* axis, const QStringList& labels);

// A plot that renderPlot() drew from `drawn`, given the numbers of `spec` in place: the same
// panels with the same series (kinds, colours, legend entries), only their data, names and the
// caption changed, as on every step of a slider drag. The axes are fitted again unless
// keepRanges. false, and nothing changed, when the shapes differ: draw it with renderPlot().
bool refillPlot(QCustomPlot* plot, const std::vector<QCPAxisRect*>& rects, const PlotSpec& drawn,
                const PlotSpec& spec, bool keepRanges);

}  // namespace bnflow::ui
