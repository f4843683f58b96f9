#include <depth/depth_panel.h>

#include <depth/depth_actions.h>
#include <depth/depth_plots.h>
#include <depth/depth_trainer.h>
#include <depth/network_document.h>
#include <document/display_settings.h>
#include <plots/plot_export.h>
#include <plots/plot_view.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QStyle>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

namespace bnflow::ui {
namespace {

constexpr int kGainSliderScale = 100;  // the slider moves in steps of 0.01
constexpr double kMaxGain = 5.0;
constexpr int kPixelsPerLayer = 92;
constexpr int kMinimumHeight = 520;  // a histogram panel's least height: below, the column scrolls
// Stacked (reflow()): the per-layer plots under the histograms, each part with about the height
// the three columns give it at kMinimumHeight; the tab scrolls down to the lower one.
constexpr int kStackedMinimumHeight = 680;

// The norm boxes' items: none, then the family's three; the data is layerName or "none".
void addNorms(QComboBox* box, const QString& noneText)
{
    box->addItem(noneText, QStringLiteral("none"));
    for (const Layer layer : {Layer::BatchNorm, Layer::LayerNorm, Layer::RmsNorm})
        box->addItem(QString::fromUtf8(layerTitle(layer).data()), QString::fromUtf8(layerName(layer).data()));
}

std::optional<Layer> normOf(const QComboBox* box)
{
    return parseLayer(box->currentData().toString().toStdString());
}

int indexOf(const QComboBox* box, const std::optional<Layer>& norm)
{
    return box->findData(norm ? QString::fromUtf8(layerName(*norm).data()) : QStringLiteral("none"));
}

PlotView* plotView(QWidget* parent, const QString& name)
{
    auto* view = new PlotView(parent);
    view->setObjectName(name);
    view->setMinimumSize(240, 200);  // four side by side when comparing, on a laptop
    return view;
}

}  // namespace

DepthPanel::DepthPanel(NetworkDocument* document, DisplaySettings* display, QWidget* parent)
    : QWidget(parent), document_(document), display_(display), trainer_(new DepthTrainer(this))
{
    actView_ = plotView(this, QStringLiteral("depthActivations"));
    gradView_ = plotView(this, QStringLiteral("depthGradients"));
    compareActView_ = plotView(this, QStringLiteral("depthCompareActivations"));
    compareGradView_ = plotView(this, QStringLiteral("depthCompareGradients"));
    ratiosView_ = plotView(this, QStringLiteral("depthRatios"));
    updatesView_ = plotView(this, QStringLiteral("depthUpdates"));

    histograms_ = new QWidget(this);
    auto* row = new QHBoxLayout(histograms_);
    row->setContentsMargins(0, 0, 0, 0);
    for (PlotView* view : {actView_, gradView_, compareActView_, compareGradView_})
        row->addWidget(view);
    auto* scroll = new QScrollArea(this);
    histogramScroll_ = scroll;
    scroll->setWidget(histograms_);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    auto* right = new QSplitter(Qt::Vertical, this);
    right_ = right;
    right->addWidget(ratiosView_);
    right->addWidget(updatesView_);
    // The per-layer plot has two panels and, comparing, a legend of six: it gets 3/5 of the height.
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 2);
    right->setSizes({360, 240});
    auto* plots = new QSplitter(Qt::Horizontal, this);
    plots_ = plots;
    plots->addWidget(scroll);
    plots->addWidget(right);
    plots->setStretchFactor(0, 5);
    plots->setStretchFactor(1, 3);
    plots->setSizes({620, 380});  // the stretch's share from the start, not the size hints'

    auto* side = new QWidget(this);
    auto* sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    sideLayout->addWidget(buildSettings());
    actions_ = new DepthActions(document_, trainer_, side);
    sideLayout->addWidget(actions_);
    sideLayout->addStretch(1);
    auto* sideScroll = new QScrollArea(this);
    sideScroll->setWidget(side);
    sideScroll->setWidgetResizable(true);
    sideScroll->setFrameShape(QFrame::NoFrame);
    sideScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    sideScroll->setFixedWidth(side->sizeHint().width() + 18);
    sideScroll_ = sideScroll;

    // Below this height the tab scrolls (the window's scroll area) rather than squeeze the plots
    // unreadable. The least width is reflow()'s: the histograms whole, the per-layer plots under
    // them where the three columns do not fit (a 1080p screen at 2x has 960 x 540 logical pixels).
    setMinimumHeight(kMinimumHeight);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(sideScroll);
    layout->addWidget(plots, 1);

    // A layer's histogram stands for the layer: a click on it opens the layer's norm.
    for (PlotView* view : {actView_, gradView_})
        connect(view, &PlotView::panelClicked, this, [this](int k) {
            actions_->setLayer(k);
            openLayerNorm(k);
        });
    chooseFile = [](const QString&, const QString&, const QString&) { return QString(); };
    connect(document_, &NetworkDocument::changed, this, [this] {
        trainer_->clear();  // the steps were of the network before the edit
        refresh();
    });
    connect(display_, &DisplaySettings::changed, this, &DepthPanel::refresh);
    connect(actions_, &DepthActions::trained, this, &DepthPanel::refreshUpdates);
    connect(actions_, &DepthActions::openLayer, this, &DepthPanel::openLayerNorm);
    connect(actions_, &DepthActions::exportRequested, this, &DepthPanel::chooseAndExport);
    refresh();
}

QWidget* DepthPanel::buildSettings()
{
    auto* box = new QWidget(this);
    auto* form = new QFormLayout(box);
    form->setContentsMargins(0, 0, 0, 0);
    title_ = new QLabel(box);
    title_->setWordWrap(true);
    title_->setObjectName(QStringLiteral("depthTitle"));
    form->addRow(title_);
    const auto spin = [box](int lo, int hi, const QString& name) {
        auto* s = new QSpinBox(box);
        s->setRange(lo, hi);
        s->setKeyboardTracking(false);  // typed digits commit on Enter, not one undo step each
        s->setObjectName(name);
        return s;
    };
    layers_ = spin(1, kMaxNetworkLayers, QStringLiteral("depthLayers"));
    width_ = spin(1, int(kMaxNetworkWidth), QStringLiteral("depthWidth"));
    batch_ = spin(1, 4096, QStringLiteral("depthBatch"));
    seed_ = spin(0, std::numeric_limits<int>::max(), QStringLiteral("depthSeed"));
    norm_ = new QComboBox(box);
    norm_->setObjectName(QStringLiteral("depthNorm"));
    addNorms(norm_, tr("none"));
    activation_ = new QComboBox(box);
    activation_->setObjectName(QStringLiteral("depthActivation"));
    for (const Activation a : {Activation::Tanh, Activation::Relu, Activation::Linear})
        activation_->addItem(QString::fromUtf8(activationName(a).data()), int(a));
    gain_ = new QDoubleSpinBox(box);
    gain_->setObjectName(QStringLiteral("depthGain"));
    gain_->setRange(0.01, 100);
    gain_->setDecimals(4);
    gain_->setSingleStep(0.05);
    gain_->setKeyboardTracking(false);
    gainSlider_ = new QSlider(Qt::Horizontal, box);
    gainSlider_->setObjectName(QStringLiteral("depthGainSlider"));
    gainSlider_->setRange(1, int(kMaxGain * kGainSliderScale));
    auto* presets = new QWidget(box);
    auto* presetRow = new QHBoxLayout(presets);
    presetRow->setContentsMargins(0, 0, 0, 0);
    presetRow->setSpacing(2);
    const std::pair<QString, double> gains[] = {{QStringLiteral("5/3"), 5.0 / 3.0}, {QStringLiteral("1"), 1.0},
                                                {QStringLiteral("0.5"), 0.5}, {QStringLiteral("3"), 3.0}};
    for (const auto& [text, value] : gains) {
        auto* b = new QPushButton(text, presets);
        b->setObjectName(QStringLiteral("gainPreset ") + text);
        b->setToolTip(text == QLatin1String("5/3") ? tr("Kaiming's gain for tanh (makemore's 5/3)")
                                                   : tr("gain = %1").arg(text));
        b->setMaximumWidth(b->fontMetrics().horizontalAdvance(QStringLiteral("5/3")) + 22);
        presetRow->addWidget(b);
        connect(b, &QPushButton::clicked, this, [this, value] { document_->setGain(value); });
    }
    bias_ = new QCheckBox(tr("biases bₖ"), box);
    bias_->setObjectName(QStringLiteral("depthBias"));
    lr_ = new QDoubleSpinBox(box);
    lr_->setObjectName(QStringLiteral("depthLr"));
    lr_->setRange(0.0001, 10);
    lr_->setDecimals(4);
    lr_->setSingleStep(0.01);
    lr_->setKeyboardTracking(false);
    compare_ = new QComboBox(box);
    compare_->setObjectName(QStringLiteral("depthCompare"));
    compare_->addItem(tr("off"), QStringLiteral("off"));
    addNorms(compare_, tr("no norm"));
    compareShows_ = new QComboBox(box);
    compareShows_->setObjectName(QStringLiteral("depthCompareShows"));
    compareShows_->addItem(tr("activations"));
    compareShows_->addItem(tr("gradients"));
    compareShows_->setToolTip(tr("While comparing, the two networks' histograms of this kind stand side by side"));

    form->addRow(tr("Layers"), layers_);
    form->addRow(tr("Width"), width_);
    form->addRow(tr("Norm"), norm_);
    form->addRow(tr("Activation"), activation_);
    form->addRow(tr("Gain"), gain_);
    form->addRow(gainSlider_);
    form->addRow(presets);
    form->addRow(bias_);
    form->addRow(tr("Batch"), batch_);
    form->addRow(tr("Seed"), seed_);
    form->addRow(tr("lr"), lr_);
    form->addRow(tr("Compare"), compare_);
    form->addRow(tr("Histograms"), compareShows_);

    connect(layers_, &QSpinBox::valueChanged, document_, &NetworkDocument::setLayers);
    connect(width_, &QSpinBox::valueChanged, document_, &NetworkDocument::setWidth);
    connect(batch_, &QSpinBox::valueChanged, document_, &NetworkDocument::setBatch);
    connect(seed_, &QSpinBox::valueChanged, this, [this](int v) { document_->setSeed(std::uint64_t(v)); });
    connect(norm_, &QComboBox::activated, this, [this] { document_->setNorm(normOf(norm_)); });
    connect(activation_, &QComboBox::activated, this,
            [this] { document_->setActivation(Activation(activation_->currentData().toInt())); });
    connect(gain_, &QDoubleSpinBox::valueChanged, this, [this](double v) { document_->setGain(v); });
    connect(gainSlider_, &QSlider::sliderMoved, this, &DepthPanel::setGainFromSlider);
    connect(gainSlider_, &QSlider::actionTriggered, this, [this](int action) {
        if (action != QAbstractSlider::SliderMove)  // keys and page clicks: one step each
            QMetaObject::invokeMethod(this, [this] { document_->setGain(gainSlider_->value() / double(kGainSliderScale)); },
                                      Qt::QueuedConnection);
    });
    connect(bias_, &QCheckBox::clicked, document_, &NetworkDocument::setBias);
    connect(lr_, &QDoubleSpinBox::valueChanged, document_, &NetworkDocument::setLr);
    connect(compare_, &QComboBox::activated, this, [this] {
        const bool on = compare_->currentData().toString() != QLatin1String("off");
        document_->setCompare(on, on ? normOf(compare_) : std::nullopt);
    });
    connect(compareShows_, &QComboBox::currentIndexChanged, this, &DepthPanel::showHistograms);
    return box;
}

void DepthPanel::setGainFromSlider(int position)
{
    document_->setGain(position / double(kGainSliderScale), true);  // one undo step per drag
}

PlotStyle DepthPanel::style() const
{
    return {display_->theme(), int(std::lround(display_->fontPointSize() * lectureScale_))};
}

PlotSpec DepthPanel::forScreen(PlotSpec spec) const
{
    // In a lecture the speaker says what the captions say, and large type needs the width:
    // no captions, one legend entry a row.
    if (lectureScale_ > 1.0) {
        spec.caption.clear();
        for (Panel& panel : spec.panels)
            panel.legendColumns = 1;
    }
    return spec;
}

void DepthPanel::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    reflow();
}

int DepthPanel::besideWidth() const
{
    // The settings, the histograms whole and the per-layer plots beside them, with the layout's
    // margins and the splitter's handle.
    const QMargins m = layout()->contentsMargins();
    return sideScroll_->width() + layout()->spacing() + m.left() + m.right() + histogramsWidth() + plots_->handleWidth()
           + ratiosView_->minimumWidth();
}

int DepthPanel::histogramsWidth() const
{
    // What the histogram columns need side by side, and the vertical scroll bar of their area.
    return histograms_->minimumSizeHint().width() + QWidget::style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, histogramScroll_)
           + 2 * histogramScroll_->frameWidth();
}

void DepthPanel::reflow()
{
    // Three columns (settings, histograms, per-layer plots) where they fit; else the per-layer
    // plots side by side under the histograms, which then have the width of both.
    if (!layout())
        return;  // still being built
    const QMargins m = layout()->contentsMargins();
    const int stacked = sideScroll_->width() + layout()->spacing() + m.left() + m.right()
                        + std::max(histogramsWidth(), 2 * ratiosView_->minimumWidth() + right_->handleWidth());
    if (minimumWidth() != stacked)
        setMinimumWidth(stacked);
    const bool beside = width() >= besideWidth();
    const Qt::Orientation plots = beside ? Qt::Horizontal : Qt::Vertical;
    if (plots_->orientation() == plots)
        return;
    plots_->setOrientation(plots);
    right_->setOrientation(beside ? Qt::Vertical : Qt::Horizontal);
    setMinimumHeight(beside ? kMinimumHeight : kStackedMinimumHeight);
    // Beside: 5 to 3 of the width for the histograms; stacked, half the height each, the
    // per-layer plot (two panels and a legend) the larger share of the width below.
    plots_->setSizes(beside ? QList<int>{620, 380} : QList<int>{340, 340});
    right_->setSizes(beside ? QList<int>{360, 240} : QList<int>{300, 200});
}

void DepthPanel::setLectureScale(double scale)
{
    lectureScale_ = scale;
    refresh();
}

PlotSpec DepthPanel::plot(const QString& name) const
{
    return depthPlot(name, document_->picture(), trainer_->steps(), document_->comparePicture());
}

void DepthPanel::refresh()
{
    const NetworkFile& f = document_->file();
    title_->setText(f.title.empty() ? tr("(untitled network)") : QString::fromStdString(f.title));
    {
        const QSignalBlocker b1(layers_), b2(width_), b3(batch_), b4(seed_), b5(norm_), b6(activation_),
            b7(gain_), b8(gainSlider_), b9(bias_), b10(lr_), b11(compare_);
        layers_->setValue(f.layers);
        width_->setValue(int(f.width));
        const auto* seeded = std::get_if<SeededData>(&f.data);
        batch_->setEnabled(seeded != nullptr);
        batch_->setValue(seeded ? int(seeded->n) : int(document_->data().x.rows()));
        seed_->setValue(int(std::min<std::uint64_t>(f.seed, std::uint64_t(std::numeric_limits<int>::max()))));
        norm_->setCurrentIndex(indexOf(norm_, f.norm));
        activation_->setCurrentIndex(activation_->findData(int(f.activation)));
        gain_->setValue(f.gain);
        if (!gainSlider_->isSliderDown())
            gainSlider_->setValue(int(std::lround(f.gain * kGainSliderScale)));
        bias_->setChecked(f.bias);
        lr_->setValue(f.lr);
        compare_->setCurrentIndex(document_->comparing() ? indexOf(compare_, document_->compareNorm()) : 0);
    }
    const DepthPicture& p = document_->picture();
    const DepthPicture* other = document_->comparePicture();
    const PlotStyle s = style();
    actView_->setSpec(forScreen(depthActivationsPlot(p)), s);
    gradView_->setSpec(forScreen(depthGradientsPlot(p)), s);
    showHistograms();
    if (other) {
        compareActView_->setSpec(forScreen(depthActivationsPlot(*other)), s);
        compareGradView_->setSpec(forScreen(depthGradientsPlot(*other)), s);
    }
    histograms_->setMinimumHeight(p.shape.hidden * kPixelsPerLayer + 110);
    reflow();  // comparing, the histograms take twice the width
    ratiosView_->setSpec(forScreen(depthRatiosPlot(p, other)), s);
    refreshUpdates();
    actions_->showLayers(p.shape.hidden, p.shape.norm);
    const QString hint = p.shape.norm ? tr("Click a layer to open its %1, with its batch, in the walkthrough")
                                            .arg(QString::fromUtf8(layerTitle(*p.shape.norm).data()))
                                      : QString();
    actView_->setHint(hint);
    gradView_->setHint(hint);
    if (!document_->compareProblem().isEmpty())
        actions_->showMessage(document_->compareProblem());
}

QString DepthPanel::summary() const
{
    const DepthPicture& p = document_->picture();
    const NetworkShape& shape = p.shape;
    const QString norm = shape.norm ? QString::fromUtf8(layerTitle(*shape.norm).data()) : tr("no norm");
    const QString layers = shape.hidden == 1 ? tr("1 hidden layer") : tr("%1 hidden layers").arg(shape.hidden);
    return tr("Network: %1 of width %2, %3, %4, N = %5   |   loss %6")
        .arg(layers)
        .arg(shape.width)
        .arg(norm, QString::fromUtf8(activationName(shape.activation).data()))
        .arg(document_->data().x.rows())
        .arg(p.loss, 0, 'g', 4);
}

void DepthPanel::showHistograms()
{
    // Four columns of histograms do not fit a laptop beside the per-layer plots: comparing, the
    // two networks' activations, or their gradients, stand side by side.
    const bool comparing = document_->comparePicture() != nullptr;
    const bool gradients = compareShows_->currentIndex() == 1;
    compareShows_->setEnabled(comparing);
    actView_->setVisible(!comparing || !gradients);
    compareActView_->setVisible(comparing && !gradients);
    gradView_->setVisible(!comparing || gradients);
    compareGradView_->setVisible(comparing && gradients);
}

void DepthPanel::refreshUpdates()
{
    const PlotSpec spec = forScreen(depthUpdatesPlot(trainer_->steps(), int(document_->picture().stats.size())));
    const PlotStyle s = style();
    // Untrained, the plot is the same frame after every edit: not drawn again during a drag.
    const PlotSpec& shown = updatesView_->spec();
    if (trainer_->steps().empty() && shown.name == spec.name && shown.caption == spec.caption &&
        shown.panels.size() == 1 && shown.panels[0].series.size() == spec.panels[0].series.size() &&
        shown.panels[0].series[0].x.empty() && s.theme == updatesStyle_.theme &&
        s.fontPointSize == updatesStyle_.fontPointSize)
        return;
    updatesStyle_ = s;
    updatesView_->setSpec(spec, s);
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
    const QString name = actions_->exportPlotName();
    const QString base = document_->filePath().isEmpty() ? QStringLiteral("network")
                                                         : QFileInfo(document_->filePath()).completeBaseName().section(QLatin1Char('.'), 0, 0);
    const QString path = chooseFile(tr("Export %1").arg(name), tr("PNG (*.png);;PDF (*.pdf);;SVG (*.svg);;CSV (*.csv)"),
                                    base + QLatin1Char('-') + name + QStringLiteral(".png"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportPlotTo(name, path, &error)) {
        actions_->showMessage(error);
        return;
    }
    emit exported(tr("Exported the %1 plot to %2").arg(name, path));
}

}  // namespace bnflow::ui
