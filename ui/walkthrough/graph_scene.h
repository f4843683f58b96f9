// The walkthrough's graph drawn into a QGraphicsScene from what it says at a step
// (graph_content.h): a box per node with its title, value and gradient lines, a line and arrow
// head per edge, each share written beside its edge, the step's nodes and edges lit. Laid out in
// the pixels of its font for a pane (graph_layout.h). No view here: GraphView zooms, scrolls and
// animates what this draws; the handout prints it.
#pragma once

#include <walkthrough/graph_layout.h>

#include <QColor>
#include <QFont>
#include <QPointF>
#include <QRectF>
#include <QString>

#include <vector>

class QGraphicsLineItem;
class QGraphicsPolygonItem;
class QGraphicsRectItem;
class QGraphicsScene;
class QPalette;

namespace bnflow::ui {

struct GraphContent;

struct GraphStyle {
    QFont font;          // every text's; the titles are its bold
    QColor text, base;   // the palette's
    QColor accent;       // lit boxes, edges, gradients and shares: the highlight, readable on base
    QColor muted;        // "not computed yet"
    QColor edgeInk;      // the edges and boxes that are not lit
    bool fadeContext = false;  // lecture mode: what is not the step's part of the graph is faded

    static GraphStyle from(const QPalette& palette, const QFont& font);
};

// A lit edge as the animation redraws it: its line and head, from tail to tip.
struct LitEdge {
    QGraphicsLineItem* line;
    QGraphicsPolygonItem* head;
    QPointF start, end;  // the arrow's tail and tip, in the direction of travel
    double headSize;
};

struct GraphDrawing {
    GraphGeometry geometry;    // the node boxes, in scene coordinates
    std::vector<LitEdge> lit;  // the step's edges
    QRectF litNodes;           // around the step's nodes (empty when none is lit)
    QRectF firstLit;           // the first of them: the step's own quantity, or where its gradient leaves
    QRectF litEnds;            // around the step's nodes and the nodes at both ends of its lit edges
    QRectF focus;              // around the step's nodes and their neighbours
};

class GraphSceneBuilder {
public:
    explicit GraphSceneBuilder(GraphStyle style);

    // Clears `scene` and draws `content` laid out for `pane` (scene pixels); `reason`, when not
    // empty, is written above the graph (why there are no gradients).
    GraphDrawing build(QGraphicsScene* scene, const GraphContent& content, const QSizeF& pane,
                       const QString& reason) const;

    // An arrow head at `to`, pointing away from `from`.
    static QPolygonF arrowHead(const QPointF& from, const QPointF& to, double size);

private:
    struct Metrics {
        double pad, line, gap;
    };
    std::vector<QSizeF> nodeSizes(const GraphContent& content) const;
    std::vector<QSizeF> labelSizes(const GraphContent& content) const;
    void addNodes(QGraphicsScene* scene, const GraphContent& content, const std::vector<bool>& focus,
                  GraphDrawing* drawing) const;
    void addEdges(QGraphicsScene* scene, const GraphContent& content, const std::vector<bool>& focus,
                  const std::vector<QSizeF>& labelSizes, GraphDrawing* drawing) const;
    // The lit nodes, their neighbours and the ends of the lit edges: what lecture mode keeps unfaded.
    static std::vector<bool> focusOf(const GraphContent& content);

    GraphStyle style_;
    QFont bold_;
    Metrics m_;
};

}  // namespace bnflow::ui
