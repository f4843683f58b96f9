#include <plots/plot_view.h>

#include <plots/heatmap_renderer.h>

#include <qcustomplot.h>

#include <QApplication>
#include <QTimer>
#include <QToolTip>
#include <QVBoxLayout>

namespace bnflow::ui {

PlotView::PlotView(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    setMinimumSize(420, 320);
}

namespace {

// The same plot, drawn with the same axes: ranges the user chose still mean the same thing.
bool sameAxes(const PlotSpec& a, const PlotSpec& b)
{
    if (a.name != b.name || a.title != b.title || a.panels.size() != b.panels.size())
        return false;
    for (std::size_t p = 0; p < a.panels.size(); ++p) {
        const Panel& u = a.panels[p];
        const Panel& v = b.panels[p];
        if (u.xLabel != v.xLabel || u.yLabel != v.yLabel || u.logX != v.logX || u.logY != v.logY)
            return false;
    }
    return true;
}

}  // namespace

void PlotView::setSpec(const PlotSpec& spec, const PlotStyle& style)
{
    const bool keepRanges = zoomed_ && sameAxes(spec_, spec);
    // The same plot with new numbers (a slider's drag): refilled in place, much faster.
    if (plot_ && style.theme == style_.theme && style.fontPointSize == style_.fontPointSize &&
        spec.name == spec_.name && refillPlot(plot_, rects_, spec_, spec, keepRanges)) {
        spec_ = spec;
        zoomed_ = keepRanges;  // fitting the axes again moved them, but not by the user's hand
        return;
    }
    render(spec, style, keepRanges);
}

void PlotView::watchClicks()
{
    click_ = new QTimer(this);
    click_->setSingleShot(true);
    connect(click_, &QTimer::timeout, this, [this] { emit panelClicked(clickedPanel_); });
    connect(plot_, &QCustomPlot::mousePress, this, [this](QMouseEvent* event) {
        pressedAt_ = event->pos();
        doubleClicked_ = false;
    });
    connect(plot_, &QCustomPlot::mouseRelease, this, [this](QMouseEvent* event) {
        constexpr int kDragPixels = 4;
        if (event->button() != Qt::LeftButton || doubleClicked_ ||
            (event->pos() - pressedAt_).manhattanLength() > kDragPixels)
            return;
        clickedPanel_ = panelAt(event->pos());
        if (clickedPanel_ >= 0)
            click_->start(QApplication::doubleClickInterval());
    });
}

int PlotView::panelAt(const QPoint& pos) const
{
    for (std::size_t p = 0; p < rects_.size(); ++p)
        if (rects_[p]->rect().contains(pos))
            return int(p);
    return -1;
}

void PlotView::setHint(const QString& hint)
{
    hint_ = hint;
    if (plot_)
        plot_->setToolTip(hint);
}

void PlotView::resetZoom()
{
    render(spec_, style_, false);
}

void PlotView::render(const PlotSpec& spec, const PlotStyle& style, bool keepRanges)
{
    std::vector<std::pair<QCPRange, QCPRange>> ranges;
    if (keepRanges)
        for (QCPAxisRect* rect : rects_)
            ranges.emplace_back(rect->axis(QCPAxis::atBottom)->range(), rect->axis(QCPAxis::atLeft)->range());
    spec_ = spec;
    style_ = style;
    // One QCustomPlot for the view's life, emptied before each spec: a fresh widget would be laid
    // out and resized, and so drawn twice, on every edit (a slider drag redraws on every step).
    if (!plot_) {
        plot_ = new QCustomPlot(this);
        plot_->setObjectName(QStringLiteral("plot"));
        layout()->addWidget(plot_);
        connect(plot_, &QCustomPlot::mouseMove, this, &PlotView::showLabel);
        connect(plot_, &QCustomPlot::mouseDoubleClick, this, [this] {
            click_->stop();
            doubleClicked_ = true;
            // Not from inside QCustomPlot's own event handler, which must not see its plot redrawn.
            QMetaObject::invokeMethod(this, &PlotView::resetZoom, Qt::QueuedConnection);
        });
        plot_->setToolTip(hint_);
        watchClicks();
    } else {
        plot_->clearItems();
        plot_->clearPlottables();
        plot_->plotLayout()->clear();  // the axis rects, legends and texts of the previous spec
        qDeleteAll(plot_->findChildren<QCPMarginGroup*>(Qt::FindDirectChildrenOnly));
    }
    rects_ = renderPlot(plot_, spec_, style);
    for (std::size_t p = 0; p < ranges.size() && p < rects_.size(); ++p) {
        rects_[p]->axis(QCPAxis::atBottom)->setRange(ranges[p].first);
        rects_[p]->axis(QCPAxis::atLeft)->setRange(ranges[p].second);
    }
    if (!ranges.empty())
        plot_->replot();
    zoomed_ = !ranges.empty();
    // From here on, a range changes only by the user's wheel or drag.
    for (QCPAxisRect* rect : rects_)
        for (QCPAxis* axis : {rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft)})
            connect(axis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, [this] { zoomed_ = true; });
}

QString PlotView::labelAt(const QPoint& pos) const
{
    constexpr double kReachPixels = 10;
    QString best;
    double bestDistance = kReachPixels;
    for (std::size_t p = 0; p < rects_.size() && p < spec_.panels.size(); ++p) {
        QCPAxisRect* rect = rects_[p];
        if (!rect->rect().contains(pos))
            continue;
        const QCPAxis* x = rect->axis(QCPAxis::atBottom);
        const QCPAxis* y = rect->axis(QCPAxis::atLeft);
        if (const Heatmap& map = spec_.panels[p].heatmap; !map.empty()) {
            // The cell under the mouse, wherever in it.
            const double col = std::round(x->pixelToCoord(pos.x()));
            const double row = std::round(y->pixelToCoord(pos.y()));
            if (col >= 0 && row >= 0 && col < map.cols && row < map.rows)
                return heatmapCellLabel(map, int(row), int(col));
            continue;
        }
        for (const Series& s : spec_.panels[p].series) {
            const std::vector<double>& ys = s.kind == SeriesKind::Band ? s.high : s.y;
            for (std::size_t k = 0; k < std::size_t(s.labels.size()) && k < s.x.size() && k < ys.size(); ++k) {
                const QPointF at(x->coordToPixel(s.x[k]), y->coordToPixel(ys[k]));
                const double distance = std::hypot(at.x() - pos.x(), at.y() - pos.y());
                if (distance < bestDistance) {
                    bestDistance = distance;
                    best = s.labels[int(k)];
                }
            }
        }
    }
    return best;
}

void PlotView::showLabel(QMouseEvent* event)
{
    const QString text = labelAt(event->pos());
    if (text.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(event->globalPosition().toPoint(), hint_.isEmpty() ? text : text + QStringLiteral("\n\n") + hint_, plot_);
}

}  // namespace bnflow::ui
