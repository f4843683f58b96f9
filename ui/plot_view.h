// Shows one PlotSpec with zoom, pan and a hover tooltip giving the exact value under the mouse.
#pragma once

#include "plot_renderer.h"

#include <QWidget>

class QCPAxisRect;
class QCustomPlot;
class QMouseEvent;

namespace bnflow::ui {

class PlotView : public QWidget {
    Q_OBJECT
public:
    explicit PlotView(QWidget* parent = nullptr);

    void setSpec(const PlotSpec& spec, const PlotStyle& style);
    const PlotSpec& spec() const { return spec_; }
    QCustomPlot* plot() const { return plot_; }
    // The tooltip text for a point within a few pixels of pos (widget coordinates), or empty.
    QString labelAt(const QPoint& pos) const;

private:
    void showLabel(QMouseEvent* event);

    PlotSpec spec_;
    QCustomPlot* plot_ = nullptr;
    std::vector<QCPAxisRect*> rects_;
};

}  // namespace bnflow::ui
