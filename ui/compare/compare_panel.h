// The compare view: the session under two configurations side by side (batch norm against layer
// norm, eps 1e-5 against 1e-3, float64 against float32, bfloat16 or float16 through the
// precision lens, PyTorch against Keras running
// statistics), and their difference B − A, cell by cell, with one selection
// framed in all three tables. Exportable as PNG, PDF or SVG.
#pragma once

#include <core/math/compare.h>

#include <QWidget>

#include <array>

class QComboBox;
class QLabel;
class QLineEdit;

namespace bnflow::ui {

class CellFocus;
class DisplaySettings;
class MatrixView;
class SessionDocument;
class ValueModel;

class ComparePanel : public QWidget {
    Q_OBJECT
public:
    ComparePanel(const SessionDocument* document, const DisplaySettings* display, CellFocus* focus,
                 QWidget* parent = nullptr);

    // 0 is A, 1 is B.
    Configuration configuration(int side) const { return sides_[std::size_t(side)].configuration; }
    void setConfiguration(int side, const Configuration& configuration);
    // "y", "dx", "dgamma", "dbeta", "updated_running_mean" or "updated_running_var".
    void setQuantity(const QString& id);
    MatrixView* table(int column) const;  // 0 A, 1 B, 2 the difference B − A
    QString summary() const;              // "max |B − A| = ... at i=.., j=.."

    // Writes the comparison (titles, three tables, summary) as .png, .pdf or .svg, chosen by the
    // suffix; written whole or not at all.
    bool exportTo(const QString& path, QString* error) const;
    void chooseAndExport();

signals:
    void message(const QString& text);

protected:
    void resizeEvent(QResizeEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    struct Side {
        Configuration configuration;
        QLabel* title = nullptr;
        QComboBox* layer = nullptr;
        QLineEdit* eps = nullptr;
        QComboBox* dtype = nullptr;       // float64, float32, or an emulated bfloat16, float16
        QComboBox* accumulate = nullptr;  // the emulated type's sums: shown with bfloat16, float16
        QComboBox* convention = nullptr;
        QLabel* problem = nullptr;
    };
    QWidget* buildSide(int side);
    void applyPreset(int index);
    void readEditors(int side);
    void refresh();
    // Every column where the tab holds them (up to kShownColumns), else fewer and the table
    // scrolls sideways; up to 16 rows, as in the results.
    void fitTables();
    void followSelection(MatrixView* from);

    const SessionDocument* document_;
    const DisplaySettings* display_;
    std::array<Side, 2> sides_;
    QComboBox* preset_ = nullptr;
    QComboBox* quantity_ = nullptr;
    std::array<MatrixView*, 3> tables_{};
    std::array<ValueModel*, 3> models_{};
    std::array<QLabel*, 3> headings_{};
    QLabel* summary_ = nullptr;
    QWidget* sheet_ = nullptr;  // what is exported
    bool stale_ = false;        // an edit arrived while the tab was hidden
};

}  // namespace bnflow::ui
