#include <walkthrough/graph_scene.h>

#include <walkthrough/graph_content.h>
#include <walkthrough/graph_items.h>

#include <core/teach/graph.h>

#include <QFontMetricsF>
#include <QGraphicsLineItem>
#include <QGraphicsPolygonItem>
#include <QGraphicsRectItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QPalette>

#include <algorithm>
#include <cmath>
#include <iterator>

namespace bnflow::ui {
namespace {

using namespace graph_items;
constexpr double kFaded = 0.35;  // lecture mode: the opacity of what is not the step's part

QString qs(std::string_view text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

// WCAG relative luminance and contrast ratio: lit text and edges must read on a projector.
double luminance(const QColor& c)
{
    const auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
}

double contrast(const QColor& a, const QColor& b)
{
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QColor blend(const QColor& a, const QColor& b, double t)
{
    return QColor::fromRgbF(float(a.redF() + t * (b.redF() - a.redF())), float(a.greenF() + t * (b.greenF() - a.greenF())),
                            float(a.blueF() + t * (b.blueF() - a.blueF())));
}

// The palette's accent, moved towards the text colour until it reads on the background (4.5:1).
QColor readable(const QColor& accent, const QColor& background, const QColor& ink)
{
    QColor c = accent;
    for (double t = 0.1; contrast(c, background) < 4.5 && t <= 1.0; t += 0.1)
        c = blend(accent, ink, t);
    return c;
}

}  // namespace

GraphStyle GraphStyle::from(const QPalette& palette, const QFont& font)
{
    GraphStyle s;
    s.font = font;
    s.text = palette.color(QPalette::Text);
    s.base = palette.color(QPalette::Base);
    s.accent = readable(palette.color(QPalette::Highlight), s.base, s.text);
    s.muted = blend(s.text, s.base, 0.4);  // still 4.5:1 on either theme's base
    s.edgeInk = blend(s.text, s.base, 0.2);
    return s;
}

GraphSceneBuilder::GraphSceneBuilder(GraphStyle style) : style_(std::move(style)), bold_(style_.font)
{
    bold_.setBold(true);
    const QFontMetricsF metrics(style_.font);
    m_ = {metrics.averageCharWidth() * 0.8, metrics.lineSpacing(), metrics.averageCharWidth() * 4};
}

QPolygonF GraphSceneBuilder::arrowHead(const QPointF& from, const QPointF& to, double size)
{
    const double angle = std::atan2(to.y() - from.y(), to.x() - from.x());
    QPolygonF head;
    head << to << to - QPointF(std::cos(angle - 0.4) * size, std::sin(angle - 0.4) * size)
         << to - QPointF(std::cos(angle + 0.4) * size, std::sin(angle + 0.4) * size);
    return head;
}

std::vector<QSizeF> GraphSceneBuilder::nodeSizes(const GraphContent& content) const
{
    // Each box is sized for every state of its gradient line, so that nothing moves from step
    // to step.
    const QFontMetricsF metrics(style_.font), boldMetrics(bold_);
    std::vector<QSizeF> sizes;
    for (const GraphNodeText& t : content.nodes) {
        const double w = std::max({boldMetrics.horizontalAdvance(t.title), metrics.horizontalAdvance(t.value),
                                   metrics.horizontalAdvance(t.gradient), metrics.horizontalAdvance(t.pending)});
        sizes.emplace_back(w + 2 * m_.pad, 3 * m_.line + 2 * m_.pad);
    }
    return sizes;
}

std::vector<QSizeF> GraphSceneBuilder::labelSizes(const GraphContent& content) const
{
    // Two lines, name over value, to keep the gaps the labels sit in narrow.
    const QFontMetricsF metrics(style_.font);
    std::vector<QSizeF> sizes(content.shares.size());
    for (std::size_t e = 0; e < content.shares.size(); ++e)
        if (!content.shares[e].isEmpty()) {
            const QStringList lines = content.shares[e].split(QLatin1Char('\n'));
            sizes[e] = QSizeF(std::max(metrics.horizontalAdvance(lines.front()), metrics.horizontalAdvance(lines.back())) + 2 * m_.pad,
                              2 * m_.line + m_.pad);
        }
    return sizes;
}

std::vector<bool> GraphSceneBuilder::focusOf(const GraphContent& content)
{
    const Graph& g = *content.graph;
    std::vector<bool> focus = content.state.nodeActive;
    for (std::size_t e = 0; e < g.edges().size(); ++e) {
        const std::size_t a = g.nodeIndex(g.edges()[e].from), b = g.nodeIndex(g.edges()[e].to);
        if (content.state.edgeActive[e] || content.state.nodeActive[a] || content.state.nodeActive[b])
            focus[a] = focus[b] = true;  // a lit edge's ends too: the gradient's way is never faded
    }
    return focus;
}

GraphDrawing GraphSceneBuilder::build(QGraphicsScene* scene, const GraphContent& content, const QSizeF& pane,
                                      const QString& reason) const
{
    scene->clear();
    const std::vector<QSizeF> labels = labelSizes(content);
    double fitScale = 1;
    GraphDrawing drawing;
    drawing.geometry = layoutGraphFor(*content.graph, pane, nodeSizes(content), labels, m_.gap, &fitScale);
    double top = 0;
    if (!reason.isEmpty()) {
        auto* banner = scene->addSimpleText(reason, bold_);
        banner->setBrush(style_.text);
        banner->setPos(m_.gap / 2, m_.gap / 2);
        banner->setData(kNameRole, QStringLiteral("reason"));
        top = m_.line + m_.gap / 2;
    }
    for (QRectF& box : drawing.geometry.nodes)
        box.translate(0, top);
    const std::vector<bool> focus = focusOf(content);
    addNodes(scene, content, focus, &drawing);
    addEdges(scene, content, focus, labels, &drawing);
    scene->setSceneRect(QRectF(QPointF(0, 0), drawing.geometry.size + QSizeF(0, top)));
    return drawing;
}

void GraphSceneBuilder::addNodes(QGraphicsScene* scene, const GraphContent& content, const std::vector<bool>& focus,
                                 GraphDrawing* drawing) const
{
    const auto& nodes = content.graph->nodes();
    const bool anyLit = std::find(content.state.nodeActive.begin(), content.state.nodeActive.end(), true)
                        != content.state.nodeActive.end();
    QFont italic = style_.font;
    italic.setItalic(true);
    for (std::size_t n = 0; n < nodes.size(); ++n) {
        const QRectF box = drawing->geometry.nodes[n];
        const bool active = content.state.nodeActive[n];
        auto* rect = scene->addRect(box, QPen(active ? style_.accent : style_.edgeInk, active ? 3 : 1.2),
                                    active ? blend(style_.base, style_.accent, 0.15) : style_.base);
        rect->setZValue(1);
        rect->setData(kActiveRole, active);
        rect->setData(kNameRole, qs(nodes[n].id));
        if (style_.fadeContext && anyLit && !focus[n])
            rect->setOpacity(kFaded);
        const GraphNodeText& t = content.nodes[n];
        const bool reached = content.state.gradientReached[n] && !t.gradient.isEmpty();
        const QString lines[] = {t.title, t.value, reached ? t.gradient : t.pending};
        for (int k = 0; k < 3; ++k) {
            auto* item = new QGraphicsSimpleTextItem(lines[k], rect);
            item->setFont(k == 0 ? bold_ : k == 2 && !reached ? italic : style_.font);
            item->setBrush(k == 2 ? (reached ? style_.accent : style_.muted) : style_.text);
            item->setPos(box.topLeft() + QPointF(m_.pad, m_.pad + k * m_.line));
        }
        rect->setToolTip(QStringList(std::begin(lines), std::end(lines)).join(QLatin1Char('\n')));
        if (active) {
            if (drawing->firstLit.isNull())
                drawing->firstLit = box;
            drawing->litNodes |= box;
            drawing->litEnds |= box;
        }
        if (focus[n])
            drawing->focus |= box;
    }
}

void GraphSceneBuilder::addEdges(QGraphicsScene* scene, const GraphContent& content, const std::vector<bool>& focus,
                                 const std::vector<QSizeF>& labelSizes, GraphDrawing* drawing) const
{
    const Graph& g = *content.graph;
    const auto& edges = g.edges();
    const GraphState& state = content.state;
    const bool anyLit = !drawing->litNodes.isNull();
    const double headSize = m_.line * 0.7;
    // Labels go beside their edges, clear of the boxes, of each other and of the other edges
    // where there is room (an edge counts as a row of small squares along it).
    std::vector<QRectF> obstacles = drawing->geometry.nodes;
    for (const GraphEdge& edge : edges) {
        const auto [a, b] = edgeEnds(drawing->geometry.nodes[g.nodeIndex(edge.from)], drawing->geometry.nodes[g.nodeIndex(edge.to)]);
        const int samples = std::max(2, int(QLineF(a, b).length() / m_.pad));
        for (int k = 0; k <= samples; ++k)
            obstacles.emplace_back(a + (b - a) * (double(k) / samples) - QPointF(1, 1), QSizeF(2, 2));
    }
    for (std::size_t e = 0; e < edges.size(); ++e) {
        const std::size_t from = g.nodeIndex(edges[e].from), to = g.nodeIndex(edges[e].to);
        const auto [out, in] = edgeEnds(drawing->geometry.nodes[from], drawing->geometry.nodes[to]);
        const bool active = state.edgeActive[e];
        const bool backward = active && state.backward;
        const double opacity = style_.fadeContext && anyLit && !(focus[from] && focus[to]) ? kFaded : 1.0;
        const QPointF tail = backward ? in : out, tip = backward ? out : in;
        const QPen pen(active ? style_.accent : style_.edgeInk, active ? 4 : 1.5, Qt::SolidLine, Qt::RoundCap);
        auto* lineItem = scene->addLine(QLineF(tail, tip), pen);
        const QString name = qs(edges[e].from) + QLatin1Char('>') + qs(edges[e].to);
        lineItem->setData(kActiveRole, active);
        lineItem->setData(kNameRole, name);
        lineItem->setData(kArrowRole, backward ? qs(edges[e].to) + QLatin1Char('>') + qs(edges[e].from) : name);
        lineItem->setOpacity(opacity);
        auto* head = scene->addPolygon(arrowHead(tail, tip, active ? headSize * 1.4 : headSize), QPen(pen.color(), 1), pen.color());
        head->setOpacity(opacity);
        if (active) {
            lineItem->setZValue(0.5);
            head->setZValue(0.5);
            drawing->lit.push_back({lineItem, head, tail, tip, headSize * 1.4});
            drawing->litEnds |= drawing->geometry.nodes[from] | drawing->geometry.nodes[to];
        }
        if (content.shares[e].isEmpty() || !state.shareReached[e])
            continue;
        const QRectF labelBox = labelBeside(out, in, labelSizes[e], m_.pad, obstacles);
        obstacles.push_back(labelBox);
        auto* back = scene->addRect(labelBox, QPen(active ? style_.accent : style_.edgeInk, 1), style_.base);
        back->setZValue(2);
        back->setData(kLabelRole, true);
        back->setData(kNameRole, name);
        back->setOpacity(opacity);
        auto* label = new QGraphicsSimpleTextItem(content.shares[e], back);
        label->setFont(style_.font);
        label->setBrush(style_.accent);
        label->setPos(labelBox.topLeft() + QPointF(m_.pad, m_.pad / 2));
    }
}

}  // namespace bnflow::ui
