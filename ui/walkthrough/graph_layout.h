// Where the graph's nodes go, in the pixels of the pane (or page) it is drawn in: the grid of
// core/graph (levels left to right, "wide") or a two-column grid read top to bottom ("tall"),
// each column as wide as its widest node, each gap wide enough for the share written on an edge
// across it. The layout depends on the sizes of the texts only, never on the step, so nothing
// moves while stepping.
#pragma once

#include <QRectF>
#include <QSizeF>

#include <utility>
#include <vector>

namespace bnflow {
class Graph;
}

namespace bnflow::ui {

enum class GraphShape { Wide, Tall };

struct GraphGeometry {
    GraphShape shape = GraphShape::Wide;
    std::vector<QRectF> nodes;  // parallel to the graph's nodes()
    QSizeF size;                // the whole drawing, margins included
};

// nodeSizes parallel to graph.nodes(); labelSizes parallel to graph.edges() (an empty size: no
// label on that edge); gap: the smallest space between two nodes.
GraphGeometry layoutGraph(const Graph& graph, GraphShape shape, const std::vector<QSizeF>& nodeSizes,
                          const std::vector<QSizeF>& labelSizes, double gap);

// The shape whose drawing fits `pane` at the larger scale, and that scale.
GraphGeometry layoutGraphFor(const Graph& graph, const QSizeF& pane, const std::vector<QSizeF>& nodeSizes,
                             const std::vector<QSizeF>& labelSizes, double gap, double* scale);

// Where the edge from box a to box b leaves a and enters b: the segment between their centres,
// clipped to the boxes' borders.
std::pair<QPointF, QPointF> edgeEnds(const QRectF& a, const QRectF& b);

// Where the share written on the edge from `out` to `in` goes: beside the edge's middle, clear
// of the line by `margin`, so that the label never hides the edge it belongs to (a lit edge
// under its own share was the issue). The first place, from the middle outwards along the edge,
// right of it (a level edge: above) before left, that overlaps none of `obstacles` (the node
// boxes, the labels placed before); where every place does, the one that overlaps least.
QRectF labelBeside(const QPointF& out, const QPointF& in, const QSizeF& size, double margin,
                   const std::vector<QRectF>& obstacles);

}  // namespace bnflow::ui
