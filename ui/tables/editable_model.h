// x and dout as editable tables: the one model whose cells a person types into, and the number
// parser its cells and the exercise's predictions share.
#pragma once

#include <tables/result_models.h>

#include <QString>

#include <optional>

namespace bnflow::ui {

// x or dout, editable. A value that is not a finite number is refused through the document's
// editRefused channel and the cell keeps its old value.
class EditableMatrixModel : public DocumentTableModel {
    Q_OBJECT
public:
    EditableMatrixModel(SessionDocument* document, const DisplaySettings* display, Which which,
                        QObject* parent = nullptr);
    Which which() const { return which_; }
    // The batch (x) shows the set of the statistic selected in `focus`: its cells get a tinted
    // background and say in their tooltip which statistic they share (issue 13: the reduction
    // made visible). The sets are the session layer's (core/math/family.h Reduction).
    void showStatisticSets(const CellFocus* focus);
    // Whether cell (row, column) belongs to the selected statistic's set.
    bool inSelectedSet(int row, int column) const;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    // Spatial sessions: "j=5 c=2", the channel of each feature.
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role) override;

protected:
    QSize documentShape() const override;
    std::optional<double> valueAt(int row, int column) const override;
    QRect changedCells() const override;
    bool keepsValuesThroughShapeEdits() const override;
    bool distinguishesValues() const override { return true; }

private:
    const Matrix& matrix() const;
    SessionDocument* editable_;
    Which which_;
    const CellFocus* statistics_ = nullptr;
};

// Reads a number typed by a person: surrounding spaces allowed, '.' as decimal point, finite.
std::optional<double> parseNumber(const QString& text);

}  // namespace bnflow::ui
