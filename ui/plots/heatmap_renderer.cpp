#include <plots/heatmap_renderer.h>

#include <document/display_settings.h>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace bnflow::ui {
namespace {

// Blue for negative, vermillion for positive (Okabe-Ito, as the plots' series), through the
// plot's background at 0: a cell near 0 fades into the page in either theme.
QCPColorGradient diverging(Theme theme)
{
    QCPColorGradient gradient;
    gradient.clearColorStops();
    gradient.setColorInterpolation(QCPColorGradient::ciRGB);
    const bool dark = theme == Theme::Dark;
    gradient.setColorStopAt(0.0, dark ? QColor(70, 160, 230) : QColor(0, 90, 160));
    gradient.setColorStopAt(0.5, dark ? QColor(30, 30, 32) : QColor(255, 255, 255));
    gradient.setColorStopAt(1.0, dark ? QColor(240, 120, 40) : QColor(190, 70, 0));
    gradient.setNanHandling(QCPColorGradient::nhNanColor);
    gradient.setNanColor(Qt::black);
    return gradient;
}

// Black or white, whichever reads on the cell's colour.
QColor textOn(const QColor& cell)
{
    const double luminance = 0.299 * cell.redF() + 0.587 * cell.greenF() + 0.114 * cell.blueF();
    return luminance > 0.55 ? Qt::black : Qt::white;
}

QFont cellFont(int points)
{
    QFont f(QStringLiteral("DejaVu Sans"));
    f.setPointSize(points);
    return f;
}

// Text ticks at the cells the axis shows, every step-th one so that no two labels touch at the
// axis's current pixel size ("[12,0]" is wider than a cell of a 40 x 40 map).
void labelTicksThatFit(QCPAxis* axis, const QStringList& labels)
{
    auto ticker = axis->ticker().dynamicCast<QCPAxisTickerText>();
    if (!ticker || labels.isEmpty())
        return;
    ticker->clear();
    const QFontMetrics metrics(axis->tickLabelFont());
    double space = metrics.height() + 4;
    if (axis->orientation() == Qt::Horizontal) {
        int widest = 0;
        for (const QString& label : labels)
            widest = std::max(widest, metrics.horizontalAdvance(label));
        space = widest + 12;
    }
    const double perCell = std::abs(axis->coordToPixel(1) - axis->coordToPixel(0));
    const double cells = perCell > 0 ? std::ceil(space / perCell) : double(labels.size());
    const int step = int(std::clamp(cells, 1.0, double(labels.size())));
    const QCPRange r = axis->range();
    const double lower = std::max(0.0, std::ceil(std::min(r.lower, r.upper)));
    const double upper = std::min(double(labels.size() - 1), std::floor(std::max(r.lower, r.upper)));
    if (!(lower <= upper))
        return;
    for (int k = (int(lower) + step - 1) / step * step; k <= int(upper); k += step)
        ticker->addTick(k, labels[k]);
}

}  // namespace

double heatmapLimit(const Heatmap& map)
{
    double limit = 0;
    for (const double v : map.values)
        if (std::isfinite(v))
            limit = std::max(limit, std::abs(v));
    return limit > 0 ? limit : 1.0;
}

QString heatmapCellLabel(const Heatmap& map, int row, int col)
{
    if (row < 0 || col < 0 || row >= map.rows || col >= map.cols)
        return {};
    return QStringLiteral("d %1%2 / d %3%4 = %5\nrow %6, column %7")
        .arg(map.rowSymbol, map.rowLabels.value(row, QString::number(row)), map.colSymbol,
             map.colLabels.value(col, QString::number(col)), DisplaySettings::fullPrecision(map.at(row, col)))
        .arg(row)
        .arg(col);
}

QCPColorScale* renderHeatmap(QCPAxisRect* rect, const Heatmap& map, const PlotStyle& style)
{
    QCustomPlot* plot = rect->parentPlot();
    QCPAxis* x = rect->axis(QCPAxis::atBottom);
    QCPAxis* y = rect->axis(QCPAxis::atLeft);
    auto* colourMap = new QCPColorMap(x, y);
    colourMap->data()->setSize(map.cols, map.rows);
    colourMap->data()->setRange(QCPRange(0, map.cols - 1), QCPRange(0, map.rows - 1));
    for (int r = 0; r < map.rows; ++r)
        for (int c = 0; c < map.cols; ++c)
            colourMap->data()->setCell(c, r, map.at(r, c));
    colourMap->setInterpolate(false);
    colourMap->setTightBoundary(false);
    QCPColorGradient gradient = diverging(style.theme);  // color() is not const
    colourMap->setGradient(gradient);
    const double limit = heatmapLimit(map);
    colourMap->setDataRange(QCPRange(-limit, limit));

    auto* scale = new QCPColorScale(plot);
    scale->setType(QCPAxis::atRight);
    scale->setGradient(gradient);
    scale->setDataRange(QCPRange(-limit, limit));
    scale->setBarWidth(14);
    scale->setLabel(map.valueLabel);
    QCPAxis* bar = scale->axis();
    const QColor foreground = rect->axis(QCPAxis::atBottom)->basePen().color();
    bar->setBasePen(QPen(foreground, 1));
    bar->setTickPen(QPen(foreground, 1));
    bar->setSubTickPen(QPen(foreground, 1));
    bar->setTickLabelColor(foreground);
    bar->setLabelColor(foreground);
    bar->setTickLabelFont(x->tickLabelFont());
    bar->setLabelFont(x->labelFont());
    colourMap->setColorScale(scale);

    // Text ticks from the labels; row 0 on top.
    for (QCPAxis* axis : {x, y}) {
        const QStringList& labels = axis == x ? map.colLabels : map.rowLabels;
        axis->setTicker(QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText));
        axis->grid()->setVisible(false);
        axis->setSubTicks(false);
        QObject::connect(axis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), axis,
                         [axis, labels] { labelTicksThatFit(axis, labels); });
        // The pixels per cell are known once the plot is laid out, before it is drawn.
        QObject::connect(plot, &QCustomPlot::afterLayout, axis, [axis, labels] { labelTicksThatFit(axis, labels); });
        axis->setRange(-0.5, (axis == x ? map.cols : map.rows) - 0.5);
    }
    y->setRangeReversed(true);

    if (map.cellNumbers) {
        std::vector<QCPItemText*> numbers;
        for (int r = 0; r < map.rows; ++r) {
            for (int c = 0; c < map.cols; ++c) {
                auto* text = new QCPItemText(plot);
                text->setClipAxisRect(rect);
                text->setClipToAxisRect(true);
                text->position->setAxes(x, y);
                text->position->setCoords(c, r);
                text->setText(QString::number(map.at(r, c), 'g', 3));
                text->setFont(cellFont(style.fontPointSize));
                text->setColor(textOn(gradient.color(map.at(r, c), QCPRange(-limit, limit))));
                numbers.push_back(text);
            }
        }
        // Shown only while every number fits its cell: zoomed out or in a small window the
        // colours remain, and the hover still gives each value.
        QObject::connect(plot, &QCustomPlot::afterLayout, rect, [x, y, numbers] {
            const double w = std::abs(x->coordToPixel(1) - x->coordToPixel(0));
            const double h = std::abs(y->coordToPixel(1) - y->coordToPixel(0));
            double widest = 0;
            for (QCPItemText* text : numbers)
                widest = std::max(widest, double(QFontMetrics(text->font()).horizontalAdvance(text->text())));
            const bool fits = !numbers.empty() && widest + 2 <= w &&
                              QFontMetrics(numbers.front()->font()).height() + 2 <= h;
            for (QCPItemText* text : numbers)
                text->setVisible(fits);
        });
    }
    return scale;
}

}  // namespace bnflow::ui
