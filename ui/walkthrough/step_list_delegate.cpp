#include <walkthrough/step_list_delegate.h>

#include <QApplication>
#include <QPainter>
#include <QStyle>

namespace bnflow::ui {
namespace {

constexpr int kTextMargin = 6;  // the style's margins either side of an item's text, and a little

}  // namespace

QString StepListDelegate::shownText(const QModelIndex& index, int rowWidth, const QFontMetrics& metrics)
{
    const int room = rowWidth - kTextMargin;
    const QString name = index.data(kNameRole).toString();
    for (const QVariant& form : {index.data(Qt::DisplayRole), index.data(kShortPhaseRole), index.data(kNameRole)}) {
        const QString text = form.toString();
        if (!text.isEmpty() && metrics.horizontalAdvance(text) <= room)
            return text;
    }
    return metrics.elidedText(name.isEmpty() ? index.data(Qt::DisplayRole).toString() : name, Qt::ElideMiddle, room);
}

void StepListDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text = shownText(index, opt.rect.width(), opt.fontMetrics);
    const QWidget* widget = option.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);
}

}  // namespace bnflow::ui
