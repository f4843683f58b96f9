// The walkthrough's step list draws each step as "name  ·  backward, cell 3" where it has the
// room; on a narrow list (a screen at 2x, where the list is at most 30 % of the panel) the phase
// gives way first ("name  ·  cell 3", then the name alone: the title above the formula says the
// phase), so that a step's name is never cut. Only a name wider than the list is elided.
#pragma once

#include <QStyledItemDelegate>

namespace bnflow::ui {

class StepListDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    // The item's roles beside its full text (Qt::DisplayRole).
    static constexpr int kNameRole = Qt::UserRole + 20;       // the step's name alone
    static constexpr int kShortPhaseRole = Qt::UserRole + 21;  // "name  ·  cell 3"

    using QStyledItemDelegate::QStyledItemDelegate;

    // What the item at `index` shows in a row `rowWidth` pixels wide in `metrics`' font.
    static QString shownText(const QModelIndex& index, int rowWidth, const QFontMetrics& metrics);

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

}  // namespace bnflow::ui
