#include <tables/colour_key.h>

#include <document/display_settings.h>

#include <QPainter>

namespace bnflow::ui {
namespace {

constexpr int kBarWidth = 120;
constexpr int kSteps = 24;  // enough that the bar reads as a ramp, few enough to draw at once

}  // namespace

ColourKey::ColourKey(const DisplaySettings* display, QWidget* parent) : QWidget(parent), display_(display)
{
    setObjectName(QStringLiteral("colourKey"));
    setToolTip(explanation());
    connect(display_, &DisplaySettings::changed, this, [this] {
        updateGeometry();
        update();
    });
}

QString ColourKey::explanation()
{
    return tr("Result colours: blue negative, red positive; the strongest colour is the largest "
              "|value| of the same quantity (each row of a per-feature table, each matrix). "
              "Values below 1e-10 of the largest value they are computed from are rounding "
              "noise and stay pale. x, dout and the tables of checks are not coloured.");
}

QSize ColourKey::sizeHint() const
{
    const QFontMetrics metrics = fontMetrics();
    const int labels = metrics.horizontalAdvance(QStringLiteral("−max")) + metrics.horizontalAdvance(QStringLiteral("+max"));
    return {kBarWidth + labels + 12, metrics.height() + 4};
}

void ColourKey::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    const QFontMetrics metrics = fontMetrics();
    const QString low = QStringLiteral("−max"), high = QStringLiteral("+max");
    const int left = metrics.horizontalAdvance(low) + 4;
    const QRect bar(left, 2, kBarWidth, height() - 4);
    for (int step = 0; step < kSteps; ++step) {
        const double t = -1.0 + 2.0 * (step + 0.5) / kSteps;
        const int x0 = bar.left() + bar.width() * step / kSteps;
        const int x1 = bar.left() + bar.width() * (step + 1) / kSteps;
        painter.fillRect(QRect(x0, bar.top(), x1 - x0, bar.height()), display_->divergingColour(t));
    }
    painter.setPen(palette().color(QPalette::WindowText));
    painter.drawRect(bar.adjusted(0, 0, -1, -1));
    painter.drawText(QRect(0, 0, left - 4, height()), Qt::AlignVCenter | Qt::AlignRight, low);
    painter.drawText(QRect(bar.right() + 4, 0, width() - bar.right() - 4, height()), Qt::AlignVCenter | Qt::AlignLeft, high);
    painter.drawText(bar, Qt::AlignCenter, QStringLiteral("0"));
}

}  // namespace bnflow::ui
