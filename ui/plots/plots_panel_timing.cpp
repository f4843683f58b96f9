// The Plots tab's timing lab row: D, the largest N, the dtype, Run and Cancel with progress
// (plots_panel.h; the measuring is TimingLab's, on a worker thread).
#include <plots/plots_panel.h>

#include <plots/timing_lab.h>
#include <plots/tool_row.h>

#include <QComboBox>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>

namespace bnflow::ui {

QWidget* PlotsPanel::makeTimingControls()
{
    auto* box = new QWidget(this);
    // At most 16384 x 64 elements: the set-up and the first call of a measurement, which Cancel
    // cannot interrupt, stay under about 100 ms (measured by test_timing_lab).
    timingCols_ = spin(1, 64, 64, {}, box);
    timingDtype_ = new QComboBox(box);
    timingDtype_->addItem(QStringLiteral("float64"), int(Dtype::F64));
    timingDtype_->addItem(QStringLiteral("float32"), int(Dtype::F32));
    timingMaxRows_ = new QComboBox(box);
    for (const int rows : {256, 1024, 4096, 16384})
        timingMaxRows_->addItem(QString::number(rows), rows);
    timingMaxRows_->setCurrentIndex(2);
    run_ = new QPushButton(tr("Run timings"), box);
    cancel_ = new QPushButton(tr("Cancel"), box);
    cancel_->setEnabled(false);
    progress_ = new QProgressBar(box);
    auto* row = new QHBoxLayout(box);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(labelled(tr("D"), timingCols_, box));
    row->addWidget(labelled(tr("N from 16 to"), timingMaxRows_, box));
    row->addWidget(timingDtype_);
    row->addWidget(run_);
    row->addWidget(cancel_);
    row->addWidget(progress_, 1);
    connect(run_, &QPushButton::clicked, this, [this] {
        if (lab_->start(timingSettings())) {
            run_->setEnabled(false);
            cancel_->setEnabled(true);
            progress_->setValue(0);
        }
    });
    connect(cancel_, &QPushButton::clicked, lab_, &TimingLab::cancel);
    return box;
}

TimingSweepSettings PlotsPanel::timingSettings() const
{
    TimingSweepSettings settings;
    settings.shapes = defaultTimingShapes(timingCols_->value(), timingMaxRows_->currentData().toInt());
    settings.dtypes = {Dtype(timingDtype_->currentData().toInt())};
    return settings;
}

void PlotsPanel::timingProgress(int done, int total)
{
    progress_->setRange(0, total);
    progress_->setValue(done);
}

void PlotsPanel::timingFinished(bool cancelled)
{
    run_->setEnabled(true);
    cancel_->setEnabled(false);
    if (cancelled)
        progress_->reset();  // not left at the fraction reached, as if the run were still going
    refresh();
    if (cancelled)
        message_->setText(tr("Timings cancelled; showing the %1 measurements completed.").arg(lab_->points().size()));
}

}  // namespace bnflow::ui
