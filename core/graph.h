// The computational graph of the forward pass, as data: nodes, edges, and which step of the
// trace computes each node's value, each node's gradient, and each edge's backward share.
// The graph view draws this; tests check it; nothing here knows about widgets.
#pragma once

#include <string_view>
#include <vector>

namespace bnflow {

struct GraphNode {
    std::string_view id;         // "xmu"
    std::string_view label;      // "x - mu"
    int column, row;             // layout grid, forward direction left to right
    bool perFeature;             // one value per feature (mu, var, ...) or N x D (x, xhat, ...)
    std::string_view valueStep;  // trace step (or session field) holding the value
    std::string_view gradStep;   // trace step holding df/d(node)
};

struct GraphEdge {
    std::string_view from, to;       // forward direction
    std::string_view forwardStep;    // the step that computes `to` from `from`
    std::string_view backwardStep;   // the step that carries the gradient back along the edge
};

const std::vector<GraphNode>& graphNodes();
const std::vector<GraphEdge>& graphEdges();
const GraphNode* findNode(std::string_view id);

// How the graph looks at one step of stepCatalog(): what the step touches, and which
// gradients the backward pass has computed by then (a gradient not reached yet is drawn as
// not computed, never as 0).
struct GraphState {
    std::vector<bool> nodeActive;      // parallel to graphNodes()
    std::vector<bool> edgeActive;      // parallel to graphEdges()
    std::vector<bool> gradientReached; // parallel to graphNodes()
};
GraphState graphStateAt(std::size_t stepIndex);

// At a node with several consumers, the gradient is the sum of one share per consumer:
// the edges out of `nodeId` (their backwardStep values) add up to its gradStep.
std::vector<const GraphEdge*> fanOut(std::string_view nodeId);

}  // namespace bnflow
