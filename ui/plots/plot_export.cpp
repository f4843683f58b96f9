#include <plots/plot_export.h>

#include <document/display_settings.h>
#include <files/atomic_write.h>
#include <plots/heatmap_renderer.h>

#include <qcustomplot.h>

#include <QBuffer>
#include <QFileInfo>
#include <QPdfWriter>
#include <QSvgGenerator>

#include <algorithm>

namespace bnflow::ui {
namespace {

// One line per point: a label's line break (tick labels have them) becomes a space, so that
// line-oriented tools (wc -l, grep, head) read the file right; quotes per RFC 4180.
QString csvField(const QString& label)
{
    QString text = label;
    text.replace(QStringLiteral("\r\n"), QStringLiteral(" "));
    text.replace(QLatin1Char('\n'), QLatin1Char(' ')).replace(QLatin1Char('\r'), QLatin1Char(' '));
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')))
        return text;
    text.replace(QStringLiteral("\""), QStringLiteral("\"\""));
    return QLatin1Char('"') + text + QLatin1Char('"');
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
        // The plot is laid out at the size a 96 dpi screen would show, then drawn scaled onto
        // exactly width x height pixels: the size asked is the size written, at any dpi.
        const double scale = std::max(size.dpi, 1) / 96.0;
        const int logicalWidth = std::max(1, qRound(size.width / scale));
        const int logicalHeight = std::max(1, qRound(size.height / scale));
        QImage image(size.width, size.height, QImage::Format_ARGB32_Premultiplied);
        if (image.isNull())
            return {};
        image.fill(Qt::transparent);
        {
            QCPPainter painter(&image);
            if (!painter.isActive())
                return {};
            painter.setMode(QCPPainter::pmNoCaching);
            if (scale != 1.0)
                painter.setMode(QCPPainter::pmNonCosmetic);  // lines scale with the text
            painter.scale(double(size.width) / logicalWidth, double(size.height) / logicalHeight);
            plot.toPainter(&painter, logicalWidth, logicalHeight);
        }
        image.setDotsPerMeterX(qRound(size.dpi / 0.0254));
        image.setDotsPerMeterY(qRound(size.dpi / 0.0254));
        QBuffer buffer(&bytes);
        if (image.isNull() || !buffer.open(QIODevice::WriteOnly) || !image.save(&buffer, "PNG"))
            return {};
        break;
    }
    case ImageFormat::Pdf: {
        // Into memory, not through QCustomPlot::savePdf: that prints to a temporary file whose
        // write errors (a full TMPDIR) went unnoticed and made a corrupt PDF look like success.
        QBuffer buffer(&bytes);
        if (!buffer.open(QIODevice::WriteOnly))
            return {};
        QPdfWriter pdf(&buffer);
        pdf.setPageSize(QPageSize(QSizeF(size.width, size.height), QPageSize::Point));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        pdf.setResolution(96);  // fonts sized as on screen, as QCustomPlot's own PDF export does
        pdf.setTitle(spec.title);
        pdf.setCreator(QStringLiteral("bnflow"));
        QCPPainter painter;
        if (!painter.begin(&pdf))
            return {};
        painter.setMode(QCPPainter::pmVectorized);
        painter.setWindow(0, 0, size.width, size.height);  // plot units onto the whole page
        plot.toPainter(&painter, size.width, size.height);
        if (!painter.end())
            return {};
        break;
    }
    case ImageFormat::Svg: {
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        QSvgGenerator svg;
        svg.setOutputDevice(&buffer);
        svg.setSize(QSize(size.width, size.height));
        svg.setViewBox(QRect(0, 0, size.width, size.height));
        // Fonts are in points: at the generator's default 72 dpi a 10 pt label was 10 user
        // units, three quarters of its 13.3 px in the PNG, and legend samples ran into it.
        svg.setResolution(96);
        svg.setTitle(spec.title);
        QCPPainter painter;
        if (!painter.begin(&svg))
            return {};
        plot.toPainter(&painter, size.width, size.height);
        if (!painter.end())
            return {};
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
    return files::writeFileAtomically(path, bytes, error);
}

QByteArray plotCsv(const PlotSpec& spec)
{
    QString text = QStringLiteral("panel,series,x,y,low,high,label\n");
    for (std::size_t p = 0; p < spec.panels.size(); ++p) {
        const Heatmap& map = spec.panels[p].heatmap;
        for (int r = 0; r < map.rows && !map.empty(); ++r)
            for (int c = 0; c < map.cols; ++c)
                text += QStringLiteral("%1,row %2,%3,%4,,,%5\n")
                            .arg(p)
                            .arg(r)
                            .arg(c)
                            .arg(DisplaySettings::fullPrecision(map.at(r, c)),
                                 csvField(heatmapCellLabel(map, r, c).section(QLatin1Char('\n'), 0, 0)));
        for (const Series& s : spec.panels[p].series)
            for (std::size_t k = 0; k < s.x.size(); ++k)
                text += QStringLiteral("%1,%2,%3,%4,%5,%6,%7\n")
                            .arg(p)
                            .arg(csvField(s.name), number(s.x, k), number(s.exactY.empty() ? s.y : s.exactY, k),
                                 number(s.low, k), number(s.high, k), csvField(s.labels.value(int(k))));
    }
    return text.toUtf8();
}

bool exportPlotCsv(const PlotSpec& spec, const QString& path, QString* error)
{
    return files::writeFileAtomically(path, plotCsv(spec), error);
}

}  // namespace bnflow::ui
