// Read-only table models over the document's results. They hold no numbers: every data() call
// reads the document, and a document change resets them once.
#pragma once

#include <types.h>

#include <QAbstractTableModel>

#include <functional>
#include <vector>

namespace bnflow::ui {

class SessionDocument;

// Display helpers shared by the models: a few significant digits, full precision on hover.
QString shortNumber(double value, int significantDigits = 4);
QString fullNumber(double value);

// One N x D matrix of the document (x, y, dx, ...); rows are samples, columns features.
class MatrixModel : public QAbstractTableModel {
    Q_OBJECT
public:
    using Source = std::function<const Matrix*(const SessionDocument&)>;
    MatrixModel(const SessionDocument* document, Source source, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    const Matrix* matrix() const;

    const SessionDocument* document_;
    Source source_;
};

// Several per-feature vectors (mean, var, gamma, dgamma, ...) as named rows, features as columns.
class FeatureModel : public QAbstractTableModel {
    Q_OBJECT
public:
    struct Row {
        QString label;
        std::function<const RowVector*(const SessionDocument&)> source;
    };
    FeatureModel(const SessionDocument* document, std::vector<Row> rows, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    const SessionDocument* document_;
    std::vector<Row> rows_;
};

}  // namespace bnflow::ui
