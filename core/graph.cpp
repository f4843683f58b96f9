#include "graph.h"

#include <string>

namespace bnflow {

const std::vector<GraphNode>& graphNodes()
{
    static const std::vector<GraphNode> nodes = {
        {"x", "dx", 0, 1},
        {"mean", "dmean", 1, 0},
        {"xmu", "dxmu", 2, 1},
        {"var", "dvar", 3, 0},
        {"inv_std", "dinv_std", 4, 0},
        {"xhat", "dxhat", 5, 1},
        {"gamma", "dgamma", 6, 0},
        {"beta", "dbeta", 6, 2},
        {"y", "dy", 7, 1},
    };
    return nodes;
}

const std::vector<GraphEdge>& graphEdges()
{
    // share: the part of the gradient of `from` that arrives through this edge.
    static const std::vector<GraphEdge> edges = {
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
    return edges;
}

const GraphNode* findNode(std::string_view id)
{
    for (const GraphNode& node : graphNodes())
        if (node.id == id)
            return &node;
    return nullptr;
}

std::vector<const GraphEdge*> backwardEdges(std::string_view stepId)
{
    // Written out rather than searched for: a "via" share names one path of several (dmean via
    // xhat goes back through x - mu into xhat only, not round through var and invStd), and a sum
    // of shares (dxmu, dmean, dx) collects at its node what arrived along each consumer's edge.
    struct Path {
        std::string_view step;
        std::vector<std::string_view> edges;  // "from>to"
    };
    static const std::vector<Path> paths = {
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
    std::vector<const GraphEdge*> out;
    for (const Path& path : paths)
        if (path.step == stepId)
            for (const GraphEdge& edge : graphEdges())
                for (std::string_view name : path.edges)
                    if (name == std::string(edge.from) + ">" + std::string(edge.to))
                        out.push_back(&edge);
    return out;
}

std::vector<const GraphEdge*> fanOut(std::string_view nodeId)
{
    std::vector<const GraphEdge*> out;
    for (const GraphEdge& edge : graphEdges())
        if (edge.from == nodeId)
            out.push_back(&edge);
    return out;
}

GraphState graphStateAt(std::size_t stepIndex)
{
    const auto& all = steps();
    const auto& nodes = graphNodes();
    const auto& edges = graphEdges();
    GraphState state{std::vector<bool>(nodes.size()), std::vector<bool>(edges.size()),
                     std::vector<bool>(nodes.size()), std::vector<bool>(edges.size())};
    if (stepIndex >= all.size())
        return state;
    const std::string_view current = all[stepIndex].id;
    const auto indexOf = [&all](std::string_view id) {
        for (std::size_t k = 0; k < all.size(); ++k)
            if (all[k].id == id)
                return k;
        return all.size();
    };
    const bool fused = all[stepIndex].phase == Phase::Fused;
    for (std::size_t n = 0; n < nodes.size(); ++n) {
        state.gradientReached[n] = indexOf(nodes[n].gradient) <= stepIndex;
        state.nodeActive[n] = nodes[n].id == current || nodes[n].gradient == current ||
                              (fused && (nodes[n].id == "x" || nodes[n].id == "xhat"));
    }
    for (std::size_t e = 0; e < edges.size(); ++e)
        state.shareReached[e] = indexOf(edges[e].share) <= stepIndex;
    // Forward, an edge is lit by the step that computes its head; backward, by the step whose
    // gradient travels along it (backwardEdges).
    state.backward = all[stepIndex].phase == Phase::Staged;
    if (state.backward) {
        for (const GraphEdge* edge : backwardEdges(current))
            state.edgeActive[std::size_t(edge - edges.data())] = true;
    } else {
        for (std::size_t e = 0; e < edges.size(); ++e)
            state.edgeActive[e] = all[stepIndex].phase == Phase::Forward && edges[e].to == current;
    }
    // A step that is one share of a node's gradient lights that node too (dmean_via_xhat, ...).
    for (std::size_t n = 0; n < nodes.size(); ++n)
        if (current.starts_with(std::string(nodes[n].gradient) + "_via_"))
            state.nodeActive[n] = true;
    return state;
}

}  // namespace bnflow
