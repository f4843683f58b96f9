// What the graph tests read off the walkthrough's graph view: the smallest text as the screen
// shows it, the interface font, and the node boxes in the viewport.
#pragma once

#include <core/teach/graph.h>

#include <QApplication>
#include <QFontInfo>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsTextItem>
#include <QGraphicsView>
#include <QMap>
#include <QRect>

#include <algorithm>
#include <vector>

namespace bnflow::test {

// The smallest text of the scene as the screen shows it: the font's pixel size times the
// view's zoom (whatever kind of text item draws it).
inline double smallestTextPixels(const QGraphicsView* view)
{
    double smallest = 1e9;
    for (QGraphicsItem* item : view->scene()->items()) {
        QFont font;
        if (auto* simple = dynamic_cast<QGraphicsSimpleTextItem*>(item))
            font = simple->font();
        else if (auto* rich = dynamic_cast<QGraphicsTextItem*>(item))
            font = rich->font();
        else
            continue;
        smallest = std::min(smallest, QFontInfo(font).pixelSize() * view->transform().m22() * item->sceneTransform().m22());
    }
    return smallest;
}

inline double uiFontPixels()
{
    return QFontInfo(QApplication::font()).pixelSize();
}

// Node boxes as the viewport shows them, by node id (QGraphicsItem::data(2) names them), of
// batch norm's graph or the one given.
inline QMap<QString, QRect> nodesOnScreen(const QGraphicsView* view, const std::vector<GraphNode>& nodes = graphNodes())
{
    QMap<QString, QRect> out;
    for (const GraphNode& node : nodes)
        for (QGraphicsItem* item : view->scene()->items())
            if (auto* box = dynamic_cast<QGraphicsRectItem*>(item); box && item->data(2).toString() == QString::fromUtf8(node.id.data(), qsizetype(node.id.size())))
                out[QString::fromUtf8(node.id.data(), qsizetype(node.id.size()))] = view->mapFromScene(box->mapToScene(box->rect())).boundingRect();  // without the pen
    return out;
}

}  // namespace bnflow::test
