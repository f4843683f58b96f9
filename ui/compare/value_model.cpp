#include <compare/value_model.h>

#include <document/display_settings.h>
#include <tables/result_models.h>

#include <algorithm>

namespace bnflow::ui {

ValueModel::ValueModel(const DisplaySettings* display, QObject* parent)
    : QAbstractTableModel(parent), display_(display)
{
    connect(display_, &DisplaySettings::changed, this, [this] {
        if (rowCount() > 0 && columnCount() > 0)
            emit dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
    });
}

void ValueModel::setValues(const Matrix& values, const QString& rowLabel, double floor)
{
    const bool sameShape = values.rows() == values_.rows() && values.cols() == values_.cols();
    if (!sameShape)
        beginResetModel();
    values_ = values;
    rowLabel_ = rowLabel;
    scale_ = values_.size() ? std::max(values_.cwiseAbs().maxCoeff(), floor) : 0.0;
    if (!sameShape)
        endResetModel();
    else if (values_.size())
        emit dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
    emit headerDataChanged(Qt::Vertical, 0, std::max(0, rowCount() - 1));
}

int ValueModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(values_.rows());
}

int ValueModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(values_.cols());
}

QVariant ValueModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= values_.rows() || index.column() >= values_.cols())
        return {};
    return numberRole(*display_, values_(index.row(), index.column()), scale_, role);
}

QVariant ValueModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Horizontal)
        return QStringLiteral("j=%1").arg(section);
    return rowLabel_.isEmpty() ? QStringLiteral("i=%1").arg(section) : rowLabel_;
}

}  // namespace bnflow::ui
