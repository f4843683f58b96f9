#include <tables/editable_model.h>

#include <document/display_settings.h>
#include <document/session_document.h>
#include <tables/matrix_view.h>

#include <core/teach/catalogue.h>
#include <core/math/family.h>

#include <QApplication>
#include <QColor>
#include <QPalette>

#include <charconv>
#include <cmath>

namespace bnflow::ui {

EditableMatrixModel::EditableMatrixModel(SessionDocument* document, const DisplaySettings* display,
                                         Which which, QObject* parent)
    : DocumentTableModel(document, display, parent), editable_(document), which_(which)
{
    colourScale_ = false;
    refresh();
}

const Matrix& EditableMatrixModel::matrix() const
{
    return which_ == Which::X ? document_->session().x : document_->session().dout;
}

QSize EditableMatrixModel::documentShape() const
{
    return QSize(int(matrix().cols()), int(matrix().rows()));
}

std::optional<double> EditableMatrixModel::valueAt(int row, int column) const
{
    const Matrix& m = matrix();
    if (row >= m.rows() || column >= m.cols())
        return std::nullopt;
    return m(row, column);
}

QRect EditableMatrixModel::changedCells() const
{
    using K = DocumentChange::Kind;
    const DocumentChange& change = document_->lastChange();
    switch (change.kind) {
    case K::Cell:
        if (change.which != which_)
            return {};  // the other matrix was typed into: nothing here moved
        return QRect(int(change.col), int(change.row), 1, 1);
    case K::InsertSamples:
    case K::RemoveSamples:
    case K::InsertFeatures:
    case K::RemoveFeatures:
        // The rows or columns were announced, the values kept did not move.
        return keepsValuesThroughShapeEdits() ? QRect() : DocumentTableModel::changedCells();
    case K::Any:
        break;
    }
    return DocumentTableModel::changedCells();
}

bool EditableMatrixModel::keepsValuesThroughShapeEdits() const
{
    // A seeded dout is drawn again for the new shape: every value moves.
    return which_ == Which::X || !document_->session().doutSeed;
}

Qt::ItemFlags EditableMatrixModel::flags(const QModelIndex& index) const
{
    const Qt::ItemFlags base = DocumentTableModel::flags(index);
    return index.isValid() ? base | Qt::ItemIsEditable : base;
}

void EditableMatrixModel::showStatisticSets(const CellFocus* focus)
{
    statistics_ = focus;
    connect(focus, &CellFocus::statisticChanged, this, [this] {
        if (rowCount() > 0 && columnCount() > 0)
            emit dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1),
                             {Qt::BackgroundRole, Qt::ToolTipRole});
    });
}

bool EditableMatrixModel::inSelectedSet(int row, int column) const
{
    if (!statistics_ || which_ != Which::X || statistics_->statistic().isEmpty())
        return false;
    const Session& s = document_->session();
    const Reduction r = Reduction::of(s.norm, s.samples(), s.features());
    if (r.eval || row >= s.samples() || column >= s.features())
        return false;  // eval mode: the statistics are given, not reduced from the batch
    return r.statRow(row) == statistics_->statisticRow() && r.statCol(column) == statistics_->statisticColumn();
}

QVariant EditableMatrixModel::data(const QModelIndex& index, int role) const
{
    const Matrix& m = matrix();
    if (!index.isValid() || index.row() >= m.rows() || index.column() >= m.cols())
        return {};
    if ((role == Qt::BackgroundRole || role == Qt::ToolTipRole) && inSelectedSet(index.row(), index.column())) {
        if (role == Qt::BackgroundRole) {
            QColor tint = QApplication::palette().color(QPalette::Highlight);
            tint.setAlphaF(0.28f);  // the number stays readable on the tint in either theme
            return tint;
        }
        const Session& s = document_->session();
        const Reduction r = Reduction::of(s.norm, s.samples(), s.features());
        const QByteArray id = statistics_->statistic().toUtf8();
        const std::string_view label = quantity(std::string_view(id.constData(), std::size_t(id.size()))).label;
        return tr("%1\nOne of the cells %2[%3][%4] is computed from: %5")
            .arg(numberData(m(index.row(), index.column()), 0, role).toString(),
                 QString::fromUtf8(label.data(), qsizetype(label.size())),
                 QString::number(statistics_->statisticRow()), QString::number(statistics_->statisticColumn()),
                 QString::fromStdString(r.setName(statistics_->statisticRow(), statistics_->statisticColumn())));
    }
    const Session& s = document_->session();
    const Eigen::Index positions = s.norm.positions(s.features());
    if (role == Qt::BackgroundRole && positions > 1 && (index.column() / positions) % 2 == 1) {
        QColor tint = QApplication::palette().color(QPalette::Highlight);  // every other channel
        tint.setAlphaF(0.10f);
        return tint;
    }
    return numberData(m(index.row(), index.column()), 0, role);
}

QVariant EditableMatrixModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    const Session& s = document_->session();
    const Eigen::Index positions = s.norm.positions(s.features());
    if (orientation == Qt::Horizontal && positions > 1) {
        if (role == Qt::DisplayRole)
            return QStringLiteral("j=%1\nc=%2").arg(section).arg(section / positions);
        if (role == Qt::ToolTipRole)
            return tr("Feature %1: channel %2, position %3 of L = %4")
                .arg(section)
                .arg(section / positions)
                .arg(section % positions)
                .arg(positions);
    }
    return DocumentTableModel::headerData(section, orientation, role);
}

bool EditableMatrixModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != Qt::EditRole || !index.isValid())
        return false;
    const QString name = which_ == Which::X ? QStringLiteral("x") : QStringLiteral("dout");
    const std::optional<double> number = parseNumber(value.toString());
    if (!number) {
        editable_->refuse(tr("%1[%2][%3]: '%4' is not a finite number; the cell keeps %5")
                              .arg(name)
                              .arg(index.row())
                              .arg(index.column())
                              .arg(value.toString().left(40))
                              .arg(display_->format(matrix()(index.row(), index.column()))));
        return false;
    }
    if (*number == matrix()(index.row(), index.column()))
        return true;
    return editable_->setCell(which_, index.row(), index.column(), *number);
}

std::optional<double> parseNumber(const QString& text)
{
    const QByteArray bytes = text.trimmed().toUtf8();
    double value = 0;
    const char* begin = bytes.constData();
    const char* end = begin + bytes.size();
    if (begin != end && *begin == '+')
        ++begin;
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc() || ptr != end || bytes.isEmpty() || !std::isfinite(value))
        return std::nullopt;
    return value;
}

}  // namespace bnflow::ui
