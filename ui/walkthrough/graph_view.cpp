#include <walkthrough/graph_view.h>
#include <walkthrough/graph_content.h>

#include <document/display_settings.h>
#include <document/session_document.h>
#include <files/atomic_write.h>
#include <walkthrough/walkthrough_state.h>

#include <core/teach/graph.h>

#include <QApplication>
#include <QBuffer>
#include <QFileInfo>
#include <QFontInfo>
#include <QFontMetricsF>
#include <QGraphicsLineItem>
#include <QGraphicsPolygonItem>
#include <QGraphicsSimpleTextItem>
#include <QPainter>
#include <QPdfWriter>
#include <QStyle>
#include <QSvgGenerator>
#include <QVariantAnimation>
#include <QWheelEvent>

#include <algorithm>

namespace bnflow::ui {
namespace {

constexpr double kMaxFitScale = 1.25;  // Fit enlarges a small graph in a large pane this far

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
    // A rebuild in the middle of a step's animation (the pane resized as the text above it
    // took another line) carries the animation on where it was, instead of ending it.
    const int step = state_->step();
    const bool resume = isAnimating() && drawnStep_ == step && layoutTarget_.isEmpty();
    if (!resume)
        animation_->stop();
    // The texts and what is lit (graph_content.h); the items (graph_scene.h); here the zoom,
    // the scrolling and the animation.
    const GraphContent content = graphContent(*document_, *state_, *display_);
    QString reason;
    if (!content.computed)
        reason = document_->problems().empty()
                     ? tr("This session cannot be computed.")
                     : tr("No gradients: this session cannot be computed: %1")
                           .arg(QString::fromStdString(formatProblem(document_->problems().front())));
    GraphStyle style = GraphStyle::from(palette(), font());
    style.fadeContext = focusText_ > 0 && layoutTarget_.isEmpty();
    const QSizeF pane = layoutTarget_.isEmpty() ? QSizeF(contentsRect().size()) : layoutTarget_;
    drawing_ = GraphSceneBuilder(style).build(scene(), content, pane, reason);

    if (layoutTarget_.isEmpty() && !userZoomed_)
        setTransform(QTransform::fromScale(fitZoom(pane), fitZoom(pane)));
    if (layoutTarget_.isEmpty())
        keepInView();
    const bool stepped = drawnStep_ != step;
    drawnStep_ = step;
    if (resume) {
        drawLit(animation_->currentValue().toDouble());
    } else if (stepped && content.state.backward && !drawing_.lit.empty() && display_->animateGraph()
               && layoutTarget_.isEmpty() && isVisible()) {
        drawLit(0);
        animation_->start();
    } else {
        drawLit(1);
    }
}

double GraphView::fitZoom(const QSizeF& pane) const
{
    // Never smaller than the interface font (the pane scrolls instead), larger when there is
    // room. In lecture mode the graph's font is larger: it then shrinks to fit the projector's
    // pane, down to minimumZoom(), but the step's digits no smaller than focusText_ of the
    // window's height (the rest of the graph scrolls out of the pane, faded).
    const QRectF drawn = scene()->sceneRect();
    const double fit = std::clamp(std::min(pane.width() / drawn.width(), pane.height() / drawn.height()), minimumZoom(),
                                  std::max(kMaxFitScale, minimumZoom()));
    if (focusText_ <= 0)
        return fit;
    // The digits as drawn (their ink, not the font's line): what a room has to read.
    const double digits = QFontMetricsF(font()).tightBoundingRect(QStringLiteral("0123456789")).height();
    const double room = std::max(fit, focusText_ * window()->height() / digits);
    // But the step's nodes and both ends of its lit edges whole in the pane (issue 26: at batch
    // norm's step 13 the far end of x - mu's edge to mu was cut at the pane's edge): where they
    // do not fit at the room's size, the graph shrinks as far as they need, and no further (the
    // interface font's size is the floor, minimumZoom()).
    if (drawing_.litEnds.isEmpty())
        return room;
    const QSizeF inside = lectureRoom(pane);
    const double whole = std::min(inside.width() / drawing_.litEnds.width(), inside.height() / drawing_.litEnds.height());
    return std::max(std::min(room, whole), minimumZoom());
}

QSizeF GraphView::lectureRoom(const QSizeF& pane) const
{
    // The pane less keepInView()'s margins and the scroll bars (the graph at lecture size is
    // larger than the pane: both show).
    const int margin = fontMetrics().averageCharWidth() * 2;
    const int bar = style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, this);
    return pane - QSizeF(2 * margin + bar, 2 * margin + bar);
}

void GraphView::setFocusText(double fractionOfWindowHeight)
{
    if (fractionOfWindowHeight == focusText_)
        return;
    focusText_ = fractionOfWindowHeight;
    rebuild();
}

void GraphView::keepInView()
{
    // The step's nodes on screen in a pane smaller than the graph (a laptop's walkthrough, or
    // lecture mode's large type): with their neighbours when all of them fit, else the lit ones
    // when they fit, and at least the first (the step's own quantity, or the end the gradient
    // leaves from) when they do not.
    if (drawing_.firstLit.isNull())
        return;
    const int margin = fontMetrics().averageCharWidth() * 2;
    const QSizeF room = QSizeF(viewport()->size() - QSize(2 * margin, 2 * margin)) / transform().m11();
    const auto fits = [&room](const QRectF& r) { return r.width() <= room.width() && r.height() <= room.height(); };
    if (focusText_ > 0 && !fits(drawing_.focus) && fits(drawing_.litEnds)) {
        // Lecture mode: the lit nodes and the ends of the lit edges whole, and as much of their
        // neighbours around them as the pane holds, centred on them all.
        const QRectF lit = drawing_.litEnds;
        const QPointF centre = drawing_.focus.center();
        centerOn(std::clamp(centre.x(), lit.right() - room.width() / 2, lit.left() + room.width() / 2),
                 std::clamp(centre.y(), lit.bottom() - room.height() / 2, lit.top() + room.height() / 2));
    } else if (fits(drawing_.focus)) {
        ensureVisible(drawing_.focus, margin, margin);
    }
    if (focusText_ > 0 && fits(drawing_.litEnds))
        ensureVisible(drawing_.litEnds, margin, margin);
    ensureVisible(drawing_.litNodes, margin, margin);
    ensureVisible(drawing_.firstLit, margin, margin);
}

void GraphView::drawLit(double progress)
{
    // The gradient runs from the output end of each lit edge towards its input end.
    for (const LitEdge& edge : drawing_.lit) {
        const QPointF tip = edge.start + (edge.end - edge.start) * progress;
        edge.line->setLine(QLineF(edge.start, tip));
        const QPolygonF full = GraphSceneBuilder::arrowHead(edge.start, edge.end, edge.headSize);
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

// Printing and exports: the graph laid out for a page (the handout, File > Export graph as
// PDF) and the PNG and SVG images of the graph as the pane shows it.
double GraphView::print(QPainter* painter, const QRectF& target, double deviceDpi)
{
    // Paper is white whatever the theme: print colours while painting, then the screen's again.
    const bool ownPalette = testAttribute(Qt::WA_SetPalette);
    const QPalette screenPalette = palette();
    setPalette(QApplication::style()->standardPalette());
    const double sceneDpi = logicalDpiY();
    layoutTarget_ = target.size() * (sceneDpi / deviceDpi);
    rebuild();
    const QRectF source = scene()->sceneRect();
    const double k = std::min(target.width() / source.width(), target.height() / source.height());
    scene()->render(painter, QRectF(target.topLeft(), source.size() * k), source);
    double smallest = 1e9;
    for (QGraphicsItem* item : scene()->items())
        if (auto* text = dynamic_cast<QGraphicsSimpleTextItem*>(item))
            smallest = std::min(smallest, text->font().pointSizeF());
    layoutTarget_ = QSizeF();
    setPalette(ownPalette ? screenPalette : QPalette());
    rebuild();
    return smallest * k * sceneDpi / deviceDpi;
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
        scene()->render(&painter, QRectF(QPointF(0, 0), image.size()), rect);
        painted = painter.end() && image.save(&file, "PNG");
    } else if (suffix == QLatin1String("svg")) {
        QSvgGenerator svg;
        svg.setOutputDevice(&file);
        svg.setSize(rect.size().toSize());
        svg.setViewBox(QRectF(QPointF(0, 0), rect.size()));
        svg.setTitle(QStringLiteral("bnflow computational graph"));
        QPainter painter(&svg);
        scene()->render(&painter, QRectF(QPointF(0, 0), rect.size()), rect);
        painted = painter.end();
    } else if (suffix == QLatin1String("pdf")) {
        // A landscape page the graph fills from margin to margin.
        QPdfWriter pdf(&file);
        pdf.setPageSize(QPageSize(QPageSize::A4));
        pdf.setPageOrientation(QPageLayout::Landscape);
        pdf.setPageMargins(QMarginsF(12, 12, 12, 12), QPageLayout::Millimeter);
        QPainter painter(&pdf);
        print(&painter, QRectF(0, 0, pdf.width(), pdf.height()), pdf.resolution());
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
