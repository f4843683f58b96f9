// What the exercise panel's two files share: the item roles of the hidden-cells list and how
// a cell and a table are named.
#pragma once

#include <tables/result_models.h>

#include <core/model/exercise.h>

#include <QAbstractItemView>
#include <QString>

#include <string_view>

namespace bnflow::ui::exercise_names {

inline constexpr int kQuantityRole = Qt::UserRole;
inline constexpr int kRowRole = Qt::UserRole + 1;
inline constexpr int kColRole = Qt::UserRole + 2;
inline constexpr int kMaxListed = 500;  // a whole N x D step hidden lists its first cells only

inline QString qs(std::string_view text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

inline QString cellName(std::string_view id, Cell c)
{
    return QStringLiteral("%1[%2][%3]").arg(qs(id)).arg(c.row).arg(c.col);
}

// The table (model over the document) that `w` is, or is inside of.
inline QAbstractItemView* documentTable(QWidget* w)
{
    for (; w; w = w->parentWidget())
        if (auto* view = qobject_cast<QAbstractItemView*>(w))
            return qobject_cast<DocumentTableModel*>(view->model()) ? view : nullptr;
    return nullptr;
}

}  // namespace bnflow::ui::exercise_names
