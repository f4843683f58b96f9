// The computational graph (core/teach/graph.h) drawn with QGraphicsScene: each node with its value
// for the walkthrough's feature and, once the backward pass has reached it, its gradient; the
// current step's nodes and edges lit, a backward step's edges drawn from output to input with
// a short animation; at the fan-out nodes (x, x − μ) each branch's share written beside its edge.
// The items are GraphSceneBuilder's (graph_scene.h), laid out in the pane's pixels with the
// view's font (graph_layout.h), so text is never drawn smaller than that font: a pane too small
// for it scrolls instead, keeping the step's nodes in view. In lecture mode (setFocusText) the
// step's part is drawn large enough for a room and the rest faded.
#pragma once

#include <walkthrough/graph_layout.h>
#include <walkthrough/graph_scene.h>

#include <core/teach/graph.h>

#include <QGraphicsView>

class QVariantAnimation;

namespace bnflow::ui {

class DisplaySettings;
class SessionDocument;
class WalkthroughState;

class GraphView : public QGraphicsView {
    Q_OBJECT
public:
    GraphView(const SessionDocument* document, const WalkthroughState* state,
              const DisplaySettings* display, QWidget* parent = nullptr);

    // Item data for tests: the node ids and edge names ("x>mean", forward names) drawn lit now.
    QStringList activeNodes() const;
    QStringList activeEdges() const;
    // The lit edges as their arrows point ("y>xhat" at dxhat: from output back to input).
    QStringList activeArrows() const;
    QString nodeText(const QString& nodeId) const;   // what the node box says, one line a line
    QString edgeLabel(const QString& edgeName) const;  // the share written on an edge, or ""
    QRectF nodeRect(const QString& nodeId) const;    // in scene coordinates
    GraphShape shape() const { return drawing_.geometry.shape; }
    bool isAnimating() const;

    // Lecture mode: the step's part of the graph (its lit nodes and their neighbours) drawn with
    // digits at least this fraction of the window's height (a room reads 2.5 %), the rest faded;
    // 0 (the default): the whole graph fitted to the pane.
    void setFocusText(double fractionOfWindowHeight);
    double focusText() const { return focusText_; }

    void fit();  // the whole graph in the pane, never smaller than the font, larger if room
    // Lays the graph out for `target` (device px of a page at deviceDpi) in its own palette and
    // paints it as wide as the target allows; returns the printed size of its smallest text in
    // points.
    double print(QPainter* painter, const QRectF& target, double deviceDpi);
    bool exportTo(const QString& path, QString* error);  // .png, .svg or .pdf by suffix

protected:
    void wheelEvent(QWheelEvent* event) override;  // Ctrl + wheel zooms
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;  // a new palette or font redraws the scene

private:
    // The smallest zoom at which the text is still the interface font's size: 1, or less when the
    // graph's own font is larger (lecture mode).
    double minimumZoom() const;
    double fitZoom(const QSizeF& pane) const;  // the zoom of a graph not zoomed by hand
    QSizeF lectureRoom(const QSizeF& pane) const;  // what of the pane the step's part may take in lecture mode
    void rebuild();
    void drawLit(double progress);  // 0: nothing of the lit edges drawn yet, 1: all
    void keepInView();  // scrolls the lit nodes into the pane

    const SessionDocument* document_;
    const WalkthroughState* state_;
    const DisplaySettings* display_;
    bool userZoomed_ = false;
    QSizeF layoutTarget_;  // set while printing: the page instead of the pane
    double focusText_ = 0;  // setFocusText()
    GraphDrawing drawing_;  // what rebuild() drew: the boxes, the lit edges, what is lit
    QVariantAnimation* animation_;
    int drawnStep_ = -1;
};

}  // namespace bnflow::ui
