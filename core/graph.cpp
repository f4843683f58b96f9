#include "graph.h"

#include "trace.h"

#include <string>

namespace bnflow {

const std::vector<GraphNode>& graphNodes()
{
    static const std::vector<GraphNode> nodes = {
        {"x", "x", 0, 1, false, "x", "dx"},
        {"mu", "mu", 1, 0, true, "mu", "dmu"},
        {"xmu", "x - mu", 2, 1, false, "xmu", "dxmu"},
        {"var", "var", 3, 0, true, "var", "dvar"},
        {"inv_std", "invStd", 4, 0, true, "inv_std", "dinv_std"},
        {"xhat", "xhat", 5, 1, false, "xhat", "dxhat"},
        {"gamma", "gamma", 6, 0, true, "gamma", "dgamma"},
        {"beta", "beta", 6, 2, true, "beta", "dbeta"},
        {"y", "y", 7, 1, false, "y", "dy"},
    };
    return nodes;
}

const std::vector<GraphEdge>& graphEdges()
{
    // backwardStep: the share of the gradient of `from` that arrives through this edge.
    static const std::vector<GraphEdge> edges = {
        {"x", "mu", "mu", "dx_via_mu"},
        {"x", "xmu", "xmu", "dxmu"},
        {"mu", "xmu", "xmu", "dmu"},
        {"xmu", "var", "var", "dx_via_var"},
        {"xmu", "xhat", "xhat", "dx_via_xhat"},
        {"var", "inv_std", "inv_std", "dvar"},
        {"inv_std", "xhat", "xhat", "dinv_std"},
        {"xhat", "y", "y", "dxhat"},
        {"gamma", "y", "y", "dgamma"},
        {"beta", "y", "y", "dbeta"},
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
    const auto& steps = stepCatalog();
    const auto& nodes = graphNodes();
    const auto& edges = graphEdges();
    GraphState state{std::vector<bool>(nodes.size()), std::vector<bool>(edges.size()),
                     std::vector<bool>(nodes.size())};
    if (stepIndex >= steps.size())
        return state;
    const std::string_view current = steps[stepIndex].id;
    const auto indexOf = [&steps](std::string_view id) {
        for (std::size_t k = 0; k < steps.size(); ++k)
            if (steps[k].id == id)
                return k;
        return steps.size();
    };
    const bool fused = steps[stepIndex].phase == Phase::Fused;
    for (std::size_t n = 0; n < nodes.size(); ++n) {
        state.gradientReached[n] = indexOf(nodes[n].gradStep) <= stepIndex;
        state.nodeActive[n] = nodes[n].valueStep == current || nodes[n].gradStep == current ||
                              (fused && (nodes[n].id == "x" || nodes[n].id == "xhat"));
    }
    for (std::size_t e = 0; e < edges.size(); ++e)
        state.edgeActive[e] = edges[e].forwardStep == current || edges[e].backwardStep == current;
    // A step that is one share of a node's gradient lights that node too (dmu_via_xhat, ...).
    for (std::size_t n = 0; n < nodes.size(); ++n)
        if (current.starts_with(std::string(nodes[n].gradStep) + "_via_"))
            state.nodeActive[n] = true;
    return state;
}

}  // namespace bnflow
