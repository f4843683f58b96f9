#include <tables/result_models.h>
#include <tables/editable_model.h>

#include <document/display_settings.h>
#include <document/session_document.h>

#include <core/teach/catalogue.h>

#include <QFont>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <utility>

namespace bnflow::ui {

DocumentTableModel::DocumentTableModel(const SessionDocument* document,
                                       const DisplaySettings* display, QObject* parent)
    : QAbstractTableModel(parent), document_(document), display_(display)
{
    connect(document_, &SessionDocument::shapeAboutToChange, this, &DocumentTableModel::beginShapeEdit);
    connect(document_, &SessionDocument::resultsChanged, this, &DocumentTableModel::refresh);
    connect(display_, &DisplaySettings::changed, this, [this] {
        measureText();
        if (shape_.width() > 0 && shape_.height() > 0)
            emit dataChanged(index(0, 0), index(shape_.height() - 1, shape_.width() - 1));
    });
}

void DocumentTableModel::refresh()
{
    const QSize shape = documentShape();
    if (pending_ != Pending::None) {
        shape_ = shape;
        switch (std::exchange(pending_, Pending::None)) {
        case Pending::InsertRows: endInsertRows(); break;
        case Pending::RemoveRows: endRemoveRows(); break;
        case Pending::InsertColumns: endInsertColumns(); break;
        case Pending::RemoveColumns: endRemoveColumns(); break;
        case Pending::None: break;
        }
    }
    if (shape != shape_ && keepsValuesThroughShapeEdits() && !shape_.isEmpty() &&
        shape.width() >= shape_.width() && shape.height() >= shape_.height()) {
        // Grown at the end in one edit (a paste reaching past the batch): the rows and the
        // columns are announced like "+ sample" and "+ feature", so the views keep their
        // current cell and scroll position and the header grows; the values follow below.
        if (shape.height() > shape_.height()) {
            beginInsertRows({}, shape_.height(), shape.height() - 1);
            shape_.setHeight(shape.height());
            endInsertRows();
        }
        if (shape.width() > shape_.width()) {
            beginInsertColumns({}, shape_.width(), shape.width() - 1);
            shape_.setWidth(shape.width());
            endInsertColumns();
        }
        cacheScale();
        measureText();
        emit dataChanged(index(0, 0), index(shape_.height() - 1, shape_.width() - 1));
        return;
    }
    if (shape != shape_) {
        beginResetModel();
        shape_ = shape;
        cacheScale();
        measureText();
        endResetModel();
        return;
    }
    cacheScale();
    const int digitsBefore = digits_;
    measureText();
    // More digits for one new value change the text of every cell, not only the edited one.
    const QRect changed = digits_ != digitsBefore ? DocumentTableModel::changedCells() : changedCells();
    if (!changed.isEmpty())
        emit dataChanged(index(changed.top(), changed.left()), index(changed.bottom(), changed.right()));
}

// Rows are samples and columns features in the models that keep their values (the batch and
// dout); the document still has its old shape here, as Qt's protocol wants.
void DocumentTableModel::beginShapeEdit(const DocumentChange& change)
{
    using K = DocumentChange::Kind;
    if (!keepsValuesThroughShapeEdits() || change.count < 1)
        return;
    const int first = int(change.at), last = int(change.at + change.count - 1);
    switch (change.kind) {
    case K::InsertSamples: pending_ = Pending::InsertRows; beginInsertRows({}, first, last); break;
    case K::RemoveSamples: pending_ = Pending::RemoveRows; beginRemoveRows({}, first, last); break;
    case K::InsertFeatures: pending_ = Pending::InsertColumns; beginInsertColumns({}, first, last); break;
    case K::RemoveFeatures: pending_ = Pending::RemoveColumns; beginRemoveColumns({}, first, last); break;
    default: break;
    }
}

QRect DocumentTableModel::changedCells() const
{
    return QRect(0, 0, shape_.width(), shape_.height());
}

void DocumentTableModel::measureText()
{
    char buffer[64];
    const auto write = [&buffer](double v, int digits) {
        const auto result = std::to_chars(buffer, buffer + sizeof buffer, v, std::chars_format::general, digits);
        return std::string_view(buffer, std::size_t(result.ptr - buffer));
    };
    digits_ = display_->significantDigits();
    if (distinguishesValues()) {
        // Rounding is monotone: neighbours in sorted order that print differently make every
        // pair print differently.
        std::vector<double> values;
        values.reserve(std::size_t(std::max(0, shape_.width() * shape_.height())));
        for (int r = 0; r < shape_.height(); ++r)
            for (int c = 0; c < shape_.width(); ++c)
                if (const std::optional<double> v = valueAt(r, c))
                    values.push_back(*v);
        std::sort(values.begin(), values.end());
        values.erase(std::unique(values.begin(), values.end()), values.end());
        const auto collide = [&](int digits) {
            for (std::size_t k = 1; k < values.size(); ++k) {
                const std::string a(write(values[k - 1], digits));
                if (a == write(values[k], digits))
                    return true;
            }
            return false;
        };
        while (digits_ < 17 && collide(digits_))
            ++digits_;
    }
    // std::to_chars in 'g' style at the digits shown: the same length as the shown text,
    // without building a QString per cell.
    int widest = 0;
    for (int r = 0; r < shape_.height(); ++r)
        for (int c = 0; c < shape_.width(); ++c)
            if (const std::optional<double> v = valueAt(r, c))
                widest = std::max(widest, int(write(*v, digits_).size()));
    widestText_ = widest;
}

int DocumentTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : shape_.height();
}

int DocumentTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : shape_.width();
}

QString DocumentTableModel::rowLabel(int row) const
{
    return QStringLiteral("i=%1").arg(row);
}

QVariant DocumentTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Vertical)
        return rowLabel(section);
    // A row of C numbers in a spatial session (gamma, dgamma, batch norm's statistics): channels;
    // group norm's statistics (N x G): groups.
    const Session& s = document_->session();
    const Eigen::Index channels = s.norm.affineSize(s.features());
    const int width = documentShape().width();
    if (channels != s.features() && width == channels)
        return QStringLiteral("c=%1").arg(section);
    const bool groupNorm = s.norm.layerOrDefault() == Layer::GroupNorm && s.norm.groups;
    if (groupNorm && width == *s.norm.groups && width != s.features() && width != channels)
        return QStringLiteral("g=%1").arg(section);
    return QStringLiteral("j=%1").arg(section);
}

QVariant numberRole(const DisplaySettings& display, double value, double scale, int role, int digits)
{
    switch (role) {
    case Qt::DisplayRole:
        return QString::number(value == 0 ? 0.0 : value, 'g', digits > 0 ? digits : display.significantDigits());
    case Qt::EditRole:
    case Qt::ToolTipRole:
        return DisplaySettings::fullPrecision(value);
    case Qt::TextAlignmentRole:
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::BackgroundRole:
        return scale > 0 ? QVariant(display.divergingColour(value / scale)) : QVariant();
    case Qt::ForegroundRole:
        return scale > 0 ? QVariant(display.textOn(display.divergingColour(value / scale))) : QVariant();
    default:
        return {};
    }
}

QVariant DocumentTableModel::numberData(double value, double scale, int role) const
{
    return numberRole(*display_, value, colourScale_ ? scale : 0.0, role, digits_);
}

std::optional<DocumentTableModel::Shown> DocumentTableModel::shownAt(int, int) const
{
    return std::nullopt;
}

bool DocumentTableModel::isHidden(int row, int column) const
{
    const auto shown = shownAt(row, column);
    return shown && document_->session().exercise.isHidden(shown->quantityId, shown->cell.row, shown->cell.col);
}

Qt::ItemFlags DocumentTableModel::flags(const QModelIndex& index) const
{
    const Qt::ItemFlags base = QAbstractTableModel::flags(index);
    if (index.isValid() && predictions_ && isHidden(index.row(), index.column()))
        return base | Qt::ItemIsEditable;
    return base;
}

bool DocumentTableModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != Qt::EditRole || !index.isValid() || !predictions_ || !isHidden(index.row(), index.column()))
        return false;
    const Shown shown = *shownAt(index.row(), index.column());
    const QString text = value.toString();
    if (text.trimmed().isEmpty())
        return false;  // an edit left empty is no prediction
    const std::optional<double> number = parseNumber(text);
    const QString where = QStringLiteral("%1[%2][%3]")
                              .arg(QString::fromUtf8(shown.quantityId.data(), qsizetype(shown.quantityId.size())))
                              .arg(shown.cell.row)
                              .arg(shown.cell.col);
    if (!number) {
        predictions_->refuse(tr("%1: '%2' is not a finite number; no prediction recorded").arg(where, text.left(40)));
        return false;
    }
    return predictions_->setPrediction(shown.quantityId, shown.cell, *number);
}

QVariant DocumentTableModel::hiddenData(const Shown& shown, int role) const
{
    const Prediction* p = document_->session().exercise.prediction(shown.quantityId, shown.cell);
    switch (role) {
    case Qt::DisplayRole:
        return p ? QStringLiteral("? (%1)").arg(display_->format(p->value)) : QStringLiteral("?");
    case Qt::EditRole:
        return p ? DisplaySettings::fullPrecision(p->value) : QString();
    case Qt::ToolTipRole:
        return p ? tr("Hidden for the exercise. Your prediction: %1. Reveal it in the Exercise tab.")
                       .arg(display_->format(p->value))
                 : tr("Hidden for the exercise: type your prediction here, then Reveal it in the Exercise tab.");
    case Qt::TextAlignmentRole:
        return QVariant(Qt::AlignCenter);
    case Qt::FontRole: {
        QFont font;
        font.setItalic(true);
        return font;
    }
    default:
        return {};
    }
}

MatrixModel::MatrixModel(const SessionDocument* document, const DisplaySettings* display,
                         std::string_view quantityId, bool colourScale, QObject* parent)
    : DocumentTableModel(document, display, parent), quantityId_(quantity(quantityId).id)
{
    colourScale_ = colourScale;
    refresh();
}

void MatrixModel::setQuantity(std::string_view quantityId)
{
    quantityId_ = quantity(quantityId).id;
    refresh();
}

std::optional<Eigen::Map<const Matrix>> MatrixModel::values() const
{
    return document_->value(quantityId_);
}

QSize MatrixModel::documentShape() const
{
    const auto m = values();
    return m ? QSize(int(m->cols()), int(m->rows())) : QSize(0, 0);
}

QString MatrixModel::rowLabel(int row) const
{
    // One row of per-feature values is not sample i=0: it is the quantity itself.
    const Quantity& q = quantity(quantityId_);
    const auto m = values();
    const bool oneRow = q.extent != Extent::PerElement && (!m || m->rows() <= 1);
    return oneRow ? QString::fromStdString(labelWithSymbol(q)) : DocumentTableModel::rowLabel(row);
}

void MatrixModel::cacheScale()
{
    const auto m = values();
    // The strongest colour is the largest |value|, unless that is rounding noise: then the
    // noise stays pale (doc: the colour key in Help).
    scale_ = m && m->size() ? std::max(m->cwiseAbs().maxCoeff(), document_->roundingLevel(quantityId_)) : 0.0;
}

std::optional<double> MatrixModel::valueAt(int row, int column) const
{
    const auto m = values();
    if (!m || row >= m->rows() || column >= m->cols())
        return std::nullopt;
    return (*m)(row, column);
}

std::optional<DocumentTableModel::Shown> MatrixModel::shownAt(int row, int column) const
{
    return Shown{quantityId_, {row, column}};
}

QVariant MatrixModel::data(const QModelIndex& index, int role) const
{
    const auto m = values();
    if (!index.isValid() || !m || index.row() >= m->rows() || index.column() >= m->cols())
        return {};
    if (isHidden(index.row(), index.column()))
        return hiddenData(*shownAt(index.row(), index.column()), role);
    return numberData((*m)(index.row(), index.column()), scale_, role);
}

FeatureModel::FeatureModel(const SessionDocument* document, const DisplaySettings* display,
                           std::vector<std::string_view> quantityIds, bool colourScale,
                           QObject* parent)
    : DocumentTableModel(document, display, parent)
{
    colourScale_ = colourScale;
    setQuantities(std::move(quantityIds));
}

void FeatureModel::setQuantities(std::vector<std::string_view> quantityIds)
{
    for (std::string_view& id : quantityIds)
        id = quantity(id).id;  // checked, and pointing into the catalogue
    if (quantityIds == rows_)
        return;
    // refresh() resets the model when the shape changed; the headers name the new quantities.
    rows_ = std::move(quantityIds);
    refresh();
    if (rowCount() > 0)
        emit headerDataChanged(Qt::Vertical, 0, rowCount() - 1);
    if (columnCount() > 0)
        emit headerDataChanged(Qt::Horizontal, 0, columnCount() - 1);
}

QSize FeatureModel::documentShape() const
{
    // One column per channel in a spatial session: gamma, dgamma, ... and batch norm's
    // statistics all have C entries.
    const Session& s = document_->session();
    return QSize(int(s.norm.affineSize(s.features())), int(rows_.size()));
}

QString FeatureModel::rowLabel(int row) const
{
    return QString::fromStdString(labelWithSymbol(quantity(rows_[std::size_t(row)])));
}

void FeatureModel::cacheScale()
{
    scales_.assign(rows_.size(), 0.0);
    for (std::size_t r = 0; r < rows_.size(); ++r)
        if (const auto v = document_->value(rows_[r]); v && v->size())
            scales_[r] = std::max(v->cwiseAbs().maxCoeff(), document_->roundingLevel(rows_[r]));
}

std::optional<double> FeatureModel::valueAt(int row, int column) const
{
    // One row per feature; anything else (a per-sample statistic, while the table has not yet
    // followed a change of layer) is no value here.
    const auto v = document_->value(rows_[std::size_t(row)]);
    if (!v || v->rows() != 1 || column >= v->cols())
        return std::nullopt;
    return (*v)(0, column);
}

QVariant FeatureModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || std::size_t(index.row()) >= rows_.size())
        return {};
    const auto v = document_->value(rows_[std::size_t(index.row())]);
    if (!v || v->rows() != 1 || index.column() >= v->cols())
        return role == Qt::DisplayRole ? QVariant(QStringLiteral("—")) : QVariant();
    if (isHidden(index.row(), index.column()))
        return hiddenData(*shownAt(index.row(), index.column()), role);
    return numberData((*v)(0, index.column()), scales_[std::size_t(index.row())], role);
}

std::optional<DocumentTableModel::Shown> FeatureModel::shownAt(int row, int column) const
{
    if (row < 0 || std::size_t(row) >= rows_.size())
        return std::nullopt;
    return Shown{rows_[std::size_t(row)], {0, column}};
}

QVariant FeatureModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Vertical && role == Qt::ToolTipRole && std::size_t(section) < rows_.size())
        {
        const std::string_view meaning = quantity(rows_[std::size_t(section)]).meaning;
        return QString::fromUtf8(meaning.data(), qsizetype(meaning.size()));
    }
    return DocumentTableModel::headerData(section, orientation, role);
}

}  // namespace bnflow::ui
