// A table model over numbers that are not the document's own (one configuration of the compare
// view, or the difference of two): formatted and coloured like the result tables.
#pragma once

#include <core/model/types.h>

#include <QAbstractTableModel>

namespace bnflow::ui {

class DisplaySettings;

class ValueModel : public QAbstractTableModel {
    Q_OBJECT
public:
    ValueModel(const DisplaySettings* display, QObject* parent = nullptr);

    // Shows `values` (N x D, or 1 x D labelled `rowLabel`); colours scaled to the largest |value|
    // but never below `floor`, so that rounding-level differences stay pale. Empty: no table.
    void setValues(const Matrix& values, const QString& rowLabel = {}, double floor = 0);
    const Matrix& values() const { return values_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    const DisplaySettings* display_;
    Matrix values_;
    QString rowLabel_;
    double scale_ = 0;
};

}  // namespace bnflow::ui
