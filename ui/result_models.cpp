#include "result_models.h"

#include "session_document.h"

namespace bnflow::ui {

QString shortNumber(double value, int significantDigits)
{
    return QString::number(value, 'g', significantDigits);
}

QString fullNumber(double value)
{
    return QString::number(value, 'g', 17);
}

namespace {

QVariant numberData(double value, int role)
{
    switch (role) {
    case Qt::DisplayRole: return shortNumber(value);
    case Qt::ToolTipRole: return fullNumber(value);
    case Qt::TextAlignmentRole: return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    default: return {};
    }
}

QVariant featureHeader(int section)
{
    return QStringLiteral("j=%1").arg(section);
}

}  // namespace

MatrixModel::MatrixModel(const SessionDocument* document, Source source, QObject* parent)
    : QAbstractTableModel(parent), document_(document), source_(std::move(source))
{
    connect(document_, &SessionDocument::resultsChanged, this, [this] {
        beginResetModel();
        endResetModel();
    });
}

const Matrix* MatrixModel::matrix() const
{
    return source_(*document_);
}

int MatrixModel::rowCount(const QModelIndex& parent) const
{
    const Matrix* m = matrix();
    return parent.isValid() || !m ? 0 : static_cast<int>(m->rows());
}

int MatrixModel::columnCount(const QModelIndex& parent) const
{
    const Matrix* m = matrix();
    return parent.isValid() || !m ? 0 : static_cast<int>(m->cols());
}

QVariant MatrixModel::data(const QModelIndex& index, int role) const
{
    const Matrix* m = matrix();
    if (!index.isValid() || !m)
        return {};
    return numberData((*m)(index.row(), index.column()), role);
}

QVariant MatrixModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    return orientation == Qt::Horizontal ? featureHeader(section)
                                         : QVariant(QStringLiteral("i=%1").arg(section));
}

FeatureModel::FeatureModel(const SessionDocument* document, std::vector<Row> rows, QObject* parent)
    : QAbstractTableModel(parent), document_(document), rows_(std::move(rows))
{
    connect(document_, &SessionDocument::resultsChanged, this, [this] {
        beginResetModel();
        endResetModel();
    });
}

int FeatureModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int FeatureModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(document_->session().features());
}

QVariant FeatureModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid())
        return {};
    const RowVector* v = rows_[static_cast<std::size_t>(index.row())].source(*document_);
    if (!v || index.column() >= v->size())
        return role == Qt::DisplayRole ? QVariant(QStringLiteral("—")) : QVariant();
    return numberData((*v)[index.column()], role);
}

QVariant FeatureModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    return orientation == Qt::Horizontal ? featureHeader(section)
                                         : QVariant(rows_[static_cast<std::size_t>(section)].label);
}

}  // namespace bnflow::ui
