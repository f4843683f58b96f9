// Which member of the normalization family the session runs, and its keys (core/model/norm_config.h):
// the layer; G for group norm; for batch norm the mode, the running statistics, the convention
// that updates them and the momentum. Each change is one undo step through the document; a
// combination that does not apply is refused there with its reason, and the editors show the
// document's keys again. Editors that do not apply to the layer are hidden, never half-valid.
#pragma once

#include <core/model/norm_config.h>

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTableWidget;

namespace bnflow::ui {

class SessionDocument;

class LayerPanel : public QWidget {
    Q_OBJECT
public:
    explicit LayerPanel(SessionDocument* document, QWidget* parent = nullptr);

    QComboBox* layerBox() const { return layer_; }
    QSpinBox* groupsBox() const { return groups_; }
    QSpinBox* channelsBox() const { return channels_; }
    QComboBox* modeBox() const { return mode_; }
    QCheckBox* runningBox() const { return running_; }
    QTableWidget* runningTable() const { return runningTable_; }
    QComboBox* conventionBox() const { return convention_; }
    QLineEdit* momentumEdit() const { return momentum_; }

    // What choosing `layer` in the selector makes of `current`: the keys that do not apply to
    // the new layer dropped, G = a divisor of D for group norm (2 when D is even).
    static NormConfig withLayer(const NormConfig& current, Layer layer, Eigen::Index features);
    // Eval mode, or training mode with running statistics: running_mean 0 and running_var 1
    // (every library's initial values) where the session has none yet.
    static NormConfig withRunning(const NormConfig& current, Eigen::Index features);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void refresh();
    void fitRunningTable();
    void chooseLayer();
    void chooseMode();
    void toggleRunning(bool on);
    void chooseConvention();
    void commitGroups();
    void commitChannels();
    void commitMomentum();
    void commitRunningCell(int row, int column);
    bool apply(const NormConfig& config, const QString& description);

    SessionDocument* document_;
    QComboBox* layer_;
    QLabel* groupsLabel_;
    QSpinBox* groups_;
    QSpinBox* channels_;  // 0 shows "none": no "channels" key
    QLabel* channelsLabel_;
    QWidget* batchNormKeys_;
    QComboBox* mode_;
    QCheckBox* running_;
    QTableWidget* runningTable_;
    QLabel* conventionLabel_;
    QComboBox* convention_;
    QLabel* momentumLabel_;
    QLineEdit* momentum_;
    QLabel* reduces_;
};

}  // namespace bnflow::ui
