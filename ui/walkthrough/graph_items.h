// What GraphView stores on its scene's items (QGraphicsItem::data), for the view itself and for
// the queries that read the drawing back (graph_items.cpp).
#pragma once

namespace bnflow::ui::graph_items {

constexpr int kActiveRole = 1;  // active flag
constexpr int kNameRole = 2;    // node id, or "from>to" for an edge and its label
constexpr int kArrowRole = 3;   // an edge's arrow as drawn: "tail>head"
constexpr int kLabelRole = 4;   // true on an edge's share label

}  // namespace bnflow::ui::graph_items
