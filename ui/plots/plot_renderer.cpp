#include <plots/plot_renderer.h>

#include <plots/heatmap_renderer.h>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace bnflow::ui {
namespace {

struct Colours {
    QColor background, foreground, grid, subGrid;
};

Colours colours(Theme theme)
{
    if (theme == Theme::Dark)
        return {QColor(30, 30, 32), QColor(230, 230, 230), QColor(75, 75, 80), QColor(50, 50, 54)};
    return {Qt::white, QColor(20, 20, 20), QColor(215, 215, 215), QColor(238, 238, 238)};
}

QFont font(int points, bool bold = false)
{
    QFont f(QStringLiteral("DejaVu Sans"));
    f.setPointSize(points);
    f.setBold(bold);
    return f;
}

void styleAxis(QCPAxis* axis, const Colours& c, const PlotStyle& style, bool logScale)
{
    axis->setBasePen(QPen(c.foreground, 1));
    axis->setTickPen(QPen(c.foreground, 1));
    axis->setSubTickPen(QPen(c.foreground, 1));
    axis->setTickLabelColor(c.foreground);
    axis->setLabelColor(c.foreground);
    axis->setTickLabelFont(font(style.fontPointSize + 1));
    axis->setLabelFont(font(style.fontPointSize + 2));
    axis->grid()->setPen(QPen(c.grid, 1, Qt::DotLine));
    axis->grid()->setZeroLinePen(QPen(c.foreground.darker(130), 1));
    axis->grid()->setSubGridPen(QPen(c.subGrid, 1, Qt::DotLine));
    if (logScale) {
        axis->setScaleType(QCPAxis::stLogarithmic);
        axis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
        axis->setNumberFormat(QStringLiteral("eb"));
        axis->setNumberPrecision(0);
        axis->grid()->setSubGridVisible(true);
    }
}

// Ticks of an axis that counts things: a step of a whole number (at least 1), so that no tick
// sits at element 2.5; sub-ticks only at the whole numbers between.
class IntegerTicker : public QCPAxisTicker {
protected:
    double getTickStep(const QCPRange& range) override
    {
        return std::max(1.0, std::ceil(QCPAxisTicker::getTickStep(range)));
    }
    int getSubTickCount(double tickStep) override
    {
        const int step = int(tickStep);
        return step <= 5 ? step - 1 : QCPAxisTicker::getSubTickCount(tickStep);
    }
};

QVector<double> vec(const std::vector<double>& v) { return QVector<double>(v.begin(), v.end()); }

void addSeries(const Series& s, QCPAxisRect* rect, QCPLegend* legend, const PlotStyle& style)
{
    QCPAxis* x = rect->axis(QCPAxis::atBottom);
    QCPAxis* y = rect->axis(QCPAxis::atLeft);
    QCustomPlot* plot = rect->parentPlot();
    const QColor colour = plotColour(s.colour, style.theme);
    QPen pen(colour, s.kind == SeriesKind::Points ? 1.5 : 2.5);
    if (s.dashed && s.kind != SeriesKind::Points)
        pen.setStyle(Qt::DashLine);
    QCPAbstractPlottable* named = nullptr;
    switch (s.kind) {
    case SeriesKind::Bars: {
        auto* bars = new QCPBars(x, y);
        bars->setData(vec(s.x), vec(s.y), true);
        bars->setWidth(s.width);
        QColor fill = colour;
        fill.setAlpha(210);
        bars->setBrush(fill);
        bars->setPen(QPen(colour.darker(120), 1));
        named = bars;
        break;
    }
    case SeriesKind::Band: {
        QCPGraph* lower = plot->addGraph(x, y);
        lower->setData(vec(s.x), vec(s.low), true);
        lower->setPen(Qt::NoPen);
        QCPGraph* upper = plot->addGraph(x, y);
        upper->setData(vec(s.x), vec(s.high), true);
        upper->setPen(Qt::NoPen);
        QColor fill = colour;
        fill.setAlpha(70);
        upper->setBrush(fill);
        upper->setChannelFillGraph(lower);
        named = upper;
        break;
    }
    default: {
        QCPGraph* graph = plot->addGraph(x, y);
        graph->setData(vec(s.x), vec(s.y), true);
        graph->setPen(pen);
        if (s.kind == SeriesKind::Points) {
            graph->setLineStyle(QCPGraph::lsNone);
            graph->setScatterStyle(QCPScatterStyle(s.dashed ? QCPScatterStyle::ssCircle : QCPScatterStyle::ssDisc,
                                                   QPen(colour, 1.5), s.dashed ? QBrush() : QBrush(colour), 8));
        } else if (s.kind == SeriesKind::Line && s.x.size() > 2 && s.markers) {
            graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, colour, 7));
        }
        named = graph;
    }
    }
    named->setName(s.name);
    if (s.inLegend && !s.name.isEmpty() && !s.x.empty())  // an empty series ("exactly 0": none) says nothing
        named->addToLegend(legend);
}

// Fits the axes to the data with a margin; a log axis gets a quarter decade on each side.
void fitAxes(QCPAxisRect* rect, const Panel& panel)
{
    bool first = true;
    for (QCPAbstractPlottable* p : rect->plottables()) {
        p->rescaleAxes(!first);
        first = false;
    }
    for (QCPAxis* axis : {rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft)}) {
        const bool log = axis->scaleType() == QCPAxis::stLogarithmic;
        QCPRange r = axis->range();
        if (log)
            axis->setRange(r.lower / 1.8, r.upper * 1.8);
        else if (r.size() <= 0)
            axis->setRange(r.lower - 1, r.upper + 1);
        else
            axis->setRange(r.lower - 0.06 * r.size(), r.upper + 0.06 * r.size());
    }
    if (!panel.xTickLabels.isEmpty())
        rect->axis(QCPAxis::atBottom)->setRange(-0.6, panel.xTickLabels.size() - 0.4);
    // Nothing measured yet (reference lines only): show a plain, sensible frame.
    const bool empty = std::all_of(panel.series.begin(), panel.series.end(), [](const Series& s) {
        return s.kind == SeriesKind::HLine || s.x.empty();
    });
    if (empty) {
        rect->axis(QCPAxis::atBottom)->setRange(panel.logX ? QCPRange(10, 30000) : QCPRange(0, 1));
        rect->axis(QCPAxis::atLeft)->setRange(panel.logY ? QCPRange(0.1, 1e4) : QCPRange(0, 4));
    }
    if (panel.xRange)
        rect->axis(QCPAxis::atBottom)->setRange(panel.xRange->first, panel.xRange->second);
    if (panel.yRange)
        rect->axis(QCPAxis::atLeft)->setRange(panel.yRange->first, panel.yRange->second);
}

// Whether `next` can be drawn into the plot of `drawn` by refilling its plottables.
bool sameShape(const PlotSpec& drawn, const PlotSpec& next)
{
    if (drawn.title != next.title || drawn.panels.size() != next.panels.size() ||
        drawn.caption.isEmpty() != next.caption.isEmpty())
        return false;
    for (std::size_t p = 0; p < drawn.panels.size(); ++p) {
        const Panel& a = drawn.panels[p];
        const Panel& b = next.panels[p];
        if (a.xLabel != b.xLabel || a.yLabel != b.yLabel || a.logX != b.logX || a.logY != b.logY ||
            a.xZeroLine != b.xZeroLine || a.integerX != b.integerX || a.xTickLabels != b.xTickLabels ||
            a.yTickCount != b.yTickCount || a.legendColumns != b.legendColumns ||
            a.series.size() != b.series.size())
            return false;
        for (std::size_t k = 0; k < a.series.size(); ++k) {
            const Series& u = a.series[k];
            const Series& v = b.series[k];
            const bool uListed = u.inLegend && !u.name.isEmpty() && !u.x.empty();
            const bool vListed = v.inLegend && !v.name.isEmpty() && !v.x.empty();
            if (u.kind != v.kind || u.colour != v.colour || u.dashed != v.dashed || u.markers != v.markers ||
                uListed != vListed || (u.kind == SeriesKind::Line && (u.x.size() > 2) != (v.x.size() > 2)))
                return false;
        }
    }
    return true;
}

}  // namespace

bool refillPlot(QCustomPlot* plot, const std::vector<QCPAxisRect*>& rects, const PlotSpec& drawn,
                const PlotSpec& spec, bool keepRanges)
{
    if (!sameShape(drawn, spec) || rects.size() != spec.panels.size())
        return false;
    int next = 0;  // plottables in the order addSeries() made them
    for (std::size_t p = 0; p < spec.panels.size(); ++p) {
        for (const Series& s : spec.panels[p].series) {
            QCPAbstractPlottable* named = nullptr;
            if (s.kind == SeriesKind::Bars) {
                auto* bars = qobject_cast<QCPBars*>(plot->plottable(next++));
                if (!bars)
                    return false;
                bars->setData(vec(s.x), vec(s.y), true);
                bars->setWidth(s.width);
                named = bars;
            } else if (s.kind == SeriesKind::Band) {
                auto* lower = qobject_cast<QCPGraph*>(plot->plottable(next++));
                auto* upper = qobject_cast<QCPGraph*>(plot->plottable(next++));
                if (!lower || !upper)
                    return false;
                lower->setData(vec(s.x), vec(s.low), true);
                upper->setData(vec(s.x), vec(s.high), true);
                named = upper;
            } else {
                auto* graph = qobject_cast<QCPGraph*>(plot->plottable(next++));
                if (!graph)
                    return false;
                graph->setData(vec(s.x), vec(s.y), true);
                named = graph;
            }
            named->setName(s.name);
        }
        if (!keepRanges)
            fitAxes(rects[p], spec.panels[p]);
    }
    if (!spec.caption.isEmpty() && spec.caption != drawn.caption) {
        QCPLayoutGrid* layout = plot->plotLayout();
        if (auto* caption = qobject_cast<QCPTextElement*>(layout->element(layout->rowCount() - 1, 0)))
            caption->setText(spec.caption);
    }
    plot->replot();
    return true;
}

// Text ticks at the integer x positions of `labels` that the axis shows, thinned to at most
// kMaxLabels so they never collide ("186,30" is about 45 px wide). Ticks sit at multiples of
// the step, so they stay put while panning.
void labelVisibleTicks(QCPAxis* axis, const QStringList& labels)
{
    constexpr int kMaxLabels = 12;
    auto ticker = axis->ticker().dynamicCast<QCPAxisTickerText>();
    if (!ticker)
        return;
    ticker->clear();
    // Clamped as doubles: zoomed far out, a range end does not fit in an int.
    const QCPRange r = axis->range();
    const double lower = std::max(0.0, std::ceil(r.lower));
    const double upper = std::min(double(labels.size() - 1), std::floor(r.upper));
    if (!(lower <= upper))
        return;
    const int first = int(lower), last = int(upper);
    const int visible = last - first + 1;
    const int step = (visible + kMaxLabels - 1) / kMaxLabels;
    for (int k = (first + step - 1) / step * step; k <= last; k += step)
        ticker->addTick(k, labels[k]);
}

QColor plotColour(int index, Theme theme)
{
    static const QColor okabeIto[] = {QColor(230, 159, 0),  QColor(86, 180, 233), QColor(0, 158, 115),
                                      QColor(240, 228, 66), QColor(0, 114, 178),  QColor(213, 94, 0),
                                      QColor(204, 121, 167), QColor(153, 153, 153)};
    QColor c = okabeIto[((index % 8) + 8) % 8];
    if (theme == Theme::Dark && index == 4)
        c = QColor(60, 150, 220);  // Okabe-Ito blue, lifted so it reads on a dark background
    return c;
}

std::vector<QCPAxisRect*> renderPlot(QCustomPlot* plot, const PlotSpec& spec, const PlotStyle& style)
{
    const Colours c = colours(style.theme);
    plot->setAutoAddPlottableToLegend(false);
    plot->plotLayout()->clear();
    plot->setBackground(c.background);
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    QCPLayoutGrid* layout = plot->plotLayout();
    int row = 0;
    auto* title = new QCPTextElement(plot, spec.title, font(style.fontPointSize + 5, true));
    title->setTextColor(c.foreground);
    layout->addElement(row++, 0, title);

    std::vector<QCPAxisRect*> rects;
    // Side by side: one row of panels, each its own column of plot and legend.
    QCPLayoutGrid* columns = nullptr;
    if (spec.sideBySide) {
        columns = new QCPLayoutGrid;
        layout->addElement(row++, 0, columns);
        columns->setColumnSpacing(12);
    }
    for (std::size_t p = 0; p < spec.panels.size(); ++p) {
        const Panel& panel = spec.panels[p];
        QCPLayoutGrid* target = layout;
        int at = row;
        if (columns) {
            target = new QCPLayoutGrid;
            columns->addElement(0, int(p), target);
            // A matrix wants its cells square-ish: more width than a plot of points beside it.
            columns->setColumnStretchFactor(int(p), panel.heatmap.empty() ? 1.0 : 1.5);
            target->setRowSpacing(0);
            at = 0;
        }
        auto* rect = new QCPAxisRect(plot);
        rect->setBackground(c.background);
        styleAxis(rect->axis(QCPAxis::atBottom), c, style, panel.logX);
        styleAxis(rect->axis(QCPAxis::atLeft), c, style, panel.logY);
        if (panel.yTickCount > 0)
            rect->axis(QCPAxis::atLeft)->ticker()->setTickCount(panel.yTickCount);
        rect->axis(QCPAxis::atBottom)->setLabel(panel.xLabel);
        rect->axis(QCPAxis::atLeft)->setLabel(panel.yLabel);
        if (!panel.heatmap.empty()) {
            // The map and its colour bar in one row.
            auto* mapRow = new QCPLayoutGrid;
            target->addElement(at++, 0, mapRow);
            mapRow->addElement(0, 0, rect);
            mapRow->addElement(0, 1, renderHeatmap(rect, panel.heatmap, style));
            mapRow->setColumnStretchFactor(1, 0.001);
            rects.push_back(rect);
            if (!columns)
                row = at;
            continue;
        }
        target->addElement(at++, 0, rect);
        if (!panel.xZeroLine)
            rect->axis(QCPAxis::atBottom)->grid()->setZeroLinePen(Qt::NoPen);
        if (panel.integerX && !panel.logX && panel.xTickLabels.isEmpty())
            rect->axis(QCPAxis::atBottom)->setTicker(QSharedPointer<QCPAxisTicker>(new IntegerTicker));
        if (!panel.xTickLabels.isEmpty()) {
            QCPAxis* axis = rect->axis(QCPAxis::atBottom);
            axis->setTicker(QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText));
            // Labelled again on every zoom and pan, so zooming in shows every label in view.
            QObject::connect(axis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), axis,
                             [axis, labels = panel.xTickLabels] { labelVisibleTicks(axis, labels); });
        }
        auto* legend = new QCPLegend;
        target->addElement(at++, 0, legend);
        legend->setLayer(QStringLiteral("legend"));
        legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
        legend->setWrap(columns ? 1 : std::max(1, panel.legendColumns));
        legend->setBrush(c.background);
        legend->setBorderPen(Qt::NoPen);
        legend->setTextColor(c.foreground);
        legend->setFont(font(style.fontPointSize + 1));
        // The entry is as tall as its icon, and its text starts at the top: at the default 18 px
        // the underscore of "sum_i" (a row below the font's descent) fell outside and was
        // clipped. An icon a little taller than the text keeps every glyph inside.
        legend->setIconSize(QSize(32, QFontMetrics(legend->font()).height() + 4));
        legend->setMargins(QMargins(12, 0, 12, 4));
        target->setRowStretchFactor(at - 1, 0.001);
        for (const Series& s : panel.series)
            addSeries(s, rect, legend, style);
        fitAxes(rect, panel);
        if (!panel.xTickLabels.isEmpty())
            labelVisibleTicks(rect->axis(QCPAxis::atBottom), panel.xTickLabels);
        rects.push_back(rect);
        if (!columns)
            row = at;
    }
    if (!spec.caption.isEmpty()) {
        auto* caption = new QCPTextElement(plot, spec.caption, font(style.fontPointSize));
        caption->setTextColor(c.foreground);
        caption->setTextFlags(Qt::AlignLeft | Qt::AlignVCenter);
        caption->setMargins(QMargins(12, 6, 12, 8));
        layout->addElement(row++, 0, caption);
    }
    layout->setRowStretchFactor(0, 0.001);
    if (!spec.caption.isEmpty())
        layout->setRowStretchFactor(row - 1, 0.001);
    // Panels share the left margin so their y axes line up.
    if (rects.size() > 1 && !columns) {
        auto* group = new QCPMarginGroup(plot);
        for (QCPAxisRect* rect : rects)
            rect->setMarginGroup(QCP::msLeft | QCP::msRight, group);
    }
    plot->replot();
    return rects;
}

}  // namespace bnflow::ui
