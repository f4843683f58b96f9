#include <plots/timing_controls.h>

#include <plots/timing_lab.h>
#include <plots/tool_row.h>

#include <QComboBox>
#include <QHBoxLayout>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>

namespace bnflow::ui {

TimingControls::TimingControls(TimingLab* lab, QWidget* parent) : QWidget(parent), lab_(lab)
{
    // At most 16384 x 64 elements: the set-up and the first call of a measurement, which Cancel
    // cannot interrupt, stay under about 100 ms (measured by test_timing_lab).
    cols_ = spin(1, 64, 64, {}, this);
    dtype_ = new QComboBox(this);
    dtype_->addItem(QStringLiteral("float64"), int(Dtype::F64));
    dtype_->addItem(QStringLiteral("float32"), int(Dtype::F32));
    maxRows_ = new QComboBox(this);
    for (const int rows : {256, 1024, 4096, 16384})
        maxRows_->addItem(QString::number(rows), rows);
    maxRows_->setCurrentIndex(2);
    run_ = new QPushButton(tr("Run timings"), this);
    cancel_ = new QPushButton(tr("Cancel"), this);
    cancel_->setEnabled(false);
    progress_ = new QProgressBar(this);
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(labelled(tr("D"), cols_, this));
    row->addWidget(labelled(tr("N from 16 to"), maxRows_, this));
    row->addWidget(dtype_);
    row->addWidget(run_);
    row->addWidget(cancel_);
    row->addWidget(progress_, 1);
    connect(run_, &QPushButton::clicked, this, [this] {
        if (lab_->start(settings())) {
            run_->setEnabled(false);
            cancel_->setEnabled(true);
            progress_->setValue(0);
        }
    });
    connect(cancel_, &QPushButton::clicked, lab_, &TimingLab::cancel);
    connect(lab_, &TimingLab::progress, this, &TimingControls::showProgress);
    connect(lab_, &TimingLab::finished, this, &TimingControls::finish);
}

TimingSweepSettings TimingControls::settings() const
{
    TimingSweepSettings settings;
    settings.shapes = defaultTimingShapes(cols_->value(), maxRows_->currentData().toInt());
    settings.dtypes = {Dtype(dtype_->currentData().toInt())};
    return settings;
}

void TimingControls::showProgress(int done, int total)
{
    progress_->setRange(0, total);
    progress_->setValue(done);
}

void TimingControls::finish(bool cancelled)
{
    run_->setEnabled(true);
    cancel_->setEnabled(false);
    if (cancelled)
        progress_->reset();  // not left at the fraction reached, as if the run were still going
}

}  // namespace bnflow::ui
