#include "plot_view.h"

#include <qcustomplot.h>

#include <QToolTip>
#include <QVBoxLayout>

namespace bnflow::ui {

PlotView::PlotView(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    setMinimumSize(420, 320);
}

void PlotView::setSpec(const PlotSpec& spec, const PlotStyle& style)
{
    // A fresh plot each time: QCustomPlot's layout holds no state worth keeping between specs.
    spec_ = spec;
    delete plot_;
    plot_ = new QCustomPlot(this);
    plot_->setObjectName(QStringLiteral("plot"));
    layout()->addWidget(plot_);
    rects_ = renderPlot(plot_, spec_, style);
    connect(plot_, &QCustomPlot::mouseMove, this, &PlotView::showLabel);
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
        QToolTip::showText(event->globalPosition().toPoint(), text, plot_);
}

}  // namespace bnflow::ui
