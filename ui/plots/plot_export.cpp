#include <plots/plot_export.h>

#include <document/display_settings.h>

#include <qcustomplot.h>

#include <QBuffer>
#include <QFileInfo>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QTemporaryDir>

namespace bnflow::ui {
namespace {

bool writeWhole(const QString& path, const QByteArray& bytes, QString* error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        if (error)
            *error = QStringLiteral("%1: cannot be written (%2)").arg(path, file.errorString());
        return false;
    }
    return true;
}

QString csvField(const QString& text)
{
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) && !text.contains(QLatin1Char('\n')))
        return text;
    QString quoted = text;
    quoted.replace(QStringLiteral("\""), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString number(const std::vector<double>& values, std::size_t k)
{
    return k < values.size() ? DisplaySettings::fullPrecision(values[k]) : QString();
}

}  // namespace

std::optional<ImageFormat> imageFormatFor(const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("png")) return ImageFormat::Png;
    if (suffix == QLatin1String("pdf")) return ImageFormat::Pdf;
    if (suffix == QLatin1String("svg")) return ImageFormat::Svg;
    return std::nullopt;
}

QByteArray renderPlotBytes(const PlotSpec& spec, ImageFormat format, const ExportSize& size,
                           const PlotStyle& style)
{
    QCustomPlot plot;
    plot.resize(size.width, size.height);
    renderPlot(&plot, spec, style);
    QByteArray bytes;
    switch (format) {
    case ImageFormat::Png: {
        QImage image = plot.toPixmap(size.width, size.height, size.dpi / 96.0).toImage();
        image.setDotsPerMeterX(qRound(size.dpi / 0.0254));
        image.setDotsPerMeterY(qRound(size.dpi / 0.0254));
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        image.save(&buffer, "PNG");
        break;
    }
    case ImageFormat::Pdf: {
        // QCustomPlot prints to a file name only: print into a private directory, read it back.
        QTemporaryDir dir;
        const QString temporary = dir.filePath(QStringLiteral("plot.pdf"));
        if (dir.isValid() && plot.savePdf(temporary, size.width, size.height)) {
            QFile file(temporary);
            if (file.open(QIODevice::ReadOnly))
                bytes = file.readAll();
        }
        break;
    }
    case ImageFormat::Svg: {
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        QSvgGenerator svg;
        svg.setOutputDevice(&buffer);
        svg.setSize(QSize(size.width, size.height));
        svg.setViewBox(QRect(0, 0, size.width, size.height));
        svg.setTitle(spec.title);
        QCPPainter painter;
        if (painter.begin(&svg)) {
            plot.toPainter(&painter, size.width, size.height);
            painter.end();
        }
        break;
    }
    }
    return bytes;
}

bool exportPlot(const PlotSpec& spec, const QString& path, const ExportSize& size,
                const PlotStyle& style, QString* error)
{
    const auto format = imageFormatFor(path);
    if (!format) {
        if (error)
            *error = QStringLiteral("%1: unknown image type; use .png, .pdf or .svg").arg(path);
        return false;
    }
    const QByteArray bytes = renderPlotBytes(spec, *format, size, style);
    if (bytes.isEmpty()) {
        if (error)
            *error = QStringLiteral("%1: the plot could not be rendered").arg(path);
        return false;
    }
    return writeWhole(path, bytes, error);
}

QByteArray plotCsv(const PlotSpec& spec)
{
    QString text = QStringLiteral("panel,series,x,y,low,high,label\n");
    for (std::size_t p = 0; p < spec.panels.size(); ++p)
        for (const Series& s : spec.panels[p].series)
            for (std::size_t k = 0; k < s.x.size(); ++k)
                text += QStringLiteral("%1,%2,%3,%4,%5,%6,%7\n")
                            .arg(p)
                            .arg(csvField(s.name), number(s.x, k), number(s.y, k), number(s.low, k),
                                 number(s.high, k), csvField(s.labels.value(int(k))));
    return text.toUtf8();
}

bool exportPlotCsv(const PlotSpec& spec, const QString& path, QString* error)
{
    return writeWhole(path, plotCsv(spec), error);
}

}  // namespace bnflow::ui
