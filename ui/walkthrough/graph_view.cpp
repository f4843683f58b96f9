#include <walkthrough/graph_view.h>
#include <walkthrough/graph_content.h>

#include <walkthrough/graph_items.h>

#include <document/display_settings.h>
#include <document/session_document.h>
#include <walkthrough/walkthrough_state.h>

#include <core/teach/graph.h>

#include <QApplication>
#include <QFontInfo>
#include <QGraphicsLineItem>
#include <QGraphicsPolygonItem>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QVariantAnimation>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <optional>

namespace bnflow::ui {
namespace {

using namespace graph_items;
constexpr double kMaxFitScale = 1.25;  // Fit enlarges a small graph in a large pane this far

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

QPolygonF arrowHead(const QPointF& from, const QPointF& to, double size)
{
    const double angle = std::atan2(to.y() - from.y(), to.x() - from.x());
    QPolygonF head;
    head << to << to - QPointF(std::cos(angle - 0.4) * size, std::sin(angle - 0.4) * size)
         << to - QPointF(std::cos(angle + 0.4) * size, std::sin(angle + 0.4) * size);
    return head;
}

}  // namespace

GraphView::GraphView(const SessionDocument* document, const WalkthroughState* state,
                     const DisplaySettings* display, QWidget* parent)
    : QGraphicsView(parent), document_(document), state_(state), display_(display),
      animation_(new QVariantAnimation(this))
{
    setScene(new QGraphicsScene(this));
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    setDragMode(QGraphicsView::ScrollHandDrag);
    setToolTip(tr("Ctrl + wheel zooms; drag to pan; View > Fit graph fits it again"));
    animation_->setStartValue(0.0);
    animation_->setEndValue(1.0);
    animation_->setDuration(400);
    animation_->setEasingCurve(QEasingCurve::OutCubic);
    connect(animation_, &QVariantAnimation::valueChanged, this, [this](const QVariant& t) { drawLit(t.toDouble()); });
    connect(document_, &SessionDocument::resultsChanged, this, &GraphView::rebuild);
    connect(state_, &WalkthroughState::changed, this, &GraphView::rebuild);
    connect(display_, &DisplaySettings::changed, this, &GraphView::rebuild);
    rebuild();
}

void GraphView::rebuild()
{
    animation_->stop();
    lit_.clear();
    QGraphicsScene* s = scene();
    s->clear();
    const QPalette pal = palette();
    const QColor text = pal.color(QPalette::Text), base = pal.color(QPalette::Base);
    const QColor accent = readable(pal.color(QPalette::Highlight), base, text);
    const QColor muted = blend(text, base, 0.4);  // still 4.5:1 on either theme's base
    const QColor edgeInk = blend(text, base, 0.2);
    // The texts and what is lit (graph_content.h); here only their sizes, the layout and the items.
    const GraphContent content = graphContent(*document_, *state_, *display_);
    const Graph& g = *content.graph;
    const auto& nodes = g.nodes();
    const auto& edges = g.edges();
    const int step = state_->step();
    const GraphState& graph = content.state;
    const bool computed = content.computed;

    const QFont font = this->font();
    QFont bold = font;
    bold.setBold(true);
    const QFontMetricsF metrics(font), boldMetrics(bold);
    const double pad = metrics.averageCharWidth() * 0.8, line = metrics.lineSpacing();
    const double gap = metrics.averageCharWidth() * 4;
    // Each box is sized for every state of its gradient line, so that nothing moves from step
    // to step.
    const std::vector<GraphNodeText>& texts = content.nodes;
    std::vector<QSizeF> nodeSizes(nodes.size());
    for (std::size_t n = 0; n < nodes.size(); ++n) {
        const GraphNodeText& t = texts[n];
        const double w = std::max({boldMetrics.horizontalAdvance(t.title), metrics.horizontalAdvance(t.value),
                                   metrics.horizontalAdvance(t.gradient), metrics.horizontalAdvance(t.pending)});
        nodeSizes[n] = QSizeF(w + 2 * pad, 3 * line + 2 * pad);
    }
    // Two lines, name over value, to keep the gaps the labels sit in narrow.
    const std::vector<QString>& labels = content.shares;
    std::vector<QSizeF> labelSizes(edges.size());
    for (std::size_t e = 0; e < edges.size(); ++e)
        if (!labels[e].isEmpty()) {
            const QStringList lines = labels[e].split(QLatin1Char('\n'));
            labelSizes[e] = QSizeF(std::max(metrics.horizontalAdvance(lines.front()), metrics.horizontalAdvance(lines.back())) + 2 * pad,
                                   2 * line + pad);
        }

    double fitScale = 1;
    const QSizeF pane = layoutTarget_.isEmpty() ? QSizeF(contentsRect().size()) : layoutTarget_;
    geometry_ = layoutGraphFor(g, pane, nodeSizes, labelSizes, gap, &fitScale);

    // Why there are no gradients, above the graph.
    double top = 0;
    if (!computed) {
        const QString reason = document_->problems().empty()
                                   ? tr("This session cannot be computed.")
                                   : tr("No gradients: this session cannot be computed: %1")
                                         .arg(QString::fromStdString(formatProblem(document_->problems().front())));
        auto* banner = s->addSimpleText(reason, bold);
        banner->setBrush(text);
        banner->setPos(gap / 2, gap / 2);
        banner->setData(kNameRole, QStringLiteral("reason"));
        top = line + gap / 2;
    }

    for (std::size_t n = 0; n < nodes.size(); ++n) {
        const QRectF box = geometry_.nodes[n].translated(0, top);
        geometry_.nodes[n] = box;
        const bool active = graph.nodeActive[n];
        auto* rect = s->addRect(box, QPen(active ? accent : edgeInk, active ? 3 : 1.2),
                                active ? blend(base, accent, 0.15) : base);
        rect->setZValue(1);
        rect->setData(kActiveRole, active);
        rect->setData(kNameRole, qs(nodes[n].id));
        const GraphNodeText& t = texts[n];
        const bool reached = graph.gradientReached[n] && !t.gradient.isEmpty();
        const QString lines[] = {t.title, t.value, reached ? t.gradient : t.pending};
        for (int k = 0; k < 3; ++k) {
            auto* item = new QGraphicsSimpleTextItem(lines[k], rect);
            item->setFont(k == 0 ? bold : font);
            QFont italic = font;
            italic.setItalic(true);
            if (k == 2 && !reached)
                item->setFont(italic);
            item->setBrush(k == 2 ? (reached ? accent : muted) : text);
            item->setPos(box.topLeft() + QPointF(pad, pad + k * line));
        }
        rect->setToolTip(QStringList(std::begin(lines), std::end(lines)).join(QLatin1Char('\n')));
    }

    const auto indexOf = [&g](std::string_view id) { return g.nodeIndex(id); };
    const double headSize = line * 0.7;
    for (std::size_t e = 0; e < edges.size(); ++e) {
        const QRectF a = geometry_.nodes[indexOf(edges[e].from)], b = geometry_.nodes[indexOf(edges[e].to)];
        const auto [out, in] = edgeEnds(a, b);
        const bool active = graph.edgeActive[e];
        const bool backward = active && graph.backward;
        const QPointF tail = backward ? in : out, tip = backward ? out : in;
        const QPen pen(active ? accent : edgeInk, active ? 4 : 1.5, Qt::SolidLine, Qt::RoundCap);
        auto* lineItem = s->addLine(QLineF(tail, tip), pen);
        const QString name = qs(edges[e].from) + QLatin1Char('>') + qs(edges[e].to);
        lineItem->setData(kActiveRole, active);
        lineItem->setData(kNameRole, name);
        lineItem->setData(kArrowRole, backward ? qs(edges[e].to) + QLatin1Char('>') + qs(edges[e].from) : name);
        auto* head = s->addPolygon(arrowHead(tail, tip, active ? headSize * 1.4 : headSize), QPen(pen.color(), 1), pen.color());
        if (active) {
            lineItem->setZValue(0.5);
            head->setZValue(0.5);
            lit_.push_back({lineItem, head, tail, tip, headSize * 1.4});
        }
        if (!labels[e].isEmpty() && graph.shareReached[e]) {
            QRectF labelBox(QPointF(0, 0), labelSizes[e]);
            labelBox.moveCenter((out + in) / 2);
            auto* back = s->addRect(labelBox, QPen(active ? accent : edgeInk, 1), base);
            back->setZValue(2);
            back->setData(kLabelRole, true);
            back->setData(kNameRole, name);
            auto* label = new QGraphicsSimpleTextItem(labels[e], back);
            label->setFont(font);
            label->setBrush(accent);
            label->setPos(labelBox.topLeft() + QPointF(pad, pad / 2));
        }
    }
    s->setSceneRect(QRectF(QPointF(0, 0), geometry_.size + QSizeF(0, top)));

    if (layoutTarget_.isEmpty() && !userZoomed_) {
        // Never smaller than the interface font (the pane scrolls instead), larger when there is
        // room. In lecture mode the graph's font is larger: it then shrinks to fit the projector's
        // pane, down to minimumZoom(), so that the whole graph stays on screen.
        const double k = std::clamp(std::min(pane.width() / s->sceneRect().width(),
                                             pane.height() / s->sceneRect().height()), minimumZoom(),
                                    std::max(kMaxFitScale, minimumZoom()));
        setTransform(QTransform::fromScale(k, k));
    }
    if (layoutTarget_.isEmpty())
        keepInView(graph);
    const bool stepped = drawnStep_ != step;
    drawnStep_ = step;
    if (stepped && graph.backward && !lit_.empty() && display_->animateGraph() && layoutTarget_.isEmpty() && isVisible()) {
        drawLit(0);
        animation_->start();
    } else {
        drawLit(1);
    }
}

void GraphView::keepInView(const GraphState& graph)
{
    // The step's nodes on screen in a pane smaller than the graph (a laptop's walkthrough): all
    // of them when they fit, and at least the first (the step's own quantity, or the end the
    // gradient leaves from) when they do not.
    QRectF lit;
    std::optional<QRectF> first;
    for (std::size_t n = 0; n < geometry_.nodes.size() && n < graph.nodeActive.size(); ++n)
        if (graph.nodeActive[n]) {
            lit |= geometry_.nodes[n];
            if (!first)
                first = geometry_.nodes[n];
        }
    if (!first)
        return;
    const int margin = fontMetrics().averageCharWidth() * 2;
    ensureVisible(lit, margin, margin);
    ensureVisible(*first, margin, margin);
}

void GraphView::drawLit(double progress)
{
    // The gradient runs from the output end of each lit edge towards its input end.
    for (const LitEdge& edge : lit_) {
        const QPointF tip = edge.start + (edge.end - edge.start) * progress;
        edge.line->setLine(QLineF(edge.start, tip));
        const QPolygonF full = arrowHead(edge.start, edge.end, edge.headSize);
        edge.head->setPolygon(full.translated(tip - edge.end));
        edge.head->setVisible(progress > 0.05);
    }
}

bool GraphView::isAnimating() const
{
    return animation_->state() == QAbstractAnimation::Running;
}

double GraphView::minimumZoom() const
{
    const double interface = QFontInfo(QApplication::font()).pixelSize();
    const double own = QFontInfo(font()).pixelSize();
    if (!(own > interface && interface > 0))
        return 1.0;
    // Lecture mode: down to the interface font; on a scaled screen (QT_SCALE_FACTOR=2 on a
    // 1080p projector, 960 x 540 logical pixels) down to as many physical pixels as the
    // interface font has on an unscaled one, so that the whole graph fits the pane there too.
    const double ratio = std::max(1.0, devicePixelRatioF());
    return interface / ratio / own;
}

void GraphView::fit()
{
    userZoomed_ = false;
    rebuild();
}

void GraphView::wheelEvent(QWheelEvent* event)
{
    if (!(event->modifiers() & Qt::ControlModifier)) {
        QGraphicsView::wheelEvent(event);
        return;
    }
    userZoomed_ = true;
    // Zooming out stops at the interface font's size: below it the text would be unreadable.
    const double now = transform().m11();
    const double wanted = std::clamp(now * (event->angleDelta().y() > 0 ? 1.15 : 1 / 1.15), minimumZoom(), 6.0);
    scale(wanted / now, wanted / now);
}

void GraphView::resizeEvent(QResizeEvent* event)
{
    QGraphicsView::resizeEvent(event);
    rebuild();  // the layout follows the pane's shape
}

void GraphView::changeEvent(QEvent* event)
{
    QGraphicsView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange)
        rebuild();
}

}  // namespace bnflow::ui
