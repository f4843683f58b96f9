// GraphView's printing and exports: the graph laid out for a page (the handout, File > Export
// graph as PDF) and the PNG and SVG images of the graph as the pane shows it.
#include <walkthrough/graph_view.h>

#include <files/atomic_write.h>

#include <QApplication>
#include <QBuffer>
#include <QFileInfo>
#include <QGraphicsSimpleTextItem>
#include <QPainter>
#include <QPdfWriter>
#include <QStyle>
#include <QSvgGenerator>

#include <algorithm>

namespace bnflow::ui {

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
