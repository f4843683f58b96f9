#include <tables/set_model.h>

#include <document/session_document.h>

#include <core/teach/catalogue.h>

#include <algorithm>

namespace bnflow::ui {

SetModel::SetModel(const SessionDocument* document, const DisplaySettings* display,
                   std::vector<std::string_view> quantityIds, QObject* parent)
    : DocumentTableModel(document, display, parent)
{
    setQuantities(std::move(quantityIds));
}

void SetModel::setQuantities(std::vector<std::string_view> quantityIds)
{
    for (std::string_view& id : quantityIds)
        id = quantity(id).id;  // checked, and pointing into the catalogue
    if (quantityIds == ids_ && !ids_.empty())
        return;
    // refresh() resets the model when the shape changed; the headers name the new quantities.
    ids_ = std::move(quantityIds);
    refresh();
    if (rowCount() > 0)
        emit headerDataChanged(Qt::Vertical, 0, rowCount() - 1);
    if (columnCount() > 0)
        emit headerDataChanged(Qt::Horizontal, 0, columnCount() - 1);
}

int SetModel::setsPerSample() const
{
    for (const std::string_view id : ids_)
        if (const auto v = document_->value(id); v && v->size())
            return int(v->cols());
    return 0;
}

QSize SetModel::documentShape() const
{
    for (const std::string_view id : ids_)
        if (const auto v = document_->value(id); v && v->size())
            return QSize(int(ids_.size()) * int(v->cols()), int(v->rows()));
    return QSize(0, 0);
}

void SetModel::cacheScale()
{
    scales_.assign(ids_.size(), 0.0);
    for (std::size_t k = 0; k < ids_.size(); ++k)
        if (const auto v = document_->value(ids_[k]); v && v->size())
            scales_[k] = std::max(v->cwiseAbs().maxCoeff(), document_->roundingLevel(ids_[k]));
}

std::optional<DocumentTableModel::Shown> SetModel::shownAt(int row, int column) const
{
    const int sets = setsPerSample();
    if (sets <= 0 || row < 0 || column < 0 || std::size_t(column / sets) >= ids_.size())
        return std::nullopt;
    return Shown{ids_[std::size_t(column / sets)], {row, column % sets}};
}

std::optional<double> SetModel::valueAt(int row, int column) const
{
    const auto shown = shownAt(row, column);
    if (!shown)
        return std::nullopt;
    const auto v = document_->value(shown->quantityId);
    if (!v || shown->cell.row >= v->rows() || shown->cell.col >= v->cols())
        return std::nullopt;
    return (*v)(shown->cell.row, shown->cell.col);
}

QVariant SetModel::data(const QModelIndex& index, int role) const
{
    const auto value = index.isValid() ? valueAt(index.row(), index.column()) : std::nullopt;
    if (!value)
        return {};
    const Shown shown = *shownAt(index.row(), index.column());
    if (isHidden(index.row(), index.column()))
        return hiddenData(shown, role);
    const auto k = std::size_t(std::find(ids_.begin(), ids_.end(), shown.quantityId) - ids_.begin());
    return numberData(*value, k < scales_.size() ? scales_[k] : 0.0, role);
}

QVariant SetModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Vertical)
        return DocumentTableModel::headerData(section, orientation, role);
    const auto shown = shownAt(0, section);
    if (!shown || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
        return {};
    const Quantity& q = quantity(shown->quantityId);
    if (role == Qt::ToolTipRole)
        return QString::fromUtf8(q.meaning.data(), qsizetype(q.meaning.size()));
    const QString name = QString::fromStdString(labelWithSymbol(q));
    return setsPerSample() > 1 ? QStringLiteral("%1 g=%2").arg(name).arg(shown->cell.col) : name;
}

}  // namespace bnflow::ui
