#include <editors/layer_panel.h>

#include <document/display_settings.h>
#include <document/session_document.h>
#include <tables/result_models.h>
#include <tables/editable_model.h>

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QScrollBar>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace bnflow::ui {
namespace {

QString text(std::string_view utf8)
{
    return QString::fromUtf8(utf8.data(), qsizetype(utf8.size()));
}

// What one statistic is shared by, in the words of the batch table (rows are samples).
QString reductionText(const NormConfig& norm, Eigen::Index features)
{
    const Eigen::Index positions = norm.positions(features);
    if (positions > 1 && norm.layerOrDefault() == Layer::GroupNorm)
        return QObject::tr("Spatial group norm: %1 channels of L = %2 positions; one mean and variance per sample and group of %3 channels. gamma and beta are per channel.")
            .arg(features / positions)
            .arg(positions)
            .arg(features / positions / std::max<std::int64_t>(norm.groups.value_or(1), 1));
    if (positions > 1)
        return norm.isEval()
                   ? QObject::tr("Spatial batch norm, eval mode: the running statistics of each of the %1 channels normalize its L = %2 columns.").arg(features / positions).arg(positions)
                   : QObject::tr("Spatial batch norm: %1 channels of L = %2 positions; one mean and variance per channel, over its N × L entries (the tinted columns of x).").arg(features / positions).arg(positions);
    switch (norm.layerOrDefault()) {
    case Layer::LayerNorm:
        return QObject::tr("One mean and variance per sample: each row of x is normalized over its %1 features.").arg(features);
    case Layer::RmsNorm:
        return QObject::tr("One mean square per sample: each row of x is divided by its root mean square; no centring.");
    case Layer::GroupNorm: {
        const auto g = norm.groups.value_or(1);
        return QObject::tr("One mean and variance per sample and group: row i, features in blocks of %1 (G = %2).")
            .arg(g > 0 ? features / g : 0)
            .arg(g);
    }
    case Layer::BatchNorm:
        return norm.isEval()
                   ? QObject::tr("Eval mode: the running statistics normalize each column; nothing depends on the batch.")
                   : QObject::tr("One mean and variance per feature: each column of x is normalized over the batch.");
    }
    return {};
}

}  // namespace

NormConfig LayerPanel::withLayer(const NormConfig& current, Layer layer, Eigen::Index features)
{
    if (layer == current.layerOrDefault())
        return current;
    NormConfig next;  // the keys of another layer never carry over: they would be refused
    if (layer != Layer::BatchNorm)
        next.layer = layer;
    if (layer == Layer::GroupNorm)
        next.groups = features % 2 == 0 ? 2 : 1;
    return next;
}

NormConfig LayerPanel::withRunning(const NormConfig& current, Eigen::Index features)
{
    NormConfig next = current;
    if (!next.runningMean)
        next.runningMean = RowVector::Zero(current.affineSize(features));
    if (!next.runningVar)
        next.runningVar = RowVector::Ones(current.affineSize(features));
    return next;
}

LayerPanel::LayerPanel(SessionDocument* document, QWidget* parent)
    : QWidget(parent), document_(document)
{
    layer_ = new QComboBox(this);
    layer_->setObjectName(QStringLiteral("layer"));
    for (const Layer l : {Layer::BatchNorm, Layer::LayerNorm, Layer::RmsNorm, Layer::GroupNorm})
        layer_->addItem(text(layerTitle(l)), int(l));
    layer_->setToolTip(tr("Which normalization the session computes: batch norm reduces each column "
                          "of x, layer norm and RMSNorm each row, group norm blocks of a row"));
    groups_ = new QSpinBox(this);
    groups_->setObjectName(QStringLiteral("groups"));
    groups_->setRange(1, 1 << 20);
    groups_->setToolTip(tr("G: the features of each sample fall into G groups of D/G consecutive "
                           "features; G must divide D. G = 1 is layer norm"));
    groupsLabel_ = new QLabel(tr("groups G"), this);
    channels_ = new QSpinBox(this);
    channels_->setObjectName(QStringLiteral("channels"));
    channels_->setRange(0, 1 << 20);
    channels_->setSpecialValueText(tr("none"));
    channels_->setToolTip(tr("C, spatial normalization (CS231n's spatial batch and group norm): "
                             "the D features are C channels of L = D/C positions, read as a "
                             "PyTorch (N, C, L) tensor; gamma and beta are per channel. C must "
                             "divide D (and G must divide C). none: one channel per feature"));
    channelsLabel_ = new QLabel(tr("channels C"), this);

    mode_ = new QComboBox(this);
    mode_->setObjectName(QStringLiteral("mode"));
    mode_->addItem(tr("training"), int(Mode::Train));
    mode_->addItem(tr("eval"), int(Mode::Eval));
    mode_->setToolTip(tr("Training normalizes with the batch's own statistics; eval with the "
                         "running statistics, so dx = dout * gamma / sqrt(running var + eps)"));
    running_ = new QCheckBox(tr("update running statistics"), this);
    running_->setObjectName(QStringLiteral("running"));
    running_->setToolTip(tr("Training mode: also compute the running mean and variance after "
                            "this batch, under the chosen convention"));
    runningTable_ = new QTableWidget(2, 0, this);
    runningTable_->setObjectName(QStringLiteral("runningStatistics"));
    runningTable_->setVerticalHeaderLabels({tr("running mean"), tr("running var")});
    runningTable_->setToolTip(tr("The running statistics before this batch, one per feature; "
                                 "type a number to change one (a variance is >= 0)"));
    runningTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    runningTable_->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    runningTable_->installEventFilter(this);
    convention_ = new QComboBox(this);
    convention_->setObjectName(QStringLiteral("convention"));
    convention_->addItem(tr("PyTorch"), int(Convention::PyTorch));
    convention_->addItem(tr("Keras"), int(Convention::Keras));
    convention_->addItem(tr("CS231n"), int(Convention::Cs231n));
    convention_->setToolTip(tr("How the running statistics are updated: PyTorch (1 − m)·old + m·batch "
                               "with the unbiased variance; Keras and CS231n m·old + (1 − m)·batch "
                               "with the biased one (doc: Running statistics)"));
    conventionLabel_ = new QLabel(tr("convention"), this);
    momentum_ = new QLineEdit(this);
    momentum_->setObjectName(QStringLiteral("momentum"));
    momentum_->setToolTip(tr("A number from 0 to 1; empty: the convention's default"));
    momentumLabel_ = new QLabel(tr("momentum"), this);
    reduces_ = new QLabel(this);
    reduces_->setObjectName(QStringLiteral("reduces"));
    reduces_->setWordWrap(true);
    reduces_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);

    batchNormKeys_ = new QWidget(this);
    auto* bn = new QFormLayout(batchNormKeys_);
    bn->setContentsMargins(0, 0, 0, 0);
    bn->addRow(tr("mode"), mode_);
    bn->addRow(running_);
    bn->addRow(runningTable_);
    bn->addRow(conventionLabel_, convention_);
    bn->addRow(momentumLabel_, momentum_);

    auto* form = new QFormLayout;
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("layer"), layer_);
    form->addRow(groupsLabel_, groups_);
    form->addRow(channelsLabel_, channels_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(form);
    layout->addWidget(batchNormKeys_);
    layout->addWidget(reduces_);

    connect(layer_, &QComboBox::activated, this, &LayerPanel::chooseLayer);
    connect(groups_, &QSpinBox::editingFinished, this, &LayerPanel::commitGroups);
    connect(channels_, &QSpinBox::editingFinished, this, &LayerPanel::commitChannels);
    connect(mode_, &QComboBox::activated, this, &LayerPanel::chooseMode);
    connect(running_, &QCheckBox::clicked, this, &LayerPanel::toggleRunning);
    connect(convention_, &QComboBox::activated, this, &LayerPanel::chooseConvention);
    connect(momentum_, &QLineEdit::editingFinished, this, &LayerPanel::commitMomentum);
    connect(runningTable_, &QTableWidget::cellChanged, this, &LayerPanel::commitRunningCell);
    connect(document_, &SessionDocument::resultsChanged, this, &LayerPanel::refresh);
    refresh();
}

bool LayerPanel::apply(const NormConfig& config, const QString& description)
{
    const bool done = document_->setNorm(config, description);
    refresh();  // a refused change shows the document's keys again
    return done;
}

void LayerPanel::chooseLayer()
{
    const auto layer = Layer(layer_->currentData().toInt());
    apply(withLayer(document_->norm(), layer, document_->session().features()),
          tr("Layer: %1").arg(text(layerTitle(layer))));
}

void LayerPanel::commitGroups()
{
    NormConfig next = document_->norm();
    if (next.layerOrDefault() != Layer::GroupNorm || next.groups == groups_->value())
        return;
    next.groups = groups_->value();
    apply(next, tr("Group norm: G = %1").arg(groups_->value()));
}

void LayerPanel::commitChannels()
{
    NormConfig next = document_->norm();
    const int value = channels_->value();
    if (next.channels.value_or(0) == value)
        return;
    if (value == 0)
        next.channels.reset();
    else
        next.channels = value;
    apply(next, value == 0 ? tr("Channels: none") : tr("Channels: C = %1").arg(value));
}

void LayerPanel::chooseMode()
{
    const auto mode = Mode(mode_->currentData().toInt());
    NormConfig next = document_->norm();
    if (mode == next.modeOrDefault())
        return;
    if (mode == Mode::Eval) {
        // Eval reads the running statistics and updates nothing: no momentum, no convention.
        const bool given = next.runningMean && next.runningVar;
        next = withRunning(next, document_->session().features());
        next.mode = Mode::Eval;
        next.momentum.reset();
        next.convention.reset();
        apply(next, given ? tr("Batch norm: eval mode")
                          : tr("Batch norm: eval mode (running mean 0, running var 1)"));
    } else {
        next.mode.reset();
        apply(next, tr("Batch norm: training mode"));
    }
}

void LayerPanel::toggleRunning(bool on)
{
    NormConfig next = document_->norm();
    if (on) {
        apply(withRunning(next, document_->session().features()),
              tr("Batch norm: update running statistics"));
    } else {
        next.runningMean.reset();
        next.runningVar.reset();
        next.momentum.reset();
        next.convention.reset();
        apply(next, tr("Batch norm: no running statistics"));
    }
}

void LayerPanel::chooseConvention()
{
    NormConfig next = document_->norm();
    const auto convention = Convention(convention_->currentData().toInt());
    if (convention == next.conventionOrDefault())
        return;
    next.convention = convention;
    apply(next, tr("Running statistics: %1 convention").arg(convention_->currentText()));
}

void LayerPanel::commitMomentum()
{
    NormConfig next = document_->norm();
    const QString typed = momentum_->text().trimmed();
    if (typed.isEmpty()) {
        if (next.momentum) {
            next.momentum.reset();
            apply(next, tr("Momentum: the convention's default"));
        }
        return;
    }
    const std::optional<double> value = parseNumber(typed);
    if (!value) {
        document_->refuse(tr("momentum: '%1' is not a number; it stays %2")
                              .arg(typed.left(40))
                              .arg(next.momentumOrDefault()));
        refresh();
        return;
    }
    if (next.momentum == *value)
        return;
    next.momentum = *value;
    apply(next, tr("Momentum = %1").arg(*value, 0, 'g', 6));
}

void LayerPanel::commitRunningCell(int row, int column)
{
    const QTableWidgetItem* item = runningTable_->item(row, column);
    NormConfig next = document_->norm();
    std::optional<RowVector>& target = row == 0 ? next.runningMean : next.runningVar;
    if (!item || !target || column >= target->size())
        return;
    const char* name = row == 0 ? "running_mean" : "running_var";
    const std::optional<double> value = parseNumber(item->text());
    if (!value) {
        document_->refuse(tr("%1[%2]: '%3' is not a finite number; it stays %4")
                              .arg(QLatin1String(name))
                              .arg(column)
                              .arg(item->text().left(40))
                              .arg((*target)[column]));
        refresh();
        return;
    }
    if ((*target)[column] == *value)
        return;
    (*target)[column] = *value;
    apply(next, tr("Set %1[%2] = %3").arg(QLatin1String(name)).arg(column).arg(*value, 0, 'g', 6));
}

void LayerPanel::refresh()
{
    const NormConfig& norm = document_->norm();
    const Eigen::Index features = document_->session().features();
    const Layer layer = norm.layerOrDefault();
    const bool batchNorm = layer == Layer::BatchNorm;
    const bool eval = norm.isEval();
    const bool hasRunning = norm.runningMean && norm.runningVar;
    {
        const QSignalBlocker b1(layer_), b2(groups_), b3(mode_), b4(running_), b5(convention_),
            b6(channels_);
        // Only what changed: a spin box set to its own value still lays out and repaints its
        // text, on every edit of the batch.
        const auto show = [](QSpinBox* box, int maximum, int value) {
            if (box->maximum() != maximum)
                box->setMaximum(maximum);
            if (box->value() != value)
                box->setValue(value);
        };
        show(channels_, int(std::max<Eigen::Index>(features, 1)), int(norm.channels.value_or(0)));
        layer_->setCurrentIndex(layer_->findData(int(layer)));
        show(groups_, int(std::max<Eigen::Index>(features, 1)), int(norm.groups.value_or(1)));
        mode_->setCurrentIndex(mode_->findData(int(norm.modeOrDefault())));
        running_->setChecked(hasRunning || eval);
        convention_->setCurrentIndex(convention_->findData(int(norm.conventionOrDefault())));
    }
    groupsLabel_->setVisible(layer == Layer::GroupNorm);
    groups_->setVisible(layer == Layer::GroupNorm);
    const bool spatial = layer == Layer::BatchNorm || layer == Layer::GroupNorm;
    channelsLabel_->setVisible(spatial);
    channels_->setVisible(spatial);
    batchNormKeys_->setVisible(batchNorm);
    running_->setVisible(!eval);  // eval always reads them and updates nothing: not a choice there
    runningTable_->setVisible(batchNorm && (hasRunning || eval));
    const bool updates = batchNorm && !eval && hasRunning;
    for (QWidget* w : {static_cast<QWidget*>(conventionLabel_), static_cast<QWidget*>(convention_),
                       static_cast<QWidget*>(momentumLabel_), static_cast<QWidget*>(momentum_)})
        w->setVisible(updates);
    if (!momentum_->isModified() || !momentum_->hasFocus()) {
        momentum_->setText(norm.momentum ? QString::number(*norm.momentum, 'g', 17) : QString());
        momentum_->setModified(false);
    }
    momentum_->setPlaceholderText(tr("default %1").arg(norm.momentumOrDefault()));

    {
        const QSignalBlocker block(runningTable_);
        const int columns = int(norm.affineSize(features));
        const QString header = norm.positions(features) > 1 ? QStringLiteral("c=%1") : QStringLiteral("j=%1");
        runningTable_->setColumnCount(columns);
        for (int j = 0; j < columns; ++j) {
            runningTable_->setHorizontalHeaderItem(j, new QTableWidgetItem(header.arg(j)));
            for (int r = 0; r < 2; ++r) {
                const std::optional<RowVector>& v = r == 0 ? norm.runningMean : norm.runningVar;
                const QString shown = v && j < v->size() ? DisplaySettings::fullPrecision((*v)[j]) : QString();
                QTableWidgetItem* item = runningTable_->item(r, j);
                if (!item)
                    runningTable_->setItem(r, j, item = new QTableWidgetItem);
                if (item->text() != shown)
                    item->setText(shown);
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            }
        }
    }
    runningTable_->resizeColumnsToContents();
    fitRunningTable();
    reduces_->setText(reductionText(norm, features));
}

// As tall as its two rows, and a scroll bar when the features do not fit across.
void LayerPanel::fitRunningTable()
{
    QTableWidget* t = runningTable_;
    const bool across = t->horizontalHeader()->length() + t->verticalHeader()->width() + 2 * t->frameWidth() > t->width();
    t->setFixedHeight(t->horizontalHeader()->height() + t->verticalHeader()->length() + 2 * t->frameWidth() +
                      (across ? t->horizontalScrollBar()->sizeHint().height() : 0));
}

bool LayerPanel::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == runningTable_ && event->type() == QEvent::Resize)
        fitRunningTable();
    return QWidget::eventFilter(watched, event);
}

}  // namespace bnflow::ui
