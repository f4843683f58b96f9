#include <walkthrough/graph_view.h>

#include <document/display_settings.h>
#include <document/session_document.h>
#include <files/atomic_write.h>
#include <walkthrough/walkthrough_state.h>

#include <graph.h>

#include <QBuffer>
#include <QFileInfo>
#include <QGraphicsRectItem>
#include <QGraphicsTextItem>
#include <QPdfWriter>
#include <QSvgGenerator>
#include <QWheelEvent>

#include <cmath>

namespace bnflow::ui {
namespace {

constexpr double kNodeWidth = 175, kColumnStep = 205, kRowStep = 150;  // at a 10 pt font
constexpr int kActiveRole = 1;  // QGraphicsItem::data(): active flag
constexpr int kNameRole = 2;    // node id or "from>to"

// Feature j's column of quantity `id`; a cell that exercise mode hides is a "?".
QString columnText(const Eigen::Map<const Matrix>& m, int j, const DisplaySettings& d,
                   const Exercise& exercise, std::string_view id)
{
    QStringList parts;
    const int n = int(m.rows());
    for (int i = 0; i < n; ++i) {
        if (n > 4 && i == 2) {
            parts << QStringLiteral("…");
            i = n - 1;
        }
        parts << (exercise.isHidden(id, i, j) ? QStringLiteral("?") : d.format(m(i, j)));
    }
    return n == 1 ? parts.front() : QStringLiteral("[") + parts.join(QStringLiteral(", ")) + QStringLiteral("]");
}

QString fromUtf8(std::string_view text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

}  // namespace

GraphView::GraphView(const SessionDocument* document, const WalkthroughState* state,
                     const DisplaySettings* display, QWidget* parent)
    : QGraphicsView(parent), document_(document), state_(state), display_(display)
{
    setScene(new QGraphicsScene(this));
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    setDragMode(QGraphicsView::ScrollHandDrag);
    setToolTip(tr("Ctrl + wheel zooms; drag to pan"));
    connect(document_, &SessionDocument::resultsChanged, this, &GraphView::rebuild);
    connect(state_, &WalkthroughState::changed, this, &GraphView::rebuild);
    connect(display_, &DisplaySettings::changed, this, &GraphView::rebuild);
    rebuild();
}

void GraphView::rebuild()
{
    QGraphicsScene* s = scene();
    s->clear();
    const QPalette pal = palette();
    const QColor text = pal.color(QPalette::Text), base = pal.color(QPalette::Base);
    const QColor accent = pal.color(QPalette::Highlight), muted = pal.color(QPalette::PlaceholderText);
    const auto& nodes = graphNodes();
    const auto& edges = graphEdges();
    const GraphState graph = graphStateAt(std::size_t(state_->step()));
    const int j = std::min(state_->feature(), int(document_->session().features()) - 1);
    const Exercise& exercise = document_->session().exercise;

    const double k = std::max(1.0, font().pointSizeF() / 10.0);  // geometry grows with the text
    std::vector<QRectF> boxes(nodes.size());
    for (std::size_t n = 0; n < nodes.size(); ++n) {
        const GraphNode& node = nodes[n];
        const Quantity& q = node.quantity();
        QString html = QStringLiteral("<b>%1</b>").arg(QString::fromStdString(labelWithSymbol(q)).toHtmlEscaped());
        if (const auto value = document_->value(node.id))
            html += QStringLiteral("<br>%1").arg(columnText(*value, j, *display_, exercise, node.id).toHtmlEscaped());
        const auto grad = document_->value(node.gradient);
        if (graph.gradientReached[n] && grad) {
            html += QStringLiteral("<br><span style='color:%1'>%2 = %3</span>")
                        .arg(accent.name(), fromUtf8(quantity(node.gradient).label).toHtmlEscaped(),
                             columnText(*grad, j, *display_, exercise, node.gradient).toHtmlEscaped());
            const auto shares = fanOut(node.id);
            if (shares.size() > 1)
                for (const GraphEdge* e : shares)
                    if (const auto share = document_->value(e->share))
                        html += QStringLiteral("<br><small>&nbsp;&nbsp;+ via %1: %2</small>")
                                    .arg(fromUtf8(quantity(e->to).label).toHtmlEscaped(),
                                         columnText(*share, j, *display_, exercise, e->share).toHtmlEscaped());
        } else {
            html += QStringLiteral("<br><i style='color:%1'>gradient not computed yet</i>").arg(muted.name());
        }
        auto* label = new QGraphicsTextItem;
        label->setFont(font());
        label->setHtml(html);
        label->setDefaultTextColor(text);
        label->setTextWidth(kNodeWidth * k - 12);
        const QPointF origin(node.column * kColumnStep * k, node.row * kRowStep * k);
        const QRectF box(origin, QSizeF(kNodeWidth * k, label->boundingRect().height() + 12));
        auto* rect = s->addRect(box, QPen(graph.nodeActive[n] ? accent : muted, graph.nodeActive[n] ? 3 : 1),
                                graph.nodeActive[n] ? QColor::fromRgbF(accent.redF(), accent.greenF(), accent.blueF(), 0.12f) : base);
        rect->setData(kActiveRole, bool(graph.nodeActive[n]));
        rect->setData(kNameRole, QString::fromUtf8(node.id.data(), int(node.id.size())));
        rect->setToolTip(html);
        label->setParentItem(rect);
        label->setPos(origin + QPointF(6, 6));
        boxes[n] = box;
    }
    const auto indexOf = [&nodes](std::string_view id) {
        for (std::size_t n = 0; n < nodes.size(); ++n)
            if (nodes[n].id == id)
                return n;
        return std::size_t(0);
    };
    for (std::size_t e = 0; e < edges.size(); ++e) {
        const QRectF a = boxes[indexOf(edges[e].from)], b = boxes[indexOf(edges[e].to)];
        const QPointF from(a.right(), a.center().y()), to(b.left(), b.center().y());
        const QPen pen(graph.edgeActive[e] ? accent : muted, graph.edgeActive[e] ? 3.5 : 1.5);
        auto* line = s->addLine(QLineF(from, to), pen);
        line->setData(kActiveRole, bool(graph.edgeActive[e]));
        line->setData(kNameRole, QString::fromStdString(std::string(edges[e].from) + ">" + std::string(edges[e].to)));
        const double angle = std::atan2(to.y() - from.y(), to.x() - from.x());
        QPolygonF head;
        head << to << to - QPointF(std::cos(angle - 0.4) * 12, std::sin(angle - 0.4) * 12)
             << to - QPointF(std::cos(angle + 0.4) * 12, std::sin(angle + 0.4) * 12);
        s->addPolygon(head, pen, pen.color());
    }
    s->setSceneRect(s->itemsBoundingRect().adjusted(-10, -10, 10, 10));
    if (!userZoomed_)
        fit();
}

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

QString GraphView::nodeText(const QString& nodeId) const
{
    for (QGraphicsItem* item : scene()->items())
        if (dynamic_cast<QGraphicsRectItem*>(item) && item->data(kNameRole).toString() == nodeId)
            for (QGraphicsItem* child : item->childItems())
                if (auto* text = dynamic_cast<QGraphicsTextItem*>(child))
                    return text->toPlainText();
    return {};
}

void GraphView::fit()
{
    fitInView(scene()->sceneRect(), Qt::KeepAspectRatio);
}

void GraphView::wheelEvent(QWheelEvent* event)
{
    if (!(event->modifiers() & Qt::ControlModifier)) {
        QGraphicsView::wheelEvent(event);
        return;
    }
    userZoomed_ = true;
    const double factor = event->angleDelta().y() > 0 ? 1.15 : 1 / 1.15;
    scale(factor, factor);
}

void GraphView::resizeEvent(QResizeEvent* event)
{
    QGraphicsView::resizeEvent(event);
    if (!userZoomed_)
        fit();
}

void GraphView::changeEvent(QEvent* event)
{
    QGraphicsView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange)
        rebuild();
}

void GraphView::renderTo(QPainter* painter, const QRectF& target)
{
    scene()->render(painter, target, scene()->sceneRect(), Qt::KeepAspectRatio);
}

bool GraphView::exportTo(const QString& path, QString* error)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    const QRectF rect = scene()->sceneRect();
    // Painted into memory first; only a complete image reaches the disk.
    QByteArray bytes;
    QBuffer file(&bytes);
    file.open(QIODevice::WriteOnly);
    bool painted = true;
    if (suffix == QLatin1String("png")) {
        QImage image((rect.size() * 2).toSize(), QImage::Format_ARGB32);
        image.fill(palette().color(QPalette::Base));
        QPainter painter(&image);
        painter.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
        renderTo(&painter, QRectF(QPointF(0, 0), image.size()));
        painted = painter.end() && image.save(&file, "PNG");
    } else if (suffix == QLatin1String("svg")) {
        QSvgGenerator svg;
        svg.setOutputDevice(&file);
        svg.setSize(rect.size().toSize());
        svg.setViewBox(QRectF(QPointF(0, 0), rect.size()));
        svg.setTitle(QStringLiteral("bnflow computational graph"));
        QPainter painter(&svg);
        renderTo(&painter, QRectF(QPointF(0, 0), rect.size()));
        painted = painter.end();
    } else if (suffix == QLatin1String("pdf")) {
        QPdfWriter pdf(&file);
        pdf.setPageSize(QPageSize(QPageSize::A4));
        pdf.setPageOrientation(QPageLayout::Landscape);
        QPainter painter(&pdf);
        renderTo(&painter, QRectF(QPointF(0, 0), QSizeF(pdf.width(), pdf.height())));
        painted = painter.end();
    } else {
        *error = QFileInfo(path).fileName() + tr(": expected a .png, .svg or .pdf file");
        return false;
    }
    if (!painted || bytes.isEmpty()) {
        *error = files::writeError(path, tr("the graph could not be rendered"));
        return false;
    }
    return files::writeFileAtomically(path, bytes, error);
}

}  // namespace bnflow::ui
