// The Plots tab's row for the timing lab: D, the largest N, the dtype, Run and Cancel, and the
// progress of a run. It starts the lab (plots/timing_lab.h: the measuring runs on a worker
// thread) and follows its progress; the panel shows the timings plot when a run ends.
#pragma once

#include <core/math/sweeps.h>

#include <QWidget>

class QComboBox;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace bnflow::ui {

class TimingLab;

class TimingControls : public QWidget {
    Q_OBJECT
public:
    TimingControls(TimingLab* lab, QWidget* parent = nullptr);

    // The sweep the controls describe: N from 16 up to the chosen largest, D, one dtype.
    TimingSweepSettings settings() const;
    QPushButton* runButton() const { return run_; }
    QPushButton* cancelButton() const { return cancel_; }
    QProgressBar* progressBar() const { return progress_; }

private:
    void showProgress(int done, int total);
    void finish(bool cancelled);

    TimingLab* lab_;
    QSpinBox* cols_;
    QComboBox* dtype_;
    QComboBox* maxRows_;
    QPushButton* run_;
    QPushButton* cancel_;
    QProgressBar* progress_;
};

}  // namespace bnflow::ui
