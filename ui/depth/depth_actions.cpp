#include <depth/depth_actions.h>

#include <depth/depth_plots.h>
#include <depth/depth_trainer.h>
#include <depth/network_document.h>

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>

#include <algorithm>

namespace bnflow::ui {

DepthActions::DepthActions(NetworkDocument* document, DepthTrainer* trainer, QWidget* parent)
    : QWidget(parent), document_(document), trainer_(trainer)
{
    auto* form = new QFormLayout(this);
    form->setContentsMargins(0, 8, 0, 0);
    steps_ = new QSpinBox(this);
    steps_->setObjectName(QStringLiteral("depthSteps"));
    steps_->setRange(1, 100000);
    steps_->setValue(1000);
    train_ = new QPushButton(tr("&Train"), this);
    train_->setObjectName(QStringLiteral("depthTrain"));
    train_->setToolTip(tr("K plain SGD steps of lr on a copy of the network, in the background"));
    cancel_ = new QPushButton(tr("Cancel"), this);
    cancel_->setObjectName(QStringLiteral("depthCancel"));
    cancel_->setEnabled(false);
    progress_ = new QProgressBar(this);
    progress_->setObjectName(QStringLiteral("depthProgress"));
    progress_->setValue(0);
    layer_ = new QComboBox(this);
    layer_->setObjectName(QStringLiteral("depthLayer"));
    openNorm_ = new QPushButton(tr("Open its norm in the &walkthrough"), this);
    openNorm_->setObjectName(QStringLiteral("depthOpenNorm"));
    exportPlot_ = new QComboBox(this);
    exportPlot_->setObjectName(QStringLiteral("depthExportPlot"));
    for (const QString& name : depthPlotNames()) {
        exportPlot_->addItem(name.mid(6), name);  // "activations", ...
        exportPlot_->setItemData(exportPlot_->count() - 1, depthPlotDescription(name), Qt::ToolTipRole);
    }
    auto* exportButton = new QPushButton(tr("&Export..."), this);
    exportButton->setObjectName(QStringLiteral("depthExport"));
    exportButton->setToolTip(tr("PNG, PDF, SVG or the CSV of the numbers"));
    message_ = new QLabel(this);
    message_->setWordWrap(true);
    message_->setObjectName(QStringLiteral("depthMessage"));

    form->addRow(tr("Steps K"), steps_);
    form->addRow(train_, cancel_);
    form->addRow(progress_);
    form->addRow(tr("Layer"), layer_);
    form->addRow(openNorm_);
    form->addRow(exportPlot_, exportButton);
    form->addRow(message_);

    connect(train_, &QPushButton::clicked, this, &DepthActions::train);
    connect(cancel_, &QPushButton::clicked, trainer_, &DepthTrainer::cancel);
    connect(openNorm_, &QPushButton::clicked, this, [this] { emit openLayer(layer_->currentData().toInt()); });
    connect(exportButton, &QPushButton::clicked, this, &DepthActions::exportRequested);
    connect(document_, &NetworkDocument::editRefused, message_, &QLabel::setText);
    connect(trainer_, &DepthTrainer::progress, this, [this](int done, int total) {
        progress_->setRange(0, total);
        progress_->setValue(done);
    });
    connect(trainer_, &DepthTrainer::finished, this, [this](bool cancelled) {
        train_->setEnabled(true);
        cancel_->setEnabled(false);
        message_->setText(!trainer_->problem().isEmpty() ? trainer_->problem()
                          : cancelled ? tr("Cancelled after %1 steps.").arg(trainer_->steps().size())
                                      : tr("Trained %1 steps.").arg(trainer_->steps().size()));
        emit trained();
    });
}

void DepthActions::train()
{
    if (!trainer_->start(document_->network(), document_->data(), steps_->value(), document_->file().lr))
        return;
    train_->setEnabled(false);
    cancel_->setEnabled(true);
    progress_->setRange(0, steps_->value());
    progress_->setValue(0);
    message_->setText(tr("Training %1 steps...").arg(steps_->value()));
}

void DepthActions::setLayer(int k)
{
    layer_->setCurrentIndex(k);
}

void DepthActions::showLayers(int hidden, std::optional<Layer> norm)
{
    {
        const QSignalBlocker block(layer_);
        const int kept = layer_->currentIndex();
        layer_->clear();
        for (int k = 0; k < hidden; ++k)
            layer_->addItem(tr("layer %1").arg(k), k);
        layer_->setCurrentIndex(std::clamp(kept, 0, hidden - 1));
    }
    openNorm_->setEnabled(norm.has_value());
    openNorm_->setToolTip(norm ? tr("Open the layer's %1 with its batch in the walkthrough")
                                     .arg(QString::fromUtf8(layerTitle(*norm).data()))
                               : tr("This network has no norm to open"));
}

QString DepthActions::exportPlotName() const
{
    return exportPlot_->currentData().toString();
}

void DepthActions::showMessage(const QString& text)
{
    message_->setText(text);
}

}  // namespace bnflow::ui
