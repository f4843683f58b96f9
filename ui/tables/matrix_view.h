// The table view used for every matrix: copy (Ctrl+C) of the selection as spreadsheet text,
// paste (Ctrl+V) of a block into the editable ones, and a frame around the cell (or, for
// per-feature tables, the column) that is selected in the batch editor.
#pragma once

#include <QObject>
#include <QStyledItemDelegate>
#include <QTableView>

#include <limits>

namespace bnflow::ui {

class DisplaySettings;
class SessionDocument;

// The cell selected in the batch editor (or, with row -1, the feature chosen in the walkthrough),
// shared by every view: view state, not document data.
// Builds a group box titled `title` around `content`: the frame every table sits in.
QWidget* titled(const QString& title, const QString& toolTip, QWidget* content);

class CellFocus : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    int row() const { return row_; }
    int column() const { return column_; }
    void set(int row, int column);

    // The statistic selected now (the walkthrough's step, or a statistic's cell clicked in a
    // table), whose set of x cells the batch editor shows: the reduction made visible. Its
    // quantity id (core/teach/family_catalogue.h isSetStatistic) and its cell in the statistic's own
    // shape (1 x D, N x 1, N x G); an empty id: none selected.
    QString statistic() const { return statistic_; }
    int statisticRow() const { return statisticRow_; }
    int statisticColumn() const { return statisticColumn_; }
    void setStatistic(const QString& id, int row, int column);
    void clearStatistic() { setStatistic({}, -1, -1); }

signals:
    void changed();
    void statisticChanged();

private:
    int row_ = -1;
    int column_ = -1;
    QString statistic_;
    int statisticRow_ = -1;
    int statisticColumn_ = -1;
};

class MatrixView : public QTableView {
    Q_OBJECT
public:
    enum class Highlight { Cell, Column };
    // Columns are never narrower than the widest number `display` can write: a number is
    // scrolled to, never cut short (an elided "-4.857..." could be -4.857e-17).
    MatrixView(const DisplaySettings* display, CellFocus* focus, Highlight highlight,
               QWidget* parent = nullptr);

    // For editable views: Ctrl+V and the context menu paste through the document.
    void setPasteTarget(SessionDocument* document);

    // Keeps the current cell (clamped into the new shape) when the model is reset by a shape
    // edit, so that the next shape edit still happens where the user is.
    void setModel(QAbstractItemModel* model) override;

    // Keeps the view as tall as up to `maxRows` rows and, while the columns are wider than the
    // view, the scroll bar under them: a table that scrolls sideways never hides a row.
    void fitHeightToRows(int maxRows);

    // The size that shows up to `maxColumns` columns and `maxRows` rows without scrolling
    // (more of either: their scroll bar's room too).
    QSize contentSize(int maxRows, int maxColumns = std::numeric_limits<int>::max()) const;

    QString selectionAsText() const;  // tab-separated bounding box of the selection
    void copySelection() const;
    void paste();

signals:
    void contextMenuWanted(const QPoint& globalPos, const QModelIndex& index);

protected:
    void keyPressEvent(QKeyEvent* event) override;
    // Like a spreadsheet: a cell committed with Return moves the current cell one row down.
    void closeEditor(QWidget* editor, QAbstractItemDelegate::EndEditHint hint) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    void updateGeometries() override;

private:
    void fitNumbers();

    const DisplaySettings* display_;
    SessionDocument* pasteDocument_ = nullptr;
    QPoint keptCurrent_{-1, -1};  // (column, row) across a model reset
    int fittedRows_ = 0;  // fitHeightToRows()'s rows; 0: the height is the layout's
};

}  // namespace bnflow::ui
