#include <tables/matrix_view.h>

#include <document/display_settings.h>
#include <document/session_document.h>
#include <tables/result_models.h>
#include <tables/editable_model.h>

#include <core/io/csv.h>

#include <limits>

#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QGroupBox>
#include <QHeaderView>
#include <QKeyEvent>
#include <QPainter>
#include <QScrollBar>
#include <QStyle>
#include <QVBoxLayout>

#include <algorithm>

namespace bnflow::ui {

QWidget* titled(const QString& title, const QString& toolTip, QWidget* content)
{
    auto* box = new QGroupBox(title);
    box->setToolTip(toolTip);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(content);
    return box;
}

namespace {

class HighlightDelegate : public QStyledItemDelegate {
public:
    HighlightDelegate(CellFocus* focus, MatrixView::Highlight highlight, QObject* parent)
        : QStyledItemDelegate(parent), focus_(focus), highlight_(highlight)
    {
    }

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override
    {
        QStyledItemDelegate::paint(painter, option, index);
        // Row -1 frames the whole column (the walkthrough's feature).
        const bool column = index.column() == focus_->column();
        const bool cellOnly = highlight_ == MatrixView::Highlight::Cell && focus_->row() >= 0;
        if (!column || (cellOnly && index.row() != focus_->row()))
            return;
        painter->save();
        painter->setPen(QPen(option.palette.color(QPalette::Highlight), 2));
        painter->drawRect(option.rect.adjusted(1, 1, -1, -1));
        painter->restore();
    }

private:
    CellFocus* focus_;
    MatrixView::Highlight highlight_;
};

}  // namespace

void MatrixView::fitNumbers()
{
    const auto* documentModel = qobject_cast<const DocumentTableModel*>(model());
    const QString widest = documentModel ? QString(std::max(documentModel->widestText(), 4), QLatin1Char('8'))
                                         : display_->widestNumber();
    // The delegate draws a number 3 px in from each side (the focus frame margin + 1): 8 px leaves
    // one spare on each side.
    horizontalHeader()->setMinimumSectionSize(fontMetrics().horizontalAdvance(widest) + 8);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
}

void MatrixView::updateGeometries()
{
    QTableView::updateGeometries();
    // Stretched columns that each keep their minimum can add up to a pixel or two more than the
    // viewport (the header rounds each share up): no scroll bar for that, which would hide a row
    // of a table sized to its rows.
    constexpr int kRounding = 2;
    QScrollBar* bar = horizontalScrollBar();
    // (In pixels: the bar's own range counts whole columns where the view scrolls per item.)
    const int overshoot = horizontalHeader()->length() - viewport()->width();
    if (model() && model()->columnCount() > 0 && bar->maximum() > 0 && overshoot <= kRounding
        && horizontalHeader()->sectionResizeMode(0) == QHeaderView::Stretch)
        bar->setRange(0, 0);
    if (fittedRows_ > 0) {
        const int height = contentSize(fittedRows_).height() +
                           (bar->maximum() > 0 ? style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, this) : 0);
        if (height != maximumHeight() || height != minimumHeight())
            setFixedHeight(height);
    }
}

void MatrixView::fitHeightToRows(int maxRows)
{
    fittedRows_ = maxRows;
    updateGeometries();
}

void CellFocus::set(int row, int column)
{
    if (row == row_ && column == column_)
        return;
    row_ = row;
    column_ = column;
    emit changed();
}

void CellFocus::setStatistic(const QString& id, int row, int column)
{
    if (id.isEmpty())
        row = column = -1;
    if (id == statistic_ && row == statisticRow_ && column == statisticColumn_)
        return;
    statistic_ = id;
    statisticRow_ = row;
    statisticColumn_ = column;
    emit statisticChanged();
}

MatrixView::MatrixView(const DisplaySettings* display, CellFocus* focus, Highlight highlight,
                       QWidget* parent)
    : QTableView(parent), display_(display)
{
    setItemDelegate(new HighlightDelegate(focus, highlight, this));
    connect(focus, &CellFocus::changed, viewport(), qOverload<>(&QWidget::update));
    horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    fitNumbers();
    connect(display_, &DisplaySettings::changed, this, &MatrixView::fitNumbers);
    verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionMode(QAbstractItemView::ContiguousSelection);
    setWordWrap(false);
    setTextElideMode(Qt::ElideNone);  // columns fit the widest number (fitNumbers), so never elide
}

void MatrixView::setModel(QAbstractItemModel* model)
{
    QTableView::setModel(model);
    connect(model, &QAbstractItemModel::dataChanged, this, &MatrixView::fitNumbers);
    connect(model, &QAbstractItemModel::modelReset, this, &MatrixView::fitNumbers);
    fitNumbers();
    connect(model, &QAbstractItemModel::modelAboutToBeReset, this, [this] {
        const QModelIndex current = currentIndex();
        keptCurrent_ = current.isValid() ? QPoint(current.column(), current.row()) : QPoint(-1, -1);
    });
    connect(model, &QAbstractItemModel::modelReset, this, [this] {
        if (keptCurrent_.x() < 0 || this->model()->rowCount() == 0 || this->model()->columnCount() == 0)
            return;
        const int row = std::min(keptCurrent_.y(), this->model()->rowCount() - 1);
        const int column = std::min(keptCurrent_.x(), this->model()->columnCount() - 1);
        setCurrentIndex(this->model()->index(row, column));
    });
}

void MatrixView::setPasteTarget(SessionDocument* document)
{
    pasteDocument_ = document;
    setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                    QAbstractItemView::AnyKeyPressed);
}

QSize MatrixView::contentSize(int maxRows, int maxColumns) const
{
    const int rows = model() ? model()->rowCount() : 0;
    const int columns = model() ? model()->columnCount() : 0;
    const int frame = 2 * frameWidth();
    const int shownRows = std::min(rows, maxRows);
    const int shownColumns = std::min(columns, maxColumns);
    const int scrollBar = style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, this);
    int width = verticalHeader()->sizeHint().width() + shownColumns * horizontalHeader()->minimumSectionSize() + frame;
    if (shownRows < rows)  // the vertical scroll bar takes its share of the width
        width += scrollBar;
    int height = horizontalHeader()->sizeHint().height() + shownRows * verticalHeader()->defaultSectionSize() + frame;
    if (shownColumns < columns)
        height += scrollBar;
    return {width, height};
}

QString MatrixView::selectionAsText() const
{
    const QModelIndexList selected = selectionModel() ? selectionModel()->selectedIndexes()
                                                      : QModelIndexList{};
    if (selected.isEmpty())
        return {};
    int top = selected.front().row(), bottom = top, left = selected.front().column(), right = left;
    for (const QModelIndex& i : selected) {
        top = std::min(top, i.row());
        bottom = std::max(bottom, i.row());
        left = std::min(left, i.column());
        right = std::max(right, i.column());
    }
    Matrix block(bottom - top + 1, right - left + 1);
    for (int r = top; r <= bottom; ++r)
        for (int c = left; c <= right; ++c)
        {
            // A cell without a number (hidden by exercise mode) copies as nan, never as 0.
            bool isNumber = false;
            const double v = model()->index(r, c).data(Qt::EditRole).toString().toDouble(&isNumber);
            block(r - top, c - left) = isNumber ? v : std::numeric_limits<double>::quiet_NaN();
        }
    return QString::fromStdString(formatTable(block));
}

void MatrixView::copySelection() const
{
    const QString text = selectionAsText();
    if (!text.isEmpty())
        QApplication::clipboard()->setText(text);
}

void MatrixView::paste()
{
    auto* editable = qobject_cast<EditableMatrixModel*>(model());
    if (!pasteDocument_ || !editable)
        return;
    const QByteArray text = QApplication::clipboard()->text().toUtf8();
    const TableParse parsed = parseTable(std::string_view(text.constData(), std::size_t(text.size())),
                                         {kMaxEditSamples, kMaxEditFeatures});
    if (!parsed.ok()) {
        pasteDocument_->refuse(tr("Paste: the clipboard is not a table of numbers: %1")
                                   .arg(QString::fromStdString(formatProblem(parsed.problem))));
        return;
    }
    const QModelIndex at = currentIndex().isValid() ? currentIndex() : model()->index(0, 0);
    pasteDocument_->pasteBlock(editable->which(), std::max(0, at.row()), std::max(0, at.column()),
                               *parsed.table);
}

void MatrixView::keyPressEvent(QKeyEvent* event)
{
    if (event->matches(QKeySequence::Copy)) {
        copySelection();
        return;
    }
    if (event->matches(QKeySequence::Paste) && pasteDocument_) {
        paste();
        return;
    }
    QTableView::keyPressEvent(event);
}

void MatrixView::closeEditor(QWidget* editor, QAbstractItemDelegate::EndEditHint hint)
{
    QTableView::closeEditor(editor, hint);
    // Return (or Enter) in the editor ends with SubmitModelCache; Tab, Escape and a click
    // elsewhere end otherwise and keep their own meaning.
    if (hint != QAbstractItemDelegate::SubmitModelCache || !model())
        return;
    const QModelIndex current = currentIndex();
    if (current.isValid() && current.row() + 1 < model()->rowCount())
        setCurrentIndex(model()->index(current.row() + 1, current.column()));
}

void MatrixView::contextMenuEvent(QContextMenuEvent* event)
{
    emit contextMenuWanted(event->globalPos(), indexAt(event->pos()));
}

}  // namespace bnflow::ui
