// The Depth tab: the network's settings as edits of the NetworkDocument (one undo step each),
// per layer the histograms of the activations and of their gradients side by side on shared
// axes, the per-layer chart, and Train (K SGD steps in the background) with update:data against
// the step. Only wires widgets: the numbers are the document's, the plots depth_plots.h's.
#pragma once

#include <plots/plot_renderer.h>

#include <core/model/session.h>

#include <QWidget>

#include <functional>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSlider;
class QSpinBox;
class QScrollArea;
class QSplitter;

namespace bnflow::ui {

class DepthActions;
class DepthTrainer;
class DisplaySettings;
class NetworkDocument;
class PlotView;

class DepthPanel : public QWidget {
    Q_OBJECT
public:
    DepthPanel(NetworkDocument* document, DisplaySettings* display, QWidget* parent = nullptr);

    NetworkDocument* document() const { return document_; }
    DepthTrainer* trainer() const { return trainer_; }
    PlotView* activationsView() const { return actView_; }
    PlotView* gradientsView() const { return gradView_; }
    PlotView* compareActivationsView() const { return compareActView_; }
    PlotView* compareGradientsView() const { return compareGradView_; }
    PlotView* ratiosView() const { return ratiosView_; }
    PlotView* updatesView() const { return updatesView_; }

    // The plot of that name as the tab shows it ("depth-activations", ...).
    PlotSpec plot(const QString& name) const;
    bool exportPlotTo(const QString& name, const QString& path, QString* error) const;
    // Asks for a file (chooseFile) and exports the plot chosen in the tab's export box.
    void chooseAndExport();
    void openLayerNorm(int k);  // emits openSession with layer k's norm, if it has one
    // Lecture mode: the plots' type at `scale` times the display's size (1: as set).
    void setLectureScale(double scale);
    double lectureScale() const { return lectureScale_; }
    // The status bar's line while the tab is shown: the network's shape, norm, batch and loss.
    QString summary() const;

    // For tests: answers the save dialog without a modal loop.
    std::function<QString(const QString& caption, const QString& filter, const QString& suggested)> chooseFile;

signals:
    // The session of a layer's norm, for the window to open in the walkthrough.
    void openSession(const bnflow::Session& session);
    void exported(const QString& message);

protected:
    void resizeEvent(QResizeEvent* event) override;  // reflow()

private:
    // The per-layer plots beside the histograms where the width allows (besideWidth()), else
    // side by side under them; the least width is the histograms' whole beside the settings.
    void reflow();
    int besideWidth() const;
    int histogramsWidth() const;
    QWidget* buildSettings();
    void refresh();       // widgets and plots from the document
    void refreshUpdates();
    void showHistograms();  // which histogram columns show, comparing or not
    PlotStyle style() const;
    PlotSpec forScreen(PlotSpec spec) const;  // the tab's version of a plot (lecture mode: no captions)
    void setGainFromSlider(int position);

    NetworkDocument* document_;
    DisplaySettings* display_;
    DepthTrainer* trainer_;
    QLabel* title_ = nullptr;
    QSpinBox* layers_ = nullptr;
    QSpinBox* width_ = nullptr;
    QComboBox* norm_ = nullptr;
    QComboBox* activation_ = nullptr;
    QSlider* gainSlider_ = nullptr;
    QDoubleSpinBox* gain_ = nullptr;
    QCheckBox* bias_ = nullptr;
    QSpinBox* batch_ = nullptr;
    QSpinBox* seed_ = nullptr;
    QDoubleSpinBox* lr_ = nullptr;
    QComboBox* compare_ = nullptr;
    QComboBox* compareShows_ = nullptr;
    double lectureScale_ = 1.0;  // comparing: activations or gradients side by side
    DepthActions* actions_ = nullptr;  // Train, the layer to open, the plot to export, the message
    PlotView* actView_ = nullptr;
    PlotView* gradView_ = nullptr;
    PlotView* compareActView_ = nullptr;
    PlotView* compareGradView_ = nullptr;
    PlotView* ratiosView_ = nullptr;
    PlotView* updatesView_ = nullptr;
    QWidget* histograms_ = nullptr;
    QScrollArea* histogramScroll_ = nullptr;
    QWidget* sideScroll_ = nullptr;
    QSplitter* plots_ = nullptr;  // the histograms and right_, side by side or one above the other
    QSplitter* right_ = nullptr;  // the per-layer plot and update:data
    PlotStyle updatesStyle_{Theme::Light, -1};  // what the update plot was last drawn with
};

}  // namespace bnflow::ui
