#include <core/teach/graph.h>

#include <core/teach/family_catalogue.h>

#include <map>
#include <string>

namespace bnflow {

Graph::Graph(const std::vector<Step>& steps, std::vector<GraphNode> nodes,
             std::vector<GraphEdge> edges, std::vector<Path> backward)
    : steps_(&steps), nodes_(std::move(nodes)), edges_(std::move(edges)), backward_(std::move(backward))
{
}

const GraphNode* Graph::findNode(std::string_view id) const
{
    const std::size_t n = nodeIndex(id);
    return n < nodes_.size() ? &nodes_[n] : nullptr;
}

std::size_t Graph::nodeIndex(std::string_view id) const
{
    for (std::size_t n = 0; n < nodes_.size(); ++n)
        if (nodes_[n].id == id)
            return n;
    return nodes_.size();
}

std::vector<const GraphEdge*> Graph::backwardEdges(std::string_view stepId) const
{
    std::vector<const GraphEdge*> out;
    for (const Path& path : backward_)
        if (path.step == stepId)
            for (const GraphEdge& edge : edges_)
                for (std::string_view name : path.edges)
                    if (name == std::string(edge.from) + ">" + std::string(edge.to))
                        out.push_back(&edge);
    return out;
}

std::vector<const GraphEdge*> Graph::fanOut(std::string_view nodeId) const
{
    std::vector<const GraphEdge*> out;
    for (const GraphEdge& edge : edges_)
        if (edge.from == nodeId)
            out.push_back(&edge);
    return out;
}

GraphState Graph::stateAt(std::size_t stepIndex) const
{
    const auto& all = steps();
    GraphState state{std::vector<bool>(nodes_.size()), std::vector<bool>(edges_.size()),
                     std::vector<bool>(nodes_.size()), std::vector<bool>(edges_.size())};
    if (stepIndex >= all.size())
        return state;
    const std::string_view current = all[stepIndex].id;
    // An empty id (no gradient, no share) is never reached.
    const auto reachedBy = [&all, stepIndex](std::string_view id) {
        for (std::size_t k = 0; k <= stepIndex && !id.empty(); ++k)
            if (all[k].id == id)
                return true;
        return false;
    };
    const bool fused = all[stepIndex].phase == Phase::Fused;
    for (std::size_t n = 0; n < nodes_.size(); ++n) {
        state.gradientReached[n] = reachedBy(nodes_[n].gradient);
        state.nodeActive[n] = nodes_[n].id == current || nodes_[n].gradient == current ||
                              (fused && (nodes_[n].id == "x" || nodes_[n].id == "xhat"));
    }
    for (std::size_t e = 0; e < edges_.size(); ++e)
        state.shareReached[e] = reachedBy(edges_[e].share);
    // Forward, an edge is lit by the step that computes its head; backward, by the step whose
    // gradient travels along it (backwardEdges).
    state.backward = all[stepIndex].phase == Phase::Staged;
    if (state.backward) {
        for (const GraphEdge* edge : backwardEdges(current))
            state.edgeActive[std::size_t(edge - edges_.data())] = true;
    } else {
        for (std::size_t e = 0; e < edges_.size(); ++e)
            state.edgeActive[e] = all[stepIndex].phase == Phase::Forward && edges_[e].to == current;
    }
    // A step that is one share of a node's gradient lights that node too (dmean_via_xhat, ...).
    for (std::size_t n = 0; n < nodes_.size(); ++n)
        if (!nodes_[n].gradient.empty() && current.starts_with(std::string(nodes_[n].gradient) + "_via_"))
            state.nodeActive[n] = true;
    return state;
}

namespace {

// Batch norm in training mode, and layer norm and group norm: the same chain over other sets
// (doc/derivation.md#the-normalization-family). Only the step list differs.
Graph centredGraph(const std::vector<Step>& steps)
{
    std::vector<GraphNode> nodes = {
        {"x", "dx", 0, 1, 0, 0},
        {"mean", "dmean", 1, 0, 1, 0},
        {"xmu", "dxmu", 2, 1, 0, 1},
        {"var", "dvar", 3, 0, 1, 2},
        {"inv_std", "dinv_std", 4, 0, 1, 3},
        {"xhat", "dxhat", 5, 1, 0, 3},
        {"gamma", "dgamma", 6, 0, 1, 4},
        {"beta", "dbeta", 6, 2, 1, 5},
        {"y", "dy", 7, 1, 0, 4},
    };
    // share: the part of the gradient of `from` that arrives through this edge.
    std::vector<GraphEdge> edges = {
        {"x", "mean", "dx_via_mean"},
        {"x", "xmu", "dxmu"},
        {"mean", "xmu", "dmean"},
        {"xmu", "var", "dx_via_var"},
        {"xmu", "xhat", "dx_via_xhat"},
        {"var", "inv_std", "dvar"},
        {"inv_std", "xhat", "dinv_std"},
        {"xhat", "y", "dxhat"},
        {"gamma", "y", "dgamma"},
        {"beta", "y", "dbeta"},
    };
    // Written out rather than searched for: a "via" share names one path of several (dmean via
    // xhat goes back through x - mu into xhat only, not round through var and invStd), and a sum
    // of shares (dxmu, dmean, dx) collects at its node what arrived along each consumer's edge.
    std::vector<Graph::Path> paths = {
        {"dy", {}},  // dout arrives from outside the graph
        {"dbeta", {"beta>y"}},
        {"dgamma", {"gamma>y"}},
        {"dxhat", {"xhat>y"}},
        {"dinv_std", {"inv_std>xhat"}},
        {"dvar", {"var>inv_std"}},
        {"dmean_via_xhat", {"mean>xmu", "xmu>xhat"}},
        {"dmean_via_var", {"mean>xmu", "xmu>var"}},
        {"dmean", {"mean>xmu"}},
        {"dx_via_xhat", {"xmu>xhat"}},
        {"dx_via_var", {"xmu>var"}},
        {"dxmu", {"xmu>var", "xmu>xhat"}},
        {"dx_via_mean", {"x>mean"}},
        {"dx", {"x>mean", "x>xmu"}},
    };
    return Graph(steps, std::move(nodes), std::move(edges), std::move(paths));
}

// RMSNorm: no mean, so x itself feeds the mean square and xhat = x · rrms: two paths into x
// (doc/derivation.md, RMSNorm). dx_via_var is the path through the mean square.
Graph rmsGraph()
{
    std::vector<GraphNode> nodes = {
        {"x", "dx", 0, 1, 0, 0},
        {"ms", "dms", 1, 0, 1, 0},
        {"rrms", "drrms", 2, 0, 1, 1},
        {"xhat", "dxhat", 3, 1, 0, 2},
        {"gamma", "dgamma", 4, 0, 1, 3},
        {"beta", "dbeta", 4, 2, 1, 4},
        {"y", "dy", 5, 1, 0, 3},
    };
    std::vector<GraphEdge> edges = {
        {"x", "ms", "dx_via_ms"},
        {"x", "xhat", "dx_via_xhat"},
        {"ms", "rrms", "dms"},
        {"rrms", "xhat", "drrms"},
        {"xhat", "y", "dxhat"},
        {"gamma", "y", "dgamma"},
        {"beta", "y", "dbeta"},
    };
    std::vector<Graph::Path> paths = {
        {"dy", {}},
        {"dbeta", {"beta>y"}},
        {"dgamma", {"gamma>y"}},
        {"dxhat", {"xhat>y"}},
        {"drrms", {"rrms>xhat"}},
        {"dms", {"ms>rrms"}},
        {"dx_via_xhat", {"x>xhat"}},
        {"dx_via_ms", {"x>ms"}},
        {"dx", {"x>ms", "x>xhat"}},
    };
    return Graph(steps(Layer::RmsNorm), std::move(nodes), std::move(edges), std::move(paths));
}

// Batch norm in eval mode: the running statistics are constants (doc/derivation.md#eval-mode),
// so nothing flows back into them, and x − running mean passes dx straight through: dx crosses
// xhat and x − μ in one step.
Graph evalGraph(const std::vector<Step>& chain)
{
    std::vector<GraphNode> nodes = {
        {"x", "dx", 0, 1, 0, 0},
        {"running_mean", "", 1, 0, 1, 0},
        {"xmu", "", 2, 1, 0, 1},
        {"running_var", "", 3, 0, 1, 2},
        {"inv_std", "", 4, 0, 1, 3},
        {"xhat", "dxhat", 5, 1, 0, 3},
        {"gamma", "dgamma", 6, 0, 1, 4},
        {"beta", "dbeta", 6, 2, 1, 5},
        {"y", "dy", 7, 1, 0, 4},
    };
    std::vector<GraphEdge> edges = {
        {"x", "xmu", "dx"},
        {"running_mean", "xmu", ""},
        {"xmu", "xhat", ""},
        {"running_var", "inv_std", ""},
        {"inv_std", "xhat", ""},
        {"xhat", "y", "dxhat"},
        {"gamma", "y", "dgamma"},
        {"beta", "y", "dbeta"},
    };
    std::vector<Graph::Path> paths = {
        {"dy", {}},
        {"dbeta", {"beta>y"}},
        {"dgamma", {"gamma>y"}},
        {"dxhat", {"xhat>y"}},
        {"dx", {"x>xmu", "xmu>xhat"}},
    };
    return Graph(chain, std::move(nodes), std::move(edges), std::move(paths));
}

}  // namespace

const Graph& graphOf(const LayerSpec& spec)
{
    // One graph a layer, built on first use over the layer's own step list.
    static const std::map<const LayerSpec*, Graph> all = [] {
        std::map<const LayerSpec*, Graph> out;
        for (const LayerSpec* s : layerSpecs()) {
            switch (s->graph) {
            case GraphShape::Centred: out.emplace(s, centredGraph(steps(*s))); break;
            case GraphShape::Rms: out.emplace(s, rmsGraph()); break;
            case GraphShape::Eval: out.emplace(s, evalGraph(steps(*s))); break;
            }
        }
        return out;
    }();
    return all.at(&spec);
}

const Graph& graphOf(Layer layer, Mode mode)
{
    return graphOf(layerSpec(layer, mode));
}

GraphState graphStateAt(Layer layer, Mode mode, std::size_t stepIndex)
{
    return graphOf(layer, mode).stateAt(stepIndex);
}

const std::vector<GraphNode>& graphNodes()
{
    return graphOf(Layer::BatchNorm).nodes();
}

const std::vector<GraphEdge>& graphEdges()
{
    return graphOf(Layer::BatchNorm).edges();
}

const GraphNode* findNode(std::string_view id)
{
    return graphOf(Layer::BatchNorm).findNode(id);
}

GraphState graphStateAt(std::size_t stepIndex)
{
    return graphOf(Layer::BatchNorm).stateAt(stepIndex);
}

std::vector<const GraphEdge*> backwardEdges(std::string_view stepId)
{
    return graphOf(Layer::BatchNorm).backwardEdges(stepId);
}

std::vector<const GraphEdge*> fanOut(std::string_view nodeId)
{
    return graphOf(Layer::BatchNorm).fanOut(nodeId);
}

}  // namespace bnflow
