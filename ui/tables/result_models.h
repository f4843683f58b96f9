// Table models over the document. They hold no numbers: data() reads the document. After a
// document change a model resets only if its shape changed; otherwise it emits one dataChanged
// over its cells (every result can move when one input does).
#pragma once

#include <document/session_document.h>

#include <core/model/exercise.h>
#include <core/model/session_edit.h>
#include <core/model/types.h>

#include <QAbstractTableModel>
#include <QRect>
#include <QSize>

#include <optional>
#include <string_view>
#include <vector>

namespace bnflow::ui {

class CellFocus;
class DisplaySettings;

// What a table shows of one number for `role`: its text in `digits` significant digits (0: the
// display's), all 17 digits as the tooltip, right-aligned, and (scale > 0) the diverging colour
// of value / scale.
QVariant numberRole(const DisplaySettings& display, double value, double scale, int role, int digits = 0);

class DocumentTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    // The length, in characters, of the longest number the model shows now: views size their
    // columns from it, so that no number is ever cut short.
    int widestText() const { return widestText_; }

    // Re-reads the document: after a document change, or when what the model shows moved.
    void refresh();

    // Exercise mode (core/model/exercise.h): the cells the exercise hides show "?"; with a document
    // given here, a number typed into one is the student's prediction (one undo step).
    void acceptPredictions(SessionDocument* document) { predictions_ = document; }
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role) override;
    // The quantity and its cell that a model cell shows, when it shows a computed quantity.
    struct Shown {
        std::string_view quantityId;
        Cell cell;
    };
    virtual std::optional<Shown> shownAt(int row, int column) const;
    bool isHidden(int row, int column) const;

protected:
    DocumentTableModel(const SessionDocument* document, const DisplaySettings* display,
                       QObject* parent);
    // The shape the document has now; the model reports the shape it last announced.
    virtual QSize documentShape() const = 0;
    virtual QString rowLabel(int row) const;
    virtual void cacheScale() {}
    virtual std::optional<double> valueAt(int row, int column) const = 0;
    // The cells the latest document change touched, when the shape stayed: all of them for a
    // result (every result can move when one input does); an editor knows better.
    virtual QRect changedCells() const;
    // Whether the values this model shows stay where they are when samples or features are
    // inserted or removed (true for the batch; false for results, which are all recomputed):
    // then the model announces rows and columns inserted or removed instead of a reset.
    virtual bool keepsValuesThroughShapeEdits() const { return false; }
    // Whether distinct values must show distinct text (the inputs: x and dout). Then the model
    // uses more than the chosen digits where they would show 10000.0001 and 10000.0002 both as
    // "1e+04" (the float32 example), up to the 17 that tell any two doubles apart.
    virtual bool distinguishesValues() const { return false; }
    QVariant numberData(double value, double scale, int role) const;
    // What a hidden cell shows instead of its number: "?", or the student's prediction.
    QVariant hiddenData(const Shown& shown, int role) const;

    const SessionDocument* document_;
    const DisplaySettings* display_;
    bool colourScale_ = true;
    SessionDocument* predictions_ = nullptr;  // takes the predictions typed into hidden cells

private:
    void measureText();
    void beginShapeEdit(const DocumentChange& change);

    QSize shape_;
    enum class Pending { None, InsertRows, RemoveRows, InsertColumns, RemoveColumns };
    Pending pending_ = Pending::None;  // announced by beginShapeEdit, ended by refresh
    int widestText_ = 0;
    int digits_ = 0;  // significant digits shown: the display's, or more (distinguishesValues)
};

// One quantity of the catalogue as a table (xhat, y, dx, ...): rows are samples, columns
// features; a per-feature quantity is one row.
class MatrixModel : public DocumentTableModel {
    Q_OBJECT
public:
    MatrixModel(const SessionDocument* document, const DisplaySettings* display,
                std::string_view quantityId, bool colourScale = true, QObject* parent = nullptr);
    QVariant data(const QModelIndex& index, int role) const override;
    // Shows another quantity (the walkthrough's current step).
    void setQuantity(std::string_view quantityId);
    std::optional<Shown> shownAt(int row, int column) const override;

protected:
    QSize documentShape() const override;
    QString rowLabel(int row) const override;  // the quantity's name for a per-feature one
    void cacheScale() override;
    std::optional<double> valueAt(int row, int column) const override;

private:
    std::optional<Eigen::Map<const Matrix>> values() const;
    std::string_view quantityId_;  // points into the catalogue
    double scale_ = 1;
};

// Several per-feature quantities of the catalogue (mean, var, dgamma, ...) as rows labelled
// with their names and symbols; features as columns.
class FeatureModel : public DocumentTableModel {
    Q_OBJECT
public:
    FeatureModel(const SessionDocument* document, const DisplaySettings* display,
                 std::vector<std::string_view> quantityIds, bool colourScale = true,
                 QObject* parent = nullptr);
    // Shows other quantities (the layer changed); a reset of the model.
    void setQuantities(std::vector<std::string_view> quantityIds);
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    std::optional<Shown> shownAt(int row, int column) const override;

protected:
    QSize documentShape() const override;
    QString rowLabel(int row) const override;
    void cacheScale() override;
    std::optional<double> valueAt(int row, int column) const override;

private:
    std::vector<std::string_view> rows_;  // quantity ids
    std::vector<double> scales_;  // max |value| of each row, for the colour scale
};

}  // namespace bnflow::ui
