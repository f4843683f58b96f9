// What the walkthrough's graph says at a step, before anything is drawn: which of core's graphs
// (the session's layer), which nodes and edges are lit, and the text of every node and of every
// share on an edge, from the document, the walkthrough's step and set, and the display settings.
// A pure builder: no widget, no scene; GraphView lays these texts out and paints them.
#pragma once

#include <core/teach/graph.h>

#include <QString>

#include <vector>

namespace bnflow::ui {

class DisplaySettings;
class SessionDocument;
class WalkthroughState;

struct GraphNodeText {
    QString title;     // "mean (μ)"
    QString value;     // the selected column, row or set: "[1, 3, …, 0.5]", "x[0][0:3]: 1.5"
    QString gradient;  // "dmean = ..." once the backward pass has reached the node, else empty
    QString pending;   // what the gradient line says before that ("dmean: not computed yet")
};

struct GraphContent {
    const Graph* graph = nullptr;  // the session's layer's graph (core/teach/graph.h)
    GraphState state;              // what is lit at the step (nothing while the lists disagree)
    bool computed = false;         // the session can be computed
    std::vector<GraphNodeText> nodes;  // one per graph->nodes()
    std::vector<QString> shares;       // one per graph->edges(): "dxmu =\n[...]" on a fan-out edge, else empty
};

GraphContent graphContent(const SessionDocument& document, const WalkthroughState& state,
                          const DisplaySettings& display);

// What a node shows of quantity `id`: feature j's column, or (byRow: layer norm, RMSNorm and
// group norm, whose sets are rows) sample i's row of an N x D quantity; at most four numbers,
// "…" between; a cell that exercise mode hides is a "?". A per-feature row (gamma, dgamma,
// 1 x D) shows feature j's value either way.
QString sliceText(const Matrix& m, int i, int j, bool byRow, const DisplaySettings& display,
                  const Exercise& exercise, std::string_view id);

}  // namespace bnflow::ui
