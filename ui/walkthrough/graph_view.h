// The computational graph (core/graph.h) drawn with QGraphicsScene: each node with its value
// for the walkthrough's feature and, once the backward pass has reached it, its gradient;
// the current step's nodes and edges highlighted; at the fan-out nodes each branch's share.
#pragma once

#include <QGraphicsView>

namespace bnflow::ui {

class DisplaySettings;
class SessionDocument;
class WalkthroughState;

class GraphView : public QGraphicsView {
    Q_OBJECT
public:
    GraphView(const SessionDocument* document, const WalkthroughState* state,
              const DisplaySettings* display, QWidget* parent = nullptr);

    // Item data for tests: the node ids and edge names ("x>mu") drawn as active now.
    QStringList activeNodes() const;
    QStringList activeEdges() const;
    QString nodeText(const QString& nodeId) const;  // what the node box says

    void fit();
    void renderTo(QPainter* painter, const QRectF& target);  // for the handout
    bool exportTo(const QString& path, QString* error);      // .png, .svg or .pdf by suffix

protected:
    void wheelEvent(QWheelEvent* event) override;  // Ctrl + wheel zooms
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;  // a new palette redraws the scene

private:
    void rebuild();

    const SessionDocument* document_;
    const WalkthroughState* state_;
    const DisplaySettings* display_;
    bool userZoomed_ = false;
};

}  // namespace bnflow::ui
