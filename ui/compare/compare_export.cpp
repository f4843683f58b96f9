// The comparison written as PNG, PDF or SVG: the two tables, their difference and the summary,
// at the widget's size, whole or not at all.
#include <compare/compare_panel.h>

#include <files/atomic_write.h>

#include <QBuffer>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QPainter>
#include <QPdfWriter>
#include <QSvgGenerator>

namespace bnflow::ui {

bool ComparePanel::exportTo(const QString& path, QString* error) const
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    // The tables and the summary, without the empty space the panel keeps below them.
    const QRect area(0, 0, sheet_->width(), std::min(sheet_->height(), summary_->mapTo(sheet_, QPoint(0, summary_->height())).y() + 8));
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
        if (!sheet_->grab(area).save(&buffer, "PNG"))
            return fail(tr("the comparison could not be rendered"));
    } else if (suffix == QLatin1String("pdf")) {
        QPdfWriter pdf(&buffer);
        pdf.setPageSize(QPageSize(QSizeF(size), QPageSize::Point));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        pdf.setResolution(72);  // one widget pixel per point: the page is the widget's size
        pdf.setTitle(tr("bnflow comparison"));
        pdf.setCreator(QStringLiteral("bnflow"));
        QPainter painter;
        if (!painter.begin(&pdf))
            return fail(tr("the PDF could not be started"));
        sheet_->render(&painter, QPoint(), QRegion(area));
        if (!painter.end())
            return fail(tr("the PDF could not be finished"));
    } else if (suffix == QLatin1String("svg")) {
        QSvgGenerator svg;
        svg.setOutputDevice(&buffer);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle(tr("bnflow comparison"));
        QPainter painter;
        if (!painter.begin(&svg))
            return fail(tr("the SVG could not be started"));
        sheet_->render(&painter, QPoint(), QRegion(area));
        if (!painter.end())
            return fail(tr("the SVG could not be finished"));
    } else {
        return fail(tr("unknown image type; use .png, .pdf or .svg"));
    }
    return files::writeFileAtomically(path, bytes, error);
}

void ComparePanel::chooseAndExport()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the comparison"), QStringLiteral("comparison.png"),
                                                      tr("Images (*.png *.pdf *.svg)"));
    if (path.isEmpty())
        return;
    QString error;
    if (exportTo(path, &error))
        emit message(tr("Comparison written to %1").arg(QDir::toNativeSeparators(path)));
    else
        emit message(error);
}

}  // namespace bnflow::ui
