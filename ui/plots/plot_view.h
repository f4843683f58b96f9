// Shows one PlotSpec with zoom (wheel), pan (drag) and a hover tooltip giving the exact value
// under the mouse. Zoom and pan survive a redraw of the same plot (an edit, a theme change);
// another plot, or the same one for another feature or step, starts from its own fitted ranges.
// Double-click or resetZoom() fits the ranges again. A single click in a panel (no drag, not
// half of a double-click) is reported as panelClicked, for views whose panels stand for something.
#pragma once

#include <plots/plot_renderer.h>

#include <QWidget>

class QCPAxisRect;
class QCustomPlot;
class QMouseEvent;
class QTimer;

namespace bnflow::ui {

class PlotView : public QWidget {
    Q_OBJECT
public:
    explicit PlotView(QWidget* parent = nullptr);

    void setSpec(const PlotSpec& spec, const PlotStyle& style);
    const PlotSpec& spec() const { return spec_; }
    bool zoomed() const { return zoomed_; }  // the user changed a range since the plot was fitted
    void resetZoom();
    QCustomPlot* plot() const { return plot_; }
    // The tooltip text for a point within a few pixels of pos (widget coordinates), or empty.
    QString labelAt(const QPoint& pos) const;
    // The panel whose axis rect holds pos (widget coordinates), or -1.
    int panelAt(const QPoint& pos) const;
    // A tooltip for the plot where no point is under the mouse (e.g. what a click does).
    void setHint(const QString& hint);

signals:
    void panelClicked(int panel);

private:
    void showLabel(QMouseEvent* event);
    void render(const PlotSpec& spec, const PlotStyle& style, bool keepRanges);
    void watchClicks();

    PlotSpec spec_;
    PlotStyle style_;
    bool zoomed_ = false;
    QCustomPlot* plot_ = nullptr;
    std::vector<QCPAxisRect*> rects_;
    QString hint_;
    QPoint pressedAt_;
    QTimer* click_ = nullptr;    // waits out the double-click interval before panelClicked
    int clickedPanel_ = -1;
    bool doubleClicked_ = false;  // the release that ends a double-click is no click
};

}  // namespace bnflow::ui
