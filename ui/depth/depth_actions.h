// The Depth tab's actions, under its settings: Train (K SGD steps in the background, with
// progress and Cancel), the layer whose norm opens in the walkthrough, the plot to export, and
// the tab's message line. The panel owns the plots; these controls only ask for them.
#pragma once

#include <core/model/norm_config.h>

#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace bnflow::ui {

class DepthTrainer;
class NetworkDocument;

class DepthActions : public QWidget {
    Q_OBJECT
public:
    DepthActions(NetworkDocument* document, DepthTrainer* trainer, QWidget* parent = nullptr);

    void train();  // Train: starts K steps of the document's network in the background
    void setLayer(int k);
    // The network's layers to choose from, and whether (and which) norm they have to open.
    void showLayers(int hidden, std::optional<Layer> norm);
    QString exportPlotName() const;  // "depth-activations", ...
    void showMessage(const QString& text);

signals:
    void openLayer(int k);   // "Open its norm in the walkthrough"
    void exportRequested();  // "Export...": the panel asks for a file
    void trained();          // a run ended (done, cancelled or refused): the steps changed

private:
    NetworkDocument* document_;
    DepthTrainer* trainer_;
    QSpinBox* steps_;
    QPushButton* train_;
    QPushButton* cancel_;
    QProgressBar* progress_;
    QComboBox* layer_;
    QPushButton* openNorm_;
    QComboBox* exportPlot_;
    QLabel* message_;
};

}  // namespace bnflow::ui
