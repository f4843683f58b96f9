// The Plots tab: a selector of plot names, the plot, its export buttons, and for "timings" the
// timing lab's controls (shape, dtype, Run, Cancel, progress). Refreshes on resultsChanged();
// the gradient check and the h sweep are built on a worker thread (PlotJob), the window keeps
// the previous drawing until they arrive, and says so when that takes a while. While the panel
// is a hidden tab page nothing is rebuilt: it catches up when its tab is shown.
#pragma once

#include <plots/plot_builders.h>
#include <plots/plot_export.h>

#include <QWidget>

#include <functional>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QStackedWidget;
class QTimer;

namespace bnflow::ui {

class DisplaySettings;
class PlotJob;
class PlotView;
class SessionDocument;
class TimingControls;
class TimingLab;

class PlotsPanel : public QWidget {
    Q_OBJECT
public:
    PlotsPanel(SessionDocument* document, DisplaySettings* display, QWidget* parent = nullptr);

    QString currentPlot() const;
    bool selectPlot(const QString& name);  // false for an unknown name
    void setFeature(int feature);          // "terms" of batch norm
    void setSample(int sample);            // "terms" of the per-sample layers
    void setStep(double h);                // "gradcheck": one of the offered steps
    PlotView* view() const { return view_; }
    TimingLab* timingLab() const { return lab_; }
    TimingControls* timingControls() const { return timingBox_; }
    QPushButton* checkCancelButton() const { return checkCancel_; }  // gradcheck and hsweep
    QPushButton* resetZoomButton() const { return resetZoom_; }
    bool computing() const;  // a plot is being built on the worker thread; view() is older

    bool exportImage(const QString& path, const ExportSize& size, QString* error) const;
    bool exportCsv(const QString& path, QString* error) const;

    // Dialog hook, so tests can answer without a modal loop: returns a path, empty to cancel.
    // `suggested` is the path the dialog offers (document/file_names.h).
    std::function<QString(const QString& caption, const QString& filter, const QString& suggested)> chooseFile;

signals:
    // After a file was written: one line naming it, for the status bar.
    void exported(const QString& message);

public slots:
    void refresh();
    void chooseAndExportImage();  // asks for a file: PNG at the panel's size and DPI, PDF, SVG
    void chooseAndExportCsv();

protected:
    bool event(QEvent* event) override;

private:
    void timingFinished(bool cancelled);
    void showPlot(const PlotSpec& spec);
    bool refuseWhileComputing();
    PlotStyle style() const;

    SessionDocument* document_;
    DisplaySettings* display_;
    TimingLab* lab_;
    QComboBox* plots_;
    QSpinBox* feature_;  // "terms" of batch norm: a feature's column
    QWidget* featureBox_;
    QSpinBox* sample_;   // "terms" of layer norm, RMSNorm, group norm: a sample's row
    QWidget* sampleBox_;
    QComboBox* step_;
    QWidget* stepBox_;
    TimingControls* timingBox_;
    QSpinBox* exportWidth_;
    QSpinBox* exportHeight_;
    QSpinBox* exportDpi_;
    QPushButton* exportImage_;
    QPushButton* exportCsv_;
    QPushButton* resetZoom_;
    QLabel* message_;
    QTimer* computingDelay_;
    QPushButton* checkCancel_;     // stops a running gradient check (gradcheck, hsweep)
    QProgressBar* checkProgress_;  // and shows how far it is, polled from the job
    QTimer* checkPoll_;
    PlotView* view_;
    PlotJob* job_;
    bool stale_ = false;  // a refresh was skipped while hidden
};

}  // namespace bnflow::ui
