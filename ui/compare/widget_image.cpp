#include <compare/widget_image.h>

#include <files/atomic_write.h>

#include <QBuffer>
#include <QFileInfo>
#include <QPainter>
#include <QPdfWriter>
#include <QSvgGenerator>
#include <QWidget>

namespace bnflow::ui {

bool writeWidgetImage(QWidget& widget, const QRect& area, const QString& path,
                      const QString& title, QString* error)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    const QSize size = area.size();
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    const auto fail = [&](const QString& why) {
        if (error)
            *error = files::writeError(path, why);
        return false;
    };
    if (suffix == QLatin1String("png")) {
        if (!widget.grab(area).save(&buffer, "PNG"))
            return fail(QObject::tr("the image could not be rendered"));
    } else if (suffix == QLatin1String("pdf")) {
        QPdfWriter pdf(&buffer);
        pdf.setPageSize(QPageSize(QSizeF(size), QPageSize::Point));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        pdf.setResolution(72);  // one widget pixel per point: the page is the widget's size
        pdf.setTitle(title);
        pdf.setCreator(QStringLiteral("bnflow"));
        QPainter painter;
        if (!painter.begin(&pdf))
            return fail(QObject::tr("the PDF could not be started"));
        widget.render(&painter, QPoint(), QRegion(area));
        if (!painter.end())
            return fail(QObject::tr("the PDF could not be finished"));
    } else if (suffix == QLatin1String("svg")) {
        QSvgGenerator svg;
        svg.setOutputDevice(&buffer);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle(title);
        QPainter painter;
        if (!painter.begin(&svg))
            return fail(QObject::tr("the SVG could not be started"));
        widget.render(&painter, QPoint(), QRegion(area));
        if (!painter.end())
            return fail(QObject::tr("the SVG could not be finished"));
    } else {
        return fail(QObject::tr("unknown image type; use .png, .pdf or .svg"));
    }
    return files::writeFileAtomically(path, bytes, error);
}

}  // namespace bnflow::ui
