// The Depth tab's actions: Train with progress and cancel, opening a layer's norm in the
// walkthrough, and exporting its plots (depth_panel.cpp builds the settings and the plots).
#include <depth/depth_panel.h>

#include <depth/depth_plots.h>
#include <depth/depth_trainer.h>
#include <depth/network_document.h>
#include <plots/plot_export.h>

#include <QComboBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>

namespace bnflow::ui {

QWidget* DepthPanel::buildActions()
{
    auto* box = new QWidget(this);
    auto* form = new QFormLayout(box);
    form->setContentsMargins(0, 8, 0, 0);
    steps_ = new QSpinBox(box);
    steps_->setObjectName(QStringLiteral("depthSteps"));
    steps_->setRange(1, 100000);
    steps_->setValue(1000);
    train_ = new QPushButton(tr("&Train"), box);
    train_->setObjectName(QStringLiteral("depthTrain"));
    train_->setToolTip(tr("K plain SGD steps of lr on a copy of the network, in the background"));
    cancel_ = new QPushButton(tr("Cancel"), box);
    cancel_->setObjectName(QStringLiteral("depthCancel"));
    cancel_->setEnabled(false);
    progress_ = new QProgressBar(box);
    progress_->setObjectName(QStringLiteral("depthProgress"));
    progress_->setValue(0);
    layer_ = new QComboBox(box);
    layer_->setObjectName(QStringLiteral("depthLayer"));
    openNorm_ = new QPushButton(tr("Open its norm in the &walkthrough"), box);
    openNorm_->setObjectName(QStringLiteral("depthOpenNorm"));
    exportPlot_ = new QComboBox(box);
    exportPlot_->setObjectName(QStringLiteral("depthExportPlot"));
    for (const QString& name : depthPlotNames()) {
        exportPlot_->addItem(name.mid(6), name);  // "activations", ...
        exportPlot_->setItemData(exportPlot_->count() - 1, depthPlotDescription(name), Qt::ToolTipRole);
    }
    auto* exportButton = new QPushButton(tr("&Export..."), box);
    exportButton->setObjectName(QStringLiteral("depthExport"));
    exportButton->setToolTip(tr("PNG, PDF, SVG or the CSV of the numbers"));
    message_ = new QLabel(box);
    message_->setWordWrap(true);
    message_->setObjectName(QStringLiteral("depthMessage"));

    form->addRow(tr("Steps K"), steps_);
    form->addRow(train_, cancel_);
    form->addRow(progress_);
    form->addRow(tr("Layer"), layer_);
    form->addRow(openNorm_);
    form->addRow(exportPlot_, exportButton);
    form->addRow(message_);

    connect(train_, &QPushButton::clicked, this, &DepthPanel::train);
    connect(cancel_, &QPushButton::clicked, trainer_, &DepthTrainer::cancel);
    connect(openNorm_, &QPushButton::clicked, this, [this] { openLayerNorm(layer_->currentData().toInt()); });
    connect(exportButton, &QPushButton::clicked, this, &DepthPanel::chooseAndExport);
    return box;
}

void DepthPanel::train()
{
    if (!trainer_->start(document_->network(), document_->data(), steps_->value(), document_->file().lr))
        return;
    train_->setEnabled(false);
    cancel_->setEnabled(true);
    progress_->setRange(0, steps_->value());
    progress_->setValue(0);
    message_->setText(tr("Training %1 steps...").arg(steps_->value()));
}

void DepthPanel::openLayerNorm(int k)
{
    if (const auto session = document_->normSession(k))
        emit openSession(*session);
}

bool DepthPanel::exportPlotTo(const QString& name, const QString& path, QString* error) const
{
    const PlotSpec spec = plot(name);
    if (QFileInfo(path).suffix().toLower() == QLatin1String("csv"))
        return exportPlotCsv(spec, path, error);
    if (!imageFormatFor(path)) {
        *error = tr("%1: the file name must end in .png, .pdf, .svg or .csv").arg(path);
        return false;
    }
    return exportPlot(spec, path, ExportSize{1200, 900, 96}, style(), error);
}

void DepthPanel::chooseAndExport()
{
    const QString name = exportPlot_->currentData().toString();
    const QString base = document_->filePath().isEmpty() ? QStringLiteral("network")
                                                         : QFileInfo(document_->filePath()).completeBaseName().section(QLatin1Char('.'), 0, 0);
    const QString path = chooseFile(tr("Export %1").arg(name), tr("PNG (*.png);;PDF (*.pdf);;SVG (*.svg);;CSV (*.csv)"),
                                    base + QLatin1Char('-') + name + QStringLiteral(".png"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportPlotTo(name, path, &error)) {
        message_->setText(error);
        return;
    }
    emit exported(tr("Exported the %1 plot to %2").arg(name, path));
}

}  // namespace bnflow::ui
