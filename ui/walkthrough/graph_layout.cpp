#include <walkthrough/graph_layout.h>

#include <core/teach/graph.h>

#include <algorithm>
#include <cmath>
#include <string_view>

namespace bnflow::ui {
namespace {

struct Cell {
    int column, row;
};

// The tall grid (core/teach/graph.h GraphNode::tallColumn, tallRow): the forward pass read down the
// left column, its side computations (statistics) and the parameters on the right. The edges
// that carry a long share (x − μ into var and xhat) run down or across rows, so their labels
// sit between rows, not between columns.
Cell cellOf(GraphShape shape, const GraphNode& node)
{
    return shape == GraphShape::Wide ? Cell{node.column, node.row} : Cell{node.tallColumn, node.tallRow};
}

}  // namespace

GraphGeometry layoutGraph(const Graph& graph, GraphShape shape, const std::vector<QSizeF>& nodeSizes,
                          const std::vector<QSizeF>& labelSizes, double gap)
{
    const auto& nodes = graph.nodes();
    const auto& edges = graph.edges();
    int columns = 0, rows = 0;
    for (const GraphNode& node : nodes) {
        columns = std::max(columns, cellOf(shape, node).column + 1);
        rows = std::max(rows, cellOf(shape, node).row + 1);
    }
    std::vector<double> width(std::size_t(columns), 0), height(std::size_t(rows), 0);
    for (std::size_t n = 0; n < nodes.size(); ++n) {
        const Cell c = cellOf(shape, nodes[n]);
        width[std::size_t(c.column)] = std::max(width[std::size_t(c.column)], nodeSizes[n].width());
        height[std::size_t(c.row)] = std::max(height[std::size_t(c.row)], nodeSizes[n].height());
    }
    // Gaps after each column and row; widened where an edge's label must fit between its ends.
    std::vector<double> columnGap(std::size_t(columns), gap), rowGap(std::size_t(rows), gap);
    for (std::size_t e = 0; e < edges.size(); ++e) {
        const QSizeF label = labelSizes[e];
        if (label.isEmpty())
            continue;
        const Cell a = cellOf(shape, nodes[graph.nodeIndex(edges[e].from)]);
        const Cell b = cellOf(shape, nodes[graph.nodeIndex(edges[e].to)]);
        const auto widen = [&](std::vector<double>& gaps, const std::vector<double>& sizes, int from, int to,
                               double needed) {
            const int lo = std::min(from, to), hi = std::max(from, to);
            double free = 0;
            for (int k = lo; k < hi; ++k)
                free += gaps[std::size_t(k)] + (k > lo ? sizes[std::size_t(k)] : 0);
            if (free < needed)
                gaps[std::size_t(lo)] += needed - free;
        };
        // Across rows the label lies in the band between them (no box there, whatever its
        // width); along a row it needs the space between the columns.
        if (a.row != b.row)
            widen(rowGap, height, a.row, b.row, label.height() + gap / 2);
        else
            widen(columnGap, width, a.column, b.column, label.width() + gap);
    }
    std::vector<double> left(static_cast<std::size_t>(columns)), top(static_cast<std::size_t>(rows));
    double x = gap / 2, y = gap / 2;
    for (int c = 0; c < columns; ++c) {
        left[std::size_t(c)] = x;
        x += width[std::size_t(c)] + (c + 1 < columns ? columnGap[std::size_t(c)] : 0);
    }
    for (int r = 0; r < rows; ++r) {
        top[std::size_t(r)] = y;
        y += height[std::size_t(r)] + (r + 1 < rows ? rowGap[std::size_t(r)] : 0);
    }
    GraphGeometry g;
    g.shape = shape;
    g.size = QSizeF(x + gap / 2, y + gap / 2);
    for (std::size_t n = 0; n < nodes.size(); ++n) {
        const Cell c = cellOf(shape, nodes[n]);
        // Centred in its cell, so that edges between neighbours run straight.
        const QPointF centre(left[std::size_t(c.column)] + width[std::size_t(c.column)] / 2,
                             top[std::size_t(c.row)] + height[std::size_t(c.row)] / 2);
        QRectF box(QPointF(0, 0), nodeSizes[n]);
        box.moveCenter(centre);
        g.nodes.push_back(box);
    }
    return g;
}

GraphGeometry layoutGraphFor(const Graph& graph, const QSizeF& pane, const std::vector<QSizeF>& nodeSizes,
                             const std::vector<QSizeF>& labelSizes, double gap, double* scale)
{
    GraphGeometry best;
    double bestScale = -1;
    for (GraphShape shape : {GraphShape::Wide, GraphShape::Tall}) {
        GraphGeometry g = layoutGraph(graph, shape, nodeSizes, labelSizes, gap);
        const double s = std::min(pane.width() / g.size.width(), pane.height() / g.size.height());
        if (s > bestScale) {
            bestScale = s;
            best = std::move(g);
        }
    }
    *scale = bestScale;
    return best;
}

std::pair<QPointF, QPointF> edgeEnds(const QRectF& a, const QRectF& b)
{
    // The point where the ray from a box's centre towards `target` leaves the box.
    const auto clip = [](const QRectF& box, const QPointF& target) {
        const QPointF c = box.center(), d = target - c;
        const double tx = d.x() != 0 ? (box.width() / 2) / std::abs(d.x()) : 1e300;
        const double ty = d.y() != 0 ? (box.height() / 2) / std::abs(d.y()) : 1e300;
        return c + d * std::min({tx, ty, 1.0});
    };
    return {clip(a, b.center()), clip(b, a.center())};
}

QRectF labelBeside(const QPointF& out, const QPointF& in, const QSizeF& size, double margin,
                   const std::vector<QRectF>& obstacles)
{
    const QPointF along = in - out;
    const double length = std::hypot(along.x(), along.y());
    // The unit normal, and how far the box's centre must be from the line for no corner of it
    // to touch the line: the box's half-extent along the normal.
    const QPointF normal = length > 0 ? QPointF(-along.y(), along.x()) / length : QPointF(0, -1);
    const double clear = std::abs(normal.x()) * size.width() / 2 + std::abs(normal.y()) * size.height() / 2 + margin;
    const auto overlap = [&obstacles](const QRectF& box) {
        double area = 0;
        for (const QRectF& other : obstacles) {
            const QRectF common = box.intersected(other);
            area += common.width() * common.height();
        }
        return area;
    };
    // The preferred side: right of the edge, or for a level edge above it.
    const QPointF first = std::abs(normal.x()) > 1e-9 ? (normal.x() > 0 ? normal : -normal)
                                                      : (normal.y() < 0 ? normal : -normal);
    QRectF best;
    double bestOverlap = 0;
    // From the middle outwards along the edge, each place on both sides; the first that
    // overlaps nothing, else the one that overlaps least.
    for (const double t : {0.5, 0.4, 0.6, 0.3, 0.7}) {
        for (const QPointF side : {first, -first}) {
            QRectF box(QPointF(0, 0), size);
            box.moveCenter(out + along * t + side * clear);
            const double area = overlap(box);
            if (best.isNull() || area < bestOverlap) {
                best = box;
                bestOverlap = area;
            }
            if (area <= 0)
                return box;
        }
    }
    return best;
}

}  // namespace bnflow::ui
