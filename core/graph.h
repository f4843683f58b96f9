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
// never as 0). At a forward step the lit edges carry values forward into the step's node; at a
// staged backward step they are the edges the gradient travels along in that step, traversed
// from the edge's head back to its tail (backward == true).
struct GraphState {
    std::vector<bool> nodeActive;       // parallel to graphNodes()
    std::vector<bool> edgeActive;       // parallel to graphEdges()
    std::vector<bool> gradientReached;  // parallel to graphNodes()
    std::vector<bool> shareReached;     // parallel to graphEdges(): the edge's share is computed
    bool backward = false;              // the lit edges are travelled head to tail
};
GraphState graphStateAt(std::size_t stepIndex);

// The edges ("from>to", forward names) the gradient crosses at a staged backward step: the edges
// its gradient inputs arrive along at the step's node (doc/derivation.md#staged-backward-pass).
// A share "via" a consumer travels the path through that consumer only. Empty for other steps.
std::vector<const GraphEdge*> backwardEdges(std::string_view stepId);

// At a node with several consumers, the gradient is the sum of one share per consumer:
// the edges out of `nodeId` (their share quantities) add up to its gradient.
std::vector<const GraphEdge*> fanOut(std::string_view nodeId);

}  // namespace bnflow
