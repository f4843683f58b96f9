// The computational graph of the forward pass, as data: nodes (quantities of the catalogue),
// edges, and which step computes each node's value, each node's gradient, and each edge's
// backward share. The graph view draws this; tests check it; nothing here knows about widgets.
#pragma once

#include "catalogue.h"

#include <string_view>
#include <vector>

namespace bnflow {

struct GraphNode {
    std::string_view id;        // the quantity it shows: "xmu" (label, symbol: the catalogue)
    std::string_view gradient;  // the quantity holding df/d(node): "dxmu"
    int column, row;            // layout grid, forward direction left to right

    const Quantity& quantity() const { return bnflow::quantity(id); }
};

struct GraphEdge {
    std::string_view from, to;  // forward direction
    std::string_view share;     // the quantity carrying the gradient of `from` back along the edge
};

const std::vector<GraphNode>& graphNodes();
const std::vector<GraphEdge>& graphEdges();
const GraphNode* findNode(std::string_view id);

// How the graph looks at one step of steps(): what the step touches, and which gradients the
// backward pass has computed by then (a gradient not reached yet is drawn as not computed,
// never as 0).
struct GraphState {
    std::vector<bool> nodeActive;       // parallel to graphNodes()
    std::vector<bool> edgeActive;       // parallel to graphEdges()
    std::vector<bool> gradientReached;  // parallel to graphNodes()
};
GraphState graphStateAt(std::size_t stepIndex);

// At a node with several consumers, the gradient is the sum of one share per consumer:
// the edges out of `nodeId` (their share quantities) add up to its gradient.
std::vector<const GraphEdge*> fanOut(std::string_view nodeId);

}  // namespace bnflow
