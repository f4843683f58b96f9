#include "error_heatmap.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace bnflow::ui {
namespace {

constexpr int kLegendHeight = 18;

}  // namespace

ErrorHeatmap::ErrorHeatmap(QWidget* parent) : QWidget(parent)
{
    setMinimumSize(120, 60);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void ErrorHeatmap::setErrors(const Matrix& absError, double scale)
{
    errors_ = absError;
    scale_ = scale > 0 ? scale : 1.0;
    update();
}

QColor ErrorHeatmap::colorOf(double scaledError)
{
    if (!std::isfinite(scaledError))
        return Qt::black;
    // 16 decades: exact (1e-16) is t = 0, an error as large as the gradient is t = 1.
    const double decades = std::log10(std::max(scaledError, 1e-300)) + 16.0;
    const double t = std::clamp(decades / 16.0, 0.0, 1.0);
    const auto mix = [t](int a, int b) { return int(std::lround(a + (b - a) * t)); };
    return QColor(mix(0xf7, 0x67), mix(0xf7, 0x00), mix(0xf7, 0x0d));
}

QRectF ErrorHeatmap::cellRect(Eigen::Index i, Eigen::Index j) const
{
    const double w = double(width()) / double(std::max<Eigen::Index>(errors_.cols(), 1));
    const double h =
        double(height() - kLegendHeight) / double(std::max<Eigen::Index>(errors_.rows(), 1));
    return {double(j) * w, double(i) * h, w, h};
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
            painter.fillRect(cellRect(i, j), colorOf(errors_(i, j) / scale_));
    const QRect legend(0, height() - kLegendHeight, width(), kLegendHeight);
    QLinearGradient gradient(legend.topLeft(), legend.topRight());
    gradient.setColorAt(0, colorOf(1e-16));
    gradient.setColorAt(1, colorOf(1));
    painter.fillRect(legend, gradient);
    painter.setPen(Qt::white);
    painter.drawText(legend.adjusted(4, 0, -4, 0), Qt::AlignVCenter | Qt::AlignRight,
                     tr("scaled error 1"));
    painter.setPen(Qt::black);
    painter.drawText(legend.adjusted(4, 0, -4, 0), Qt::AlignVCenter | Qt::AlignLeft,
                     tr("1e-16 (log scale)"));
}

bool ErrorHeatmap::event(QEvent* event)
{
    if (event->type() != QEvent::ToolTip || errors_.size() == 0)
        return QWidget::event(event);
    const QPointF at = static_cast<QHelpEvent*>(event)->pos();
    for (Eigen::Index i = 0; i < errors_.rows(); ++i) {
        for (Eigen::Index j = 0; j < errors_.cols(); ++j) {
            if (cellRect(i, j).contains(at)) {
                QToolTip::showText(static_cast<QHelpEvent*>(event)->globalPos(),
                                   tr("[%1, %2]: |error| %3, scaled %4")
                                       .arg(i).arg(j)
                                       .arg(errors_(i, j), 0, 'g', 3)
                                       .arg(errors_(i, j) / scale_, 0, 'g', 3),
                                   this);
                return true;
            }
        }
    }
    QToolTip::hideText();
    return true;
}

}  // namespace bnflow::ui
