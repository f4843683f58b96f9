#include <plots/plots_panel.h>

#include <document/display_settings.h>
#include <document/jargon.h>
#include <document/file_names.h>
#include <document/session_document.h>
#include <plots/jacobian_plot.h>
#include <plots/plot_job.h>
#include <plots/plot_view.h>
#include <plots/timing_controls.h>
#include <plots/timing_lab.h>
#include <plots/tool_row.h>

#include <QComboBox>
#include <QEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

namespace bnflow::ui {

PlotsPanel::PlotsPanel(SessionDocument* document, DisplaySettings* display, QWidget* parent)
    : QWidget(parent), document_(document), display_(display), lab_(new TimingLab(this))
{
    plots_ = new QComboBox(this);
    plots_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    plots_->setMinimumContentsLength(20);  // long plot titles must not widen the window
    plots_->setObjectName(QStringLiteral("plotSelector"));
    for (const QString& name : plotNames()) {
        plots_->addItem(QStringLiteral("%1: %2").arg(name, plotDescription(name)), name);
        plots_->setItemData(plots_->count() - 1, jargonToolTip(plotDescription(name)), Qt::ToolTipRole);
    }
    feature_ = spin(0, 0, 0, {}, this);
    feature_->setObjectName(QStringLiteral("termsFeature"));
    feature_->setToolTip(tr("The feature (column) whose samples' terms are drawn"));
    featureBox_ = labelled(tr("Feature"), feature_, this);
    sample_ = spin(0, 0, 0, {}, this);
    sample_->setObjectName(QStringLiteral("termsSample"));
    sample_->setToolTip(tr("The sample (row) whose features' terms are drawn: this layer normalizes each "
                           "sample over its features"));
    sampleBox_ = labelled(tr("Sample"), sample_, this);
    step_ = new QComboBox(this);
    for (const double h : {1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8})
        step_->addItem(QString::number(h, 'g', 1), h);
    step_->setCurrentIndex(3);  // 1e-5, the step of doc/derivation.md#gradient-check
    stepBox_ = labelled(tr("h"), step_, this);
    timingBox_ = new TimingControls(lab_, this);
    exportWidth_ = spin(200, 8000, 1600, tr(" px"), this);
    exportHeight_ = spin(150, 8000, 1000, tr(" px"), this);
    exportDpi_ = spin(48, 600, 96, tr(" dpi"), this);
    // The size semantics, said where they are chosen (plot_export.h).
    exportWidth_->setToolTip(tr("PNG: the image is exactly this many pixels wide, at any dpi. "
                                "PDF: points; SVG: px."));
    exportHeight_->setToolTip(tr("PNG: the image is exactly this many pixels high, at any dpi. "
                                 "PDF: points; SVG: px."));
    exportDpi_->setToolTip(tr("PNG only: stored in the file; text and lines are drawn dpi / 96 times "
                              "as large on the same number of pixels (192: twice, for print)"));
    exportImage_ = new QPushButton(tr("Export image..."), this);
    exportCsv_ = new QPushButton(tr("Export CSV..."), this);
    exportImage_->setToolTip(tr("PNG at the size and DPI beside it, PDF or SVG (by the file's extension)"));
    exportCsv_->setToolTip(tr("The plotted numbers, one row per point"));
    resetZoom_ = new QPushButton(tr("Reset zoom"), this);
    resetZoom_->setToolTip(tr("Fit the axes to the data again (so does a double-click on the plot).\n"
                              "Zoom with the mouse wheel, pan by dragging; both are kept while you edit."));

    // What to plot on the first row, how to export it on the second: one row of both was wider
    // than a laptop's screen leaves for the plot.
    auto* tools = new QHBoxLayout;
    tools->addWidget(plots_, 1);
    tools->addWidget(featureBox_);
    tools->addWidget(sampleBox_);
    tools->addWidget(stepBox_);
    tools->addWidget(resetZoom_);
    auto* exportRow = new QHBoxLayout;
    exportRow->addWidget(exportWidth_);
    exportRow->addWidget(new QLabel(QStringLiteral("x"), this));
    exportRow->addWidget(exportHeight_);
    exportRow->addWidget(exportDpi_);
    exportRow->addStretch(1);
    exportRow->addWidget(exportImage_);
    exportRow->addWidget(exportCsv_);
    message_ = new QLabel(this);
    message_->setWordWrap(true);
    view_ = new PlotView(this);
    job_ = new PlotJob(this);
    computingDelay_ = new QTimer(this);  // a quick result replaces the plot without a message
    computingDelay_->setSingleShot(true);
    computingDelay_->setInterval(150);
    checkCancel_ = new QPushButton(tr("Cancel"), this);
    checkCancel_->setObjectName(QStringLiteral("checkCancel"));
    checkCancel_->setToolTip(tr("Stop the gradient check; the previous plot stays"));
    checkProgress_ = new QProgressBar(this);
    checkProgress_->setMaximumWidth(160);
    checkCancel_->hide();
    checkProgress_->hide();
    checkPoll_ = new QTimer(this);
    checkPoll_->setInterval(100);
    tools->insertWidget(tools->indexOf(stepBox_) + 1, checkProgress_);
    tools->insertWidget(tools->indexOf(stepBox_) + 1, checkCancel_);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(tools);
    layout->addLayout(exportRow);
    layout->addWidget(timingBox_);
    layout->addWidget(message_);
    layout->addWidget(view_, 1);

    connect(plots_, &QComboBox::currentIndexChanged, this, &PlotsPanel::refresh);
    connect(feature_, &QSpinBox::valueChanged, this, &PlotsPanel::refresh);
    connect(sample_, &QSpinBox::valueChanged, this, &PlotsPanel::refresh);
    connect(step_, &QComboBox::currentIndexChanged, this, &PlotsPanel::refresh);
    connect(document_, &SessionDocument::resultsChanged, this, &PlotsPanel::refresh);
    // A theme or font change redraws the numbers already shown: no gradient check runs again.
    connect(display_, &DisplaySettings::changed, this, [this] { view_->setSpec(view_->spec(), style()); });
    connect(exportImage_, &QPushButton::clicked, this, &PlotsPanel::chooseAndExportImage);
    connect(exportCsv_, &QPushButton::clicked, this, &PlotsPanel::chooseAndExportCsv);
    connect(resetZoom_, &QPushButton::clicked, view_, &PlotView::resetZoom);
    connect(job_, &PlotJob::ready, this, &PlotsPanel::showPlot);
    connect(computingDelay_, &QTimer::timeout, this, [this] {
        if (job_->busy()) {
            message_->setText(currentPlot() == QLatin1String("jacobian")
                                  ? tr("Computing the Jacobian of a large set (its eigenvalues are O(M\u00b3))... "
                                       "the plot below is the previous one.")
                                  : tr("Computing the %1 plot (it runs the gradient check)... the plot below "
                                       "is the previous one.").arg(currentPlot()));
            checkCancel_->show();
            checkProgress_->setVisible(currentPlot() != QLatin1String("jacobian"));  // no progress to report
            checkPoll_->start();
        }
    });
    connect(checkPoll_, &QTimer::timeout, this, [this] {
        const auto [done, total] = job_->progress();
        checkProgress_->setRange(0, 1000);
        checkProgress_->setValue(total ? int(1000 * done / total) : 0);
        if (!job_->busy()) {
            checkPoll_->stop();
            checkCancel_->hide();
            checkProgress_->hide();
        }
    });
    connect(checkCancel_, &QPushButton::clicked, this, [this] {
        job_->cancel();
        computingDelay_->stop();
        checkPoll_->stop();
        checkCancel_->hide();
        checkProgress_->hide();
        exportImage_->setEnabled(true);
        exportCsv_->setEnabled(true);
        message_->setText(currentPlot() == QLatin1String("jacobian")
                              ? tr("Jacobian cancelled; the plot below is the previous one.")
                              : tr("Gradient check cancelled; the plot below is the previous one."));
    });
    connect(lab_, &TimingLab::finished, this, &PlotsPanel::timingFinished);
    chooseFile = [this](const QString& caption, const QString& filter, const QString& suggested) {
        return QFileDialog::getSaveFileName(this, caption, suggested, filter);
    };
    refresh();
}

QString PlotsPanel::currentPlot() const
{
    return plots_->currentData().toString();
}

bool PlotsPanel::selectPlot(const QString& name)
{
    const int index = plots_->findData(name);
    if (index < 0)
        return false;
    plots_->setCurrentIndex(index);
    return true;
}

void PlotsPanel::setFeature(int feature)
{
    feature_->setValue(feature);
}

void PlotsPanel::setSample(int sample)
{
    sample_->setValue(sample);
}

void PlotsPanel::setStep(double h)
{
    step_->setCurrentIndex(step_->findData(h));
}

PlotStyle PlotsPanel::style() const
{
    return {display_->theme(), display_->fontPointSize()};
}

bool PlotsPanel::computing() const
{
    return job_->busy();
}

bool PlotsPanel::event(QEvent* event)
{
    // ShowToParent, not Show: it also arrives when the tab becomes current in a window that is
    // not on screen (tests, --screenshot before the window is shown).
    if (event->type() == QEvent::ShowToParent && stale_)
        refresh();
    return QWidget::event(event);
}

void PlotsPanel::refresh()
{
    // A tab page that is not the current one: every edit would rebuild a plot nobody sees (and
    // run the gradient check for gradcheck and hsweep).
    stale_ = isHidden() && parentWidget();
    if (stale_)
        return;
    const QString name = currentPlot();
    const bool perSample = termsPerSample(document_->norm());
    const bool jacobian = name == QLatin1String("jacobian");
    const JacobianSelectors selects = jacobianSelectors(document_->norm());
    featureBox_->setVisible((name == QLatin1String("terms") && !perSample) || (jacobian && selects.feature));
    sampleBox_->setVisible((name == QLatin1String("terms") && perSample) || (jacobian && selects.sample));
    feature_->setToolTip(jacobian ? tr("The feature whose set's Jacobian is drawn (batch norm: its column; "
                                       "group norm: its group)")
                                  : tr("The feature (column) whose samples' terms are drawn"));
    sample_->setToolTip(jacobian ? tr("The sample whose set's Jacobian is drawn (its row; group norm: the row's "
                                      "group that holds the feature)")
                                 : tr("The sample (row) whose features' terms are drawn: this layer normalizes "
                                      "each sample over its features"));
    stepBox_->setVisible(name == QLatin1String("gradcheck"));
    // A plot that shows batch norm only says why for another layer (plot_builders.h).
    const QString unavailable = familyPlotUnavailable(name, document_->norm());
    timingBox_->setVisible(name == QLatin1String("timings") && unavailable.isEmpty());
    {
        // Not a second refresh: the new maximum may clamp the value, which is read below.
        const QSignalBlocker blockFeature(feature_), blockSample(sample_);
        feature_->setMaximum(int(std::max<Eigen::Index>(0, document_->session().features() - 1)));
        sample_->setMaximum(int(std::max<Eigen::Index>(0, document_->session().samples() - 1)));
    }
    if (!unavailable.isEmpty()) {
        job_->cancel();
        showPlot({});
        message_->setText(unavailable);
        return;
    }
    if (name == QLatin1String("timings")) {
        job_->cancel();
        showPlot(timingsPlot(lab_->points(), QString::fromStdString(machineDescription()), lab_->copyGbps()));
        if (lab_->points().empty())
            message_->setText(tr("Press Run timings to measure on this machine."));
        return;
    }
    const FamilyAnalysis* family = document_->analysis();
    if (!family) {
        job_->cancel();
        showPlot({});
        message_->setText(tr("The session cannot be computed; see the results panel."));
        return;
    }
    if (document_->session().exercise.hidesAnything()) {
        // A plot of the gradients would draw the values the exercise hides (exercise.h).
        job_->cancel();
        showPlot({});
        message_->setText(tr("The plots are hidden while the exercise hides values: they would give "
                             "the answers away. Reveal or unhide them (Exercise menu) to plot."));
        return;
    }
    PlotOptions options;
    options.feature = feature_->value();
    options.sample = sample_->value();
    options.h = step_->currentData().toDouble();
    if (jacobian && jacobianSize(document_->session(), options.feature, options.sample) > kJacobianForegroundSize) {
        // A large set: two dense eigensolvers, O(M^3), on the worker; the staged dx is copied too.
        const Matrix& stagedDx = family->staged.dx;
        job_->request([session = document_->session(), stagedDx, options] {
            return jacobianPlot(session, stagedDx, options.feature, options.sample);
        });
        exportImage_->setEnabled(false);
        exportCsv_->setEnabled(false);
        if (!computingDelay_->isActive())
            computingDelay_->start();
        return;
    }
    if (isCheckPlot(name)) {
        // The session is copied into the request: later edits cannot touch what the worker reads.
        PlotOptions checkOptions = options;
        checkOptions.cancel = job_->stopFlag();
        checkOptions.progress = job_->progressSink();
        job_->request([name, session = document_->session(), checkOptions] {
            return checkPlot(name, session, checkOptions);
        });
        exportImage_->setEnabled(false);  // until the plot shown is the current one
        exportCsv_->setEnabled(false);
        if (!computingDelay_->isActive())
            computingDelay_->start();
        return;
    }
    job_->cancel();
    showPlot(familyPlot(name, document_->session(), *family, options));
}

void PlotsPanel::showPlot(const PlotSpec& spec)
{
    computingDelay_->stop();
    message_->clear();
    if (spec.panels.empty() && !spec.caption.isEmpty())  // a computation that failed says why
        message_->setText(spec.caption);
    exportImage_->setEnabled(true);
    exportCsv_->setEnabled(true);
    view_->setSpec(spec, style());
}

bool PlotsPanel::exportImage(const QString& path, const ExportSize& size, QString* error) const
{
    return exportPlot(view_->spec(), path, size, style(), error);
}

bool PlotsPanel::exportCsv(const QString& path, QString* error) const
{
    return exportPlotCsv(view_->spec(), path, error);
}

// File > Export plot image... is not disabled with the buttons.
bool PlotsPanel::refuseWhileComputing()
{
    if (!computing())
        return false;
    message_->setText(tr("The plot is still being computed; export it once it is shown."));
    return true;
}

void PlotsPanel::chooseAndExportImage()
{
    if (refuseWhileComputing())
        return;
    const QString path = chooseFile(tr("Export plot"), tr("Images (*.png *.pdf *.svg)"),
                                    suggestedFileName(*document_, currentPlot(), QStringLiteral("png")));
    if (path.isEmpty())
        return;
    const ExportSize size{exportWidth_->value(), exportHeight_->value(), exportDpi_->value()};
    QString error;
    if (!exportImage(path, size, &error)) {
        message_->setText(error);
        return;
    }
    emit exported(imageFormatFor(path) == ImageFormat::Png
                      ? tr("Exported the %1 plot (%2 x %3 px, %4 dpi) to %5")
                            .arg(currentPlot()).arg(size.width).arg(size.height).arg(size.dpi).arg(path)
                      : tr("Exported the %1 plot to %2").arg(currentPlot(), path));
}

void PlotsPanel::chooseAndExportCsv()
{
    if (refuseWhileComputing())
        return;
    const QString path = chooseFile(tr("Export plot data"), tr("CSV (*.csv)"),
                                    suggestedFileName(*document_, currentPlot(), QStringLiteral("csv")));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportCsv(path, &error)) {
        message_->setText(error);
        return;
    }
    emit exported(tr("Exported the numbers of the %1 plot to %2").arg(currentPlot(), path));
}

void PlotsPanel::timingFinished(bool cancelled)
{
    refresh();
    if (cancelled)
        message_->setText(tr("Timings cancelled; showing the %1 measurements completed.").arg(lab_->points().size()));
}

}  // namespace bnflow::ui
