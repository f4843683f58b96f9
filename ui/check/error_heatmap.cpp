#include "error_heatmap.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <array>
#include <cmath>

namespace bnflow::ui {
namespace {

constexpr double kSmallest = 1e-16;  // the left end of the scale: float64 rounding

double log10Of(double value)
{
    return std::log10(std::max(value, 1e-300));
}

QColor mix(const QColor& a, const QColor& b, double t)
{
    const auto at = [t](int x, int y) { return int(std::lround(x + (y - x) * t)); };
    return QColor(at(a.red(), b.red()), at(a.green(), b.green()), at(a.blue(), b.blue()));
}

// Along stops spaced evenly over t in [0, 1].
QColor along(const std::array<QColor, 4>& stops, double t)
{
    const double at = std::clamp(t, 0.0, 1.0) * double(stops.size() - 1);
    const auto k = std::min(std::size_t(at), stops.size() - 2);
    return mix(stops[k], stops[k + 1], at - double(k));
}

}  // namespace

ErrorHeatmap::ErrorHeatmap(QWidget* parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setToolTip(tr("Your error in each entry (row i = sample, column j = feature), divided by the "
                  "largest value of the right gradient. Pale: within the tolerance; yellow to dark "
                  "red: from just over it to as large as the gradient itself."));
}

QSize ErrorHeatmap::minimumSizeHint() const
{
    const int line = fontMetrics().height();
    const int rows = int(std::clamp<Eigen::Index>(errors_.rows(), 1, 8));
    // The j labels, the rows, the colour bar and its labels (cellArea() and legendArea()).
    return {12 * line, (2 * line + 4) + rows * (line + 2) + 6 + (2 * line + 8)};
}

QSize ErrorHeatmap::sizeHint() const
{
    return minimumSizeHint().expandedTo(QSize(30 * fontMetrics().height(), 0)) + QSize(0, 2 * fontMetrics().height());
}

void ErrorHeatmap::setErrors(const Matrix& absError, double scale, double tolerance)
{
    errors_ = absError;
    scale_ = scale > 0 ? scale : 1.0;
    tolerance_ = tolerance > kSmallest && tolerance < 1 ? tolerance : kCloseScaledError;
    updateGeometry();  // the rows set the minimum height
    update();
}

QColor ErrorHeatmap::colorOf(double scaledError, double tolerance)
{
    if (!std::isfinite(scaledError))
        return Qt::black;
    const double low = log10Of(kSmallest), mid = log10Of(tolerance), x = log10Of(scaledError);
    if (x <= mid)  // rounding: white to a light grey
        return mix(QColor(0xfa, 0xfa, 0xfa), QColor(0xd0, 0xd4, 0xd8), (x - low) / (mid - low));
    static const std::array<QColor, 4> wrong{QColor(0xfe, 0xe0, 0x8b), QColor(0xfd, 0xae, 0x61),
                                             QColor(0xd7, 0x30, 0x27), QColor(0x67, 0x00, 0x0d)};
    return along(wrong, (x - mid) / (0.0 - mid));
}

QRect ErrorHeatmap::legendArea() const
{
    const int line = fontMetrics().height();
    return {0, height() - 2 * line - 8, width(), 2 * line + 8};
}

QRect ErrorHeatmap::cellArea() const
{
    const QFontMetrics metrics = fontMetrics();
    const int left = metrics.height() + 4 +
                     metrics.horizontalAdvance(QStringLiteral("i=%1").arg(std::max<Eigen::Index>(errors_.rows() - 1, 0))) + 6;
    const int top = 2 * metrics.height() + 4;
    return QRect(QPoint(left, top), QPoint(width() - 4, legendArea().top() - 6));
}

QRectF ErrorHeatmap::cellRect(Eigen::Index i, Eigen::Index j) const
{
    const QRect area = cellArea();
    const double w = double(area.width()) / double(std::max<Eigen::Index>(errors_.cols(), 1));
    const double h = double(area.height()) / double(std::max<Eigen::Index>(errors_.rows(), 1));
    return {area.left() + double(j) * w, area.top() + double(i) * h, w, h};
}

void ErrorHeatmap::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().base());
    if (errors_.size() == 0) {
        painter.drawText(rect(), Qt::AlignCenter, tr("Load your gradient to see its error here"));
        return;
    }
    for (Eigen::Index i = 0; i < errors_.rows(); ++i)
        for (Eigen::Index j = 0; j < errors_.cols(); ++j)
            painter.fillRect(cellRect(i, j), colorOf(errors_(i, j) / scale_, tolerance_));
    paintAxes(painter);
    paintLegend(painter);
}

// "j (feature)" over the column numbers, "i (sample)" up the left beside the row numbers.
void ErrorHeatmap::paintAxes(QPainter& painter) const
{
    const QRect area = cellArea();
    const int line = fontMetrics().height();
    painter.setPen(palette().color(QPalette::Text));
    painter.drawText(QRect(area.left(), 0, area.width(), line), Qt::AlignCenter, tr("j (feature)"));
    // Every column's label when they fit, else every k-th (a wide batch): labels never overlap.
    const double labelWidth = fontMetrics().horizontalAdvance(QStringLiteral("j=%1 ").arg(errors_.cols() - 1));
    const Eigen::Index everyColumn =
        std::max<Eigen::Index>(1, Eigen::Index(std::ceil(labelWidth / std::max(cellRect(0, 0).width(), 1.0))));
    for (Eigen::Index j = 0; j < errors_.cols(); j += everyColumn) {
        const QRectF cell = cellRect(0, j);
        painter.drawText(QRectF(cell.center().x() - labelWidth / 2, line + 2, labelWidth, line), Qt::AlignCenter,
                         QStringLiteral("j=%1").arg(j));
    }
    const bool perSample = errors_.rows() > 1;  // dgamma and dbeta have one row: a sum over i
    // Every row's label when they fit, else every k-th: labels never overlap.
    const double rowHeight = cellRect(0, 0).height();
    const Eigen::Index every = std::max<Eigen::Index>(1, Eigen::Index(std::ceil(line / std::max(rowHeight, 1.0))));
    for (Eigen::Index i = 0; i < errors_.rows(); i += every) {
        const QRectF cell = cellRect(i, 0);
        painter.drawText(QRectF(line + 4, cell.center().y() - line / 2.0, area.left() - line - 8, line),
                         Qt::AlignRight | Qt::AlignVCenter,
                         perSample ? QStringLiteral("i=%1").arg(i) : tr("Σi"));
    }
    painter.save();
    painter.translate(0, area.center().y());
    painter.rotate(-90);
    const QString title = perSample ? tr("i (sample)") : QString();
    if (fontMetrics().horizontalAdvance(title) <= area.height())
        painter.drawText(QRect(-area.height() / 2, 0, area.height(), line), Qt::AlignCenter, title);
    painter.restore();
    if (perSample && fontMetrics().horizontalAdvance(title) > area.height())  // short: upright
        painter.drawText(QRect(0, area.top(), line, line), Qt::AlignCenter, QStringLiteral("i"));
}

// The colour bar from 1e-16 to 1 on a log scale, a tick at the tolerance, labels under it.
void ErrorHeatmap::paintLegend(QPainter& painter) const
{
    const QRect legend = legendArea();
    const int line = fontMetrics().height();
    const QRect bar(legend.left() + 4, legend.top() + 2, legend.width() - 8, line);
    const double low = log10Of(kSmallest);
    const auto xOf = [&](double value) { return bar.left() + bar.width() * (log10Of(value) - low) / (0.0 - low); };
    for (int x = bar.left(); x <= bar.right(); ++x) {
        const double exponent = low + (0.0 - low) * double(x - bar.left()) / double(std::max(bar.width(), 1));
        painter.fillRect(QRect(x, bar.top(), 1, bar.height()), colorOf(std::pow(10.0, exponent), tolerance_));
    }
    const QColor text = palette().color(QPalette::Text);
    painter.setPen(QPen(text, 2));
    const int tick = int(std::lround(xOf(tolerance_)));
    painter.drawLine(tick, bar.top() - 2, tick, bar.bottom() + 4);
    painter.setPen(text);
    const QRect labels(bar.left(), bar.bottom() + 3, bar.width(), line);
    const QString left = QStringLiteral("1e-16"), right = tr("1 (as large as the gradient)");
    painter.drawText(labels, Qt::AlignLeft | Qt::AlignVCenter, left);
    const QString toleranceLabel = tr("tolerance %1").arg(tolerance_, 0, 'g', 2);
    const QFontMetrics metrics = fontMetrics();
    const int width = metrics.horizontalAdvance(toleranceLabel);
    // Centred on its tick, but clear of the end labels; the right one shortens to "1" if need be.
    const int leftEnd = labels.left() + metrics.horizontalAdvance(left) + 8;
    const int start = std::max(leftEnd, std::min(tick - width / 2, labels.right() - width));
    const bool roomForRight = start + width + 8 + metrics.horizontalAdvance(right) <= labels.right();
    painter.drawText(labels, Qt::AlignRight | Qt::AlignVCenter, roomForRight ? right : QStringLiteral("1"));
    const int end = roomForRight ? labels.right() - metrics.horizontalAdvance(right) - 8
                                 : labels.right() - metrics.horizontalAdvance(QStringLiteral("1")) - 8;
    painter.drawText(QRect(std::min(start, end - width), labels.top(), width, line), Qt::AlignCenter, toleranceLabel);
}

bool ErrorHeatmap::event(QEvent* event)
{
    if (event->type() != QEvent::ToolTip || errors_.size() == 0)
        return QWidget::event(event);
    const QPointF at = static_cast<QHelpEvent*>(event)->pos();
    for (Eigen::Index i = 0; i < errors_.rows(); ++i) {
        for (Eigen::Index j = 0; j < errors_.cols(); ++j) {
            if (cellRect(i, j).contains(at)) {
                const double scaled = errors_(i, j) / scale_;
                QToolTip::showText(static_cast<QHelpEvent*>(event)->globalPos(),
                                   tr("i=%1, j=%2: |error| %3, divided by the largest |gradient| %4 "
                                      "(%5 the tolerance %6)")
                                       .arg(i).arg(j)
                                       .arg(errors_(i, j), 0, 'g', 3)
                                       .arg(scaled, 0, 'g', 3)
                                       .arg(scaled <= tolerance_ ? tr("within") : tr("over"))
                                       .arg(tolerance_, 0, 'g', 2),
                                   this);
                return true;
            }
        }
    }
    return QWidget::event(event);  // elsewhere: the map's own tooltip
}

}  // namespace bnflow::ui
