// The running-statistics panel (issue 13): K seeded batches like the session's fed through the
// PyTorch, Keras and CS231n updates side by side, the running mean and variance of one feature
// plotted against the batch, the final values in a table, and a button that puts the session
// into batch-norm eval mode with one convention's final statistics (one undo step). The numbers
// come from core/math/running_history.h; this panel only shows them.
#pragma once

#include <core/math/running_history.h>

#include <QWidget>

#include <optional>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace bnflow::ui {

class DisplaySettings;
class PlotView;
class SessionDocument;

class RunningPanel : public QWidget {
    Q_OBJECT
public:
    RunningPanel(SessionDocument* document, const DisplaySettings* display, QWidget* parent = nullptr);

    RunningSettings settings() const;
    Eigen::Index feature() const;
    Convention evalConvention() const;
    // The simulation shown, or nullptr when it does not apply (see problem()).
    const RunningSimulation* simulation() const { return simulation_ ? &*simulation_ : nullptr; }
    QString problem() const;        // why nothing is shown; empty when something is
    QString evalLine() const;       // dx = dout * gamma / sqrt(running_var + eps), with numbers
    const PlotView* plot() const { return plot_; }
    QTableWidget* table() const { return table_; }
    // Puts the session in eval mode with the chosen convention's final statistics; false (the
    // document says why) when refused.
    bool useInEvalMode();

signals:
    void message(const QString& text);

protected:
    void showEvent(QShowEvent* event) override;

private:
    QWidget* buildControls();
    void refresh();
    void showSimulation();
    void syncFeatures();

    SessionDocument* document_;
    const DisplaySettings* display_;
    QSpinBox* batches_ = nullptr;
    QSpinBox* seed_ = nullptr;
    QComboBox* start_ = nullptr;
    QCheckBox* oneWeight_ = nullptr;
    QDoubleSpinBox* weight_ = nullptr;
    QComboBox* feature_ = nullptr;
    QComboBox* evalConvention_ = nullptr;
    QPushButton* useEval_ = nullptr;
    QLabel* problem_ = nullptr;
    QLabel* evalLine_ = nullptr;
    QWidget* controls_ = nullptr;  // K, seed, start, weight, feature
    QWidget* content_ = nullptr;   // the plot, the table and eval mode
    // Both hidden when nothing applies, leaving the problem alone.
    PlotView* plot_ = nullptr;
    QTableWidget* table_ = nullptr;
    std::optional<RunningSimulation> simulation_;
    bool stale_ = false;  // an edit arrived while the tab was hidden
};

}  // namespace bnflow::ui
