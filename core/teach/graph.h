// The computational graph of the forward pass, as data: nodes (quantities of the catalogue),
// edges, and which step computes each node's value, each node's gradient, and each edge's
// backward share. One graph per layer and mode (graphOf), indexed by that layer's step list
// (family_catalogue.h steps(layer, mode)). The graph view draws this; tests check it; nothing
// here knows about widgets.
#pragma once

#include <core/teach/catalogue.h>
#include <core/model/norm_config.h>

#include <string_view>
#include <vector>

namespace bnflow {

struct LayerSpec;

struct GraphNode {
    std::string_view id;        // the quantity it shows: "xmu" (label, symbol: the catalogue)
    // The quantity holding df/d(node): "dxmu". Empty for a node with no gradient of its own:
    // a constant (eval mode's running statistics and the invStd made of them) or, in eval mode,
    // x − running mean, which passes dx through unchanged.
    std::string_view gradient;
    int column, row;            // layout grid, forward direction left to right ("wide")
    int tallColumn, tallRow;    // the two-column grid read top to bottom ("tall")

    const Quantity& quantity() const { return bnflow::quantity(id); }
};

struct GraphEdge {
    std::string_view from, to;  // forward direction
    // The quantity carrying the gradient of `from` back along the edge; empty where nothing
    // flows back (out of a constant, or out of eval mode's pass-through x − running mean).
    std::string_view share;
};

// How the graph looks at one step of its layer's steps(): what the step touches, and which
// gradients the backward pass has computed by then (a gradient not reached yet is drawn as not
// computed, never as 0). At a forward step the lit edges carry values forward into the step's
// node; at a staged backward step they are the edges the gradient travels along in that step,
// traversed from the edge's head back to its tail (backward == true).
struct GraphState {
    std::vector<bool> nodeActive;       // parallel to nodes
    std::vector<bool> edgeActive;       // parallel to edges
    std::vector<bool> gradientReached;  // parallel to nodes
    std::vector<bool> shareReached;     // parallel to edges: the edge's share is computed
    bool backward = false;              // the lit edges are travelled head to tail
};

class Graph {
public:
    // A staged step and the edges ("from>to", forward names) its gradient crosses.
    struct Path {
        std::string_view step;
        std::vector<std::string_view> edges;
    };
    Graph(const std::vector<Step>& steps, std::vector<GraphNode> nodes,
          std::vector<GraphEdge> edges, std::vector<Path> backward);

    const std::vector<GraphNode>& nodes() const { return nodes_; }
    const std::vector<GraphEdge>& edges() const { return edges_; }
    const std::vector<Step>& steps() const { return *steps_; }
    const GraphNode* findNode(std::string_view id) const;
    std::size_t nodeIndex(std::string_view id) const;  // nodes().size() when absent

    // The edges the gradient crosses at a staged backward step: the edges its gradient inputs
    // arrive along at the step's node (doc/derivation.md#staged-backward-pass). A share "via" a
    // consumer travels the path through that consumer only. Empty for other steps.
    std::vector<const GraphEdge*> backwardEdges(std::string_view stepId) const;
    // At a node with several consumers, the gradient is the sum of one share per consumer:
    // the edges out of `nodeId` (their share quantities) add up to its gradient.
    std::vector<const GraphEdge*> fanOut(std::string_view nodeId) const;
    GraphState stateAt(std::size_t stepIndex) const;

private:
    const std::vector<Step>* steps_;
    std::vector<GraphNode> nodes_;
    std::vector<GraphEdge> edges_;
    std::vector<Path> backward_;
};

// The graph of a layer and mode. Layer norm and group norm have batch norm's shape (the sets
// differ, not the chain); RMSNorm has no mean: x feeds its mean square and xhat directly; batch
// norm in eval mode takes its statistics as constants: one path from y back to x. The mode
// matters for batch norm only.
const Graph& graphOf(Layer layer, Mode mode = Mode::Train);
// The graph of any layer of the registry (layers/layer_spec.h), spatial ones included.
const Graph& graphOf(const LayerSpec& spec);
GraphState graphStateAt(Layer layer, Mode mode, std::size_t stepIndex);

// Training batch norm's graph (graphOf(Layer::BatchNorm)), indexed by steps().
const std::vector<GraphNode>& graphNodes();
const std::vector<GraphEdge>& graphEdges();
const GraphNode* findNode(std::string_view id);
GraphState graphStateAt(std::size_t stepIndex);
std::vector<const GraphEdge*> backwardEdges(std::string_view stepId);
std::vector<const GraphEdge*> fanOut(std::string_view nodeId);

}  // namespace bnflow
