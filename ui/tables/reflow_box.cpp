#include <tables/reflow_box.h>

#include <QBoxLayout>
#include <QEvent>
#include <QResizeEvent>

namespace bnflow::ui {

ReflowBox::ReflowBox(QWidget* parent) : QWidget(parent), box_(new QBoxLayout(QBoxLayout::LeftToRight, this))
{
    box_->setContentsMargins(0, 0, 0, 0);
}

void ReflowBox::addPane(QWidget* pane, int stretch)
{
    box_->addWidget(pane, stretch);
    reflow(width());
}

bool ReflowBox::sideBySide() const
{
    return box_->direction() == QBoxLayout::LeftToRight;
}

int ReflowBox::sideBySideWidth() const
{
    int width = std::max(0, box_->count() - 1) * box_->spacing();
    for (int k = 0; k < box_->count(); ++k)
        width += box_->itemAt(k)->minimumSize().width();
    const QMargins margins = box_->contentsMargins();
    return width + margins.left() + margins.right();
}

QSize ReflowBox::minimumSizeHint() const
{
    int widest = 0;
    for (int k = 0; k < box_->count(); ++k)
        widest = std::max(widest, box_->itemAt(k)->minimumSize().width());
    const QMargins margins = box_->contentsMargins();
    // The height is the present arrangement's: taller once the panes are stacked.
    return {widest + margins.left() + margins.right(), box_->minimumSize().height()};
}

bool ReflowBox::hasHeightForWidth() const
{
    return box_->hasHeightForWidth();
}

int ReflowBox::heightForWidth(int width) const
{
    const bool side = width >= sideBySideWidth();
    if (side == sideBySide())
        return box_->totalHeightForWidth(width);
    // The other arrangement: the panes one after another at the whole width, or the tallest
    // beside the others at an even share of it.
    const int count = box_->count();
    int height = 0;
    for (int k = 0; k < count; ++k) {
        QLayoutItem* item = box_->itemAt(k);
        const int paneWidth = side ? width / std::max(1, count) : width;
        const int pane = std::max(item->minimumSize().height(),
                                  item->hasHeightForWidth() ? item->heightForWidth(paneWidth) : item->sizeHint().height());
        height = side ? std::max(height, pane) : height + pane;
    }
    if (!side)
        height += std::max(0, count - 1) * box_->spacing();
    const QMargins margins = box_->contentsMargins();
    return height + margins.top() + margins.bottom();
}

void ReflowBox::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    reflow(event->size().width());
}

bool ReflowBox::event(QEvent* event)
{
    // A pane's minimum changed (a wider table): side by side may no longer fit, or fit again.
    if (event->type() == QEvent::LayoutRequest)
        reflow(width());
    return QWidget::event(event);
}

void ReflowBox::reflow(int width)
{
    const auto direction = width >= sideBySideWidth() ? QBoxLayout::LeftToRight : QBoxLayout::TopToBottom;
    if (box_->direction() == direction)
        return;
    box_->setDirection(direction);
    updateGeometry();  // the height needed changed with the arrangement
}

}  // namespace bnflow::ui
