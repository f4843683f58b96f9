// GraphView's drawing read back from its scene: what is lit, what each node and edge says, where
// each node is. Tests and exports ask these; the drawing itself is graph_view.cpp.
#include <walkthrough/graph_view.h>

#include <walkthrough/graph_items.h>

#include <QGraphicsLineItem>
#include <QGraphicsRectItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>

namespace bnflow::ui {

using namespace graph_items;

QStringList GraphView::activeNodes() const
{
    QStringList out;
    for (QGraphicsItem* item : scene()->items(Qt::AscendingOrder))
        if (dynamic_cast<QGraphicsRectItem*>(item) && item->data(kActiveRole).toBool())
            out << item->data(kNameRole).toString();
    return out;
}

QStringList GraphView::activeEdges() const
{
    QStringList out;
    for (QGraphicsItem* item : scene()->items(Qt::AscendingOrder))
        if (dynamic_cast<QGraphicsLineItem*>(item) && item->data(kActiveRole).toBool())
            out << item->data(kNameRole).toString();
    return out;
}

QStringList GraphView::activeArrows() const
{
    QStringList out;
    for (QGraphicsItem* item : scene()->items(Qt::AscendingOrder))
        if (dynamic_cast<QGraphicsLineItem*>(item) && item->data(kActiveRole).toBool())
            out << item->data(kArrowRole).toString();
    return out;
}

QString GraphView::nodeText(const QString& nodeId) const
{
    for (QGraphicsItem* item : scene()->items())
        if (dynamic_cast<QGraphicsRectItem*>(item) && !item->data(kLabelRole).toBool() &&
            item->data(kNameRole).toString() == nodeId) {
            QStringList lines;
            for (QGraphicsItem* child : item->childItems())
                if (auto* text = dynamic_cast<QGraphicsSimpleTextItem*>(child))
                    lines << text->text();
            return lines.join(QLatin1Char('\n'));
        }
    return {};
}

QString GraphView::edgeLabel(const QString& edgeName) const
{
    for (QGraphicsItem* item : scene()->items())
        if (item->data(kLabelRole).toBool() && item->data(kNameRole).toString() == edgeName)
            for (QGraphicsItem* child : item->childItems())
                if (auto* text = dynamic_cast<QGraphicsSimpleTextItem*>(child))
                    return text->text();
    return {};
}

QRectF GraphView::nodeRect(const QString& nodeId) const
{
    for (QGraphicsItem* item : scene()->items())
        if (auto* rect = dynamic_cast<QGraphicsRectItem*>(item))
            if (!item->data(kLabelRole).toBool() && item->data(kNameRole).toString() == nodeId)
                return rect->rect();
    return {};
}

}  // namespace bnflow::ui
