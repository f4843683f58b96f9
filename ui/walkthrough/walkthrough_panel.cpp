#include <walkthrough/walkthrough_panel.h>

#include <walkthrough/step_list_delegate.h>

#include <document/display_settings.h>
#include <document/jargon.h>
#include <document/session_document.h>
#include <tables/matrix_view.h>
#include <tables/result_models.h>
#include <walkthrough/formula_view.h>
#include <walkthrough/graph_view.h>
#include <walkthrough/walkthrough_lens.h>
#include <walkthrough/walkthrough_state.h>
#include <walkthrough/whole_numbers.h>

#include <core/teach/catalogue.h>
#include <core/math/family.h>
#include <core/teach/family_catalogue.h>

#include <QApplication>
#include <QClipboard>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QScrollBar>
#include <QShortcut>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QStyle>
#include <QVBoxLayout>

#include <algorithm>

namespace bnflow::ui {
namespace {

QString phaseName(const Step& step)
{
    switch (step.phase) {
    case Phase::Forward: return QObject::tr("forward");
    case Phase::Staged: return QObject::tr("backward, cell %1").arg(step.cell);
    default: return QObject::tr("fused form");
    }
}

// The phase in a narrow list: the cell of a backward step, the others whole.
QString shortPhaseName(const Step& step)
{
    return step.phase == Phase::Staged ? QObject::tr("cell %1").arg(step.cell) : phaseName(step);
}

constexpr int kValuesBesideWidth = 960;  // the pane's width from which the values stand beside the text
constexpr int kValueRows = 8;            // the values table shows this many rows, then scrolls

QString qs(std::string_view text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

}  // namespace

WalkthroughPanel::WalkthroughPanel(SessionDocument* document, WalkthroughState* state,
                                   const DisplaySettings* display, CellFocus* focus, QWidget* parent)
    : QWidget(parent), document_(document), state_(state), display_(display), focus_(focus)
{
    steps_ = new QListWidget(this);
    // Wide enough for every step's name when there is room; on a narrow screen the list gives
    // way first: the phase shortens, then goes (StepListDelegate), a name elides only when it
    // alone is wider than the list; the item's tooltip has it all.
    steps_->setTextElideMode(Qt::ElideMiddle);
    steps_->setItemDelegate(new StepListDelegate(steps_));
    steps_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);  // elide, never scroll sideways
    steps_->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    fillSteps();
    connect(steps_, &QListWidget::currentRowChanged, state_, &WalkthroughState::setStep);

    formula_ = new FormulaView(this);
    meaning_ = new QLabel(this);
    meaning_->setWordWrap(true);
    plugged_ = new QLabel(this);
    plugged_->setWordWrap(true);
    plugged_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    plugged_->setObjectName(QStringLiteral("plugged"));

    valuesModel_ = new MatrixModel(document_, display_, state_->currentStep().id, true, this);
    values_ = new MatrixView(display_, focus_, MatrixView::Highlight::Cell, this);
    values_->setModel(valuesModel_);
    graph_ = new GraphView(document_, state_, display_, this);

    lower_ = new QSplitter(Qt::Vertical, this);  // the graph gets the width it needs
    lower_->addWidget(values_);
    lower_->addWidget(graph_);
    lower_->setStretchFactor(0, 0);
    lower_->setStretchFactor(1, 1);
    lower_->setSizes({140, 460});
    lower_->installEventFilter(this);
    graph_->setMinimumHeight(160);

    text_ = new QVBoxLayout;
    text_->addWidget(formula_);
    text_->addWidget(meaning_);
    text_->addWidget(plugged_);
    // Keeps the text at the top of its column when it stands beside the graph; above the graph
    // it takes no room, as the graph's stretch takes all that is left.
    text_->addStretch(1);
    top_ = new QHBoxLayout;  // the text, and on a wide pane the values beside it
    top_->addLayout(text_, 1);
    body_ = new QBoxLayout(QBoxLayout::TopToBottom);
    body_->addLayout(top_);
    body_->addWidget(lower_, 1);
    column_ = new QVBoxLayout;
    column_->addWidget(buildNavigation());
    column_->addLayout(body_, 1);
    auto* layout = new QHBoxLayout(this);
    layout->addWidget(steps_);
    layout->addLayout(column_, 1);

    // What a presentation clicker sends, and the usual keys.
    // The description is what Help > Keyboard shortcuts lists.
    const auto bind = [this](const QString& what, const QList<QKeySequence>& keys, auto slot) {
        auto* shortcut = new QShortcut(this);
        shortcut->setKeys(keys);
        shortcut->setContext(Qt::WidgetWithChildrenShortcut);
        shortcut->setWhatsThis(what);
        connect(shortcut, &QShortcut::activated, this, slot);
    };
    bind(tr("Walkthrough: next step"), {Qt::Key_Right, Qt::Key_Space, Qt::Key_PageDown}, [this] { state_->next(); });
    bind(tr("Walkthrough: previous step"), {Qt::Key_Left, Qt::Key_PageUp}, [this] { state_->previous(); });
    bind(tr("Walkthrough: first step"), {Qt::Key_Home}, [this] { state_->first(); });
    bind(tr("Walkthrough: last step"), {Qt::Key_End}, [this] { state_->last(); });
    bind(tr("Lecture mode: blank the screen"), {Qt::Key_B}, [this] { emit blankRequested(); });

    connect(state_, &WalkthroughState::changed, this, &WalkthroughPanel::refresh);
    // The walkthrough frames its feature in every table when the user picks another feature,
    // and only then: the batch editor's selection is the other writer of the shared focus, and
    // an edit must not move the frame away from the cell being edited.
    connect(state_, &WalkthroughState::changed, this, [this] {
        if (state_->feature() == framedFeature_)
            return;
        framedFeature_ = state_->feature();
        focus_->set(-1, std::min(framedFeature_, int(document_->session().features()) - 1));
    });
    // The sample whose set a per-sample statistic shows: the row of the cell selected in the
    // batch editor, or of a statistic's cell clicked in the values table.
    connect(focus_, &CellFocus::changed, this, [this] {
        if (focus_->row() >= 0)
            state_->setSample(focus_->row());
    });
    // A click only: the current cell also moves when a step's table takes another shape.
    connect(values_, &QAbstractItemView::clicked, this, &WalkthroughPanel::pickSet);
    // Another layer or mode: its own steps (before refresh reads them).
    connect(document_, &SessionDocument::resultsChanged, this, &WalkthroughPanel::followLayer);
    connect(document_, &SessionDocument::resultsChanged, this, &WalkthroughPanel::refresh);
    connect(display_, &DisplaySettings::changed, this, &WalkthroughPanel::refresh);
    // A new Preferences font size reaches the texts sized here from the application font.
    connect(display_, &DisplaySettings::changed, this, [this] {
        if (scale_ != 1.0)
            setLectureScale(scale_);
    });
    followLayer();
    refresh();
}

const std::vector<Step>& WalkthroughPanel::layerSteps() const
{
    return document_->steps();
}

void WalkthroughPanel::fillSteps()
{
    const QSignalBlocker block(steps_);
    steps_->clear();
    for (const Step& step : state_->steps()) {
        const QString name = QString::fromStdString(labelWithSymbol(step.output()));
        auto* item = new QListWidgetItem(QStringLiteral("%1  ·  %2").arg(name, phaseName(step)), steps_);
        item->setData(StepListDelegate::kNameRole, name);
        item->setData(StepListDelegate::kShortPhaseRole, QStringLiteral("%1  ·  %2").arg(name, shortPhaseName(step)));
    }
    fitStepList();
    for (int row = 0; row < steps_->count(); ++row)
        steps_->item(row)->setToolTip(steps_->item(row)->text());
    steps_->setCurrentRow(state_->step());
    if (lens_)
        lens_->markSteps();
}

void WalkthroughPanel::followLayer()
{
    const std::vector<Step>& wanted = layerSteps();
    if (&wanted == &state_->steps())
        return;
    state_->setSteps(wanted);  // clamps the step; refresh follows through changed()
    fillSteps();
    const QSignalBlocker block(slider_);
    slider_->setRange(0, state_->stepCount() - 1);
    slider_->setValue(state_->step());
}

QWidget* WalkthroughPanel::buildNavigation()
{
    auto* bar = new QWidget(this);
    title_ = new QLabel(bar);
    QFont bold = title_->font();
    bold.setBold(true);
    title_->setFont(bold);
    feature_ = new QSpinBox(bar);
    feature_->setPrefix(tr("feature j = "));
    feature_->setToolTip(tr("The feature (column) whose numbers are plugged in"));
    connect(feature_, &QSpinBox::valueChanged, state_, &WalkthroughState::setFeature);
    // Layer norm, RMSNorm and group norm have a statistic per sample: which one is shown. Also
    // set by selecting a cell of the batch, which lecture mode hides.
    sample_ = new QSpinBox(bar);
    sample_->setObjectName(QStringLiteral("walkthroughSample"));
    sample_->setPrefix(tr("sample i = "));
    sample_->setToolTip(tr("The sample (row) whose set's numbers are plugged in: this layer computes its "
                           "statistics per sample"));
    connect(sample_, &QSpinBox::valueChanged, state_, &WalkthroughState::setSample);
    const auto button = [bar](const QString& text, const QString& tip, auto slot) {
        auto* b = new QPushButton(text, bar);
        b->setToolTip(tip);
        b->setMinimumWidth(b->fontMetrics().horizontalAdvance(text) + 24);
        b->setFocusPolicy(Qt::NoFocus);  // keys stay with the walkthrough
        QObject::connect(b, &QPushButton::clicked, slot);
        return b;
    };
    slider_ = new QSlider(Qt::Horizontal, bar);
    slider_->setRange(0, state_->stepCount() - 1);
    slider_->setToolTip(tr("Every step of the derivation"));
    connect(slider_, &QSlider::valueChanged, state_, &WalkthroughState::setStep);

    auto* grid = new QGridLayout(bar);
    grid->setContentsMargins(0, 0, 0, 0);
    title_->setMinimumWidth(0);
    title_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    grid->addWidget(title_, 0, 0, 1, 7);
    // The slider has a row of its own: beside the buttons, a laptop's narrow pane squeezed it
    // to a handle that looked like a check box.
    grid->addWidget(slider_, 2, 0, 1, 7);
    grid->addWidget(sample_, 1, 0, Qt::AlignRight);
    grid->addWidget(feature_, 1, 1);
    grid->addWidget(button(tr("|◀"), tr("First step (Home)"), [this] { state_->first(); }), 1, 2);
    grid->addWidget(button(tr("◀"), tr("Previous step (Left, PageUp)"), [this] { state_->previous(); }), 1, 3);
    grid->addWidget(button(tr("▶"), tr("Next step (Right, Space, PageDown)"), [this] { state_->next(); }), 1, 4);
    grid->addWidget(button(tr("▶|"), tr("Last step (End)"), [this] { state_->last(); }), 1, 5);
    grid->addWidget(button(tr("Copy LaTeX"), tr("Copy this step's formula as LaTeX"), [this] {
        QApplication::clipboard()->setText(qs(state_->currentStep().tex));
    }), 1, 6);
    grid->setColumnStretch(0, 1);
    return bar;
}

QString WalkthroughPanel::pluggedText() const
{
    return plugged_->text().remove(QChar(0x2060));  // the joiners of withWholeNumbers()
}

QString WalkthroughPanel::stepTitle() const
{
    const Step& step = state_->currentStep();
    return tr("Step %1 of %2 — %3: %4")
        .arg(state_->step() + 1)
        .arg(state_->stepCount())
        .arg(phaseName(step), QString::fromStdString(labelWithSymbol(step.output())));
}

void WalkthroughPanel::takeKeyboardFocus()
{
    if (!steps_->hasFocus())
        steps_->setFocus(Qt::OtherFocusReason);
}

void WalkthroughPanel::setLectureScale(double scale)
{
    scale_ = std::clamp(scale, 0.6, 4.0);
    formula_->setScale(scale_ * 1.3);
    QFont font = QApplication::font();
    font.setPointSizeF(font.pointSizeF() * scale_);
    for (QWidget* w : {static_cast<QWidget*>(meaning_), static_cast<QWidget*>(plugged_), static_cast<QWidget*>(title_)})
        w->setFont(font);
    if (lensNote_)
        lensNote_->setFont(font);
    title_->setStyleSheet(QStringLiteral("font-weight: bold"));
    // The node labels follow (GraphView lays out with its font); at 1 it inherits the
    // application font again, so that a later Preferences size reaches it.
    graph_->setFont(scale_ == 1.0 ? QFont() : font);
}

void WalkthroughPanel::setPresenting(bool presenting)
{
    presenting_ = presenting;
    steps_->setVisible(!presenting);
    values_->setVisible(!presenting);
    arrangeBody();
}

void WalkthroughPanel::arrangeBody()
{
    // Presenting on a landscape screen (a projector), the formula and its numbers stand beside
    // the graph rather than above it: the graph then has the screen's whole height, and at
    // 1280 x 720 all of it shows at the interface font's size or larger.
    const bool beside = presenting_ && width() > 4 * height() / 3;
    // On a wide pane (a laptop's walkthrough with its docks folded away) the values stand beside
    // the text, and the graph has the whole width below both.
    // Only where every column of the step's table (D up to 8) fits in half the pane: a wider
    // table goes above the graph, where it has the whole width, rather than hide its last columns.
    const int pane = besideSteps();
    const bool valuesBeside = !presenting_ && pane >= kValuesBesideWidth && valuesWidth() <= pane / 2;
    if (valuesBeside && values_->parentWidget() == lower_)
        top_->addWidget(values_, 0, Qt::AlignTop);
    else if (!valuesBeside && values_->parentWidget() != lower_)
        lower_->insertWidget(0, values_);
    fitValues();
    // The formula's natural width at lecture size would take the graph's room: two fifths.
    formula_->setMaximumWidth(beside ? 2 * width() / 5 : QWIDGETSIZE_MAX);
    const auto direction = beside ? QBoxLayout::LeftToRight : QBoxLayout::TopToBottom;
    if (body_->direction() == direction)
        return;
    body_->setDirection(direction);
    body_->setStretch(0, beside ? 2 : 0);  // beside: two fifths of the width for the text
    body_->setStretch(1, beside ? 3 : 1);
}

void WalkthroughPanel::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    fitStepList();
    arrangeBody();
}

void WalkthroughPanel::fitStepList()
{
    // Every name whole where the panel has the room (a laptop's walkthrough, its docks folded
    // away, has it): the list asks for its names' width (AdjustToContents), at most 30 % of the
    // panel (the graph's room on a screen at 2x), and gives way down to a dozen characters on a
    // narrow pane, where the names elide. Not more as a minimum: the window's own minimum size
    // would grow with it.
    const int whole = steps_->sizeHintForColumn(0) + 2 * steps_->frameWidth()
                      + steps_->style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, steps_) + 8;
    const int least = std::min(whole, 12 * steps_->fontMetrics().averageCharWidth() + 24);
    steps_->setMinimumWidth(least);
    steps_->setMaximumWidth(std::max(least, std::min(whole, 3 * width() / 10)));
}

void WalkthroughPanel::giveValuesTheirRows()
{
    // Above the graph, the values keep their rows as the text above them grows and shrinks
    // from step to step (a splitter gives what it gains to the graph only): the graph has the
    // rest, down to its minimum height, below which the table scrolls.
    if (values_->parentWidget() != lower_)
        return;
    const int room = lower_->height() - lower_->handleWidth() - graph_->minimumHeight();
    const int table = std::max(0, std::min(values_->maximumHeight(), room));
    if (lower_->sizes().value(0) != table)
        lower_->setSizes({table, lower_->height() - lower_->handleWidth() - table});
}

bool WalkthroughPanel::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == lower_ && event->type() == QEvent::Resize)
        giveValuesTheirRows();
    return QWidget::eventFilter(watched, event);
}

void WalkthroughPanel::fitValues()
{
    // As tall as the step's largest table (N rows, at most kValueRows of them, and a scroll bar
    // for the columns): the graph below takes the rest, at every step the same height.
    const int rows = std::clamp(int(document_->session().samples()), 1, kValueRows);
    const int height = values_->horizontalHeader()->sizeHint().height() + rows * values_->verticalHeader()->defaultSectionSize()
                       + 2 * values_->frameWidth() + values_->horizontalScrollBar()->sizeHint().height();
    values_->setMaximumHeight(height);
    giveValuesTheirRows();
    // Beside the text, every column of the values where they take at most half the pane.
    const bool beside = values_->parentWidget() != lower_;
    // Not a minimum width (a hidden tab's stale minimum held the docks narrow): a share of the
    // row beside the text, as much as every column needs up to half the pane.
    if (beside)
        top_->setStretchFactor(values_, 1);
    values_->setMaximumWidth(beside ? std::min(valuesWidth(), besideSteps() / 2) : QWIDGETSIZE_MAX);
}

int WalkthroughPanel::besideSteps() const
{
    // The step list's width as fitStepList() set it, not as it is now: the list takes its new
    // width after the panel's resize (at 1366x768 the values were put beside the text for a
    // pane 150 px wider than the one they then had).
    return width() - std::max(steps_->width(), steps_->maximumWidth());
}

int WalkthroughPanel::valuesWidth() const
{
    // Every step's table has at most D columns: the width of D of them, whatever the step, so
    // that the values do not move between beside the text and above the graph from step to step.
    const int shown = values_->contentSize(kValueRows).width();
    const int columns = values_->model()->columnCount();
    const int features = int(document_->session().features());
    return shown + std::max(0, features - columns) * values_->horizontalHeader()->minimumSectionSize();
}

void WalkthroughPanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    selectStatistic();
}

void WalkthroughPanel::hideEvent(QHideEvent* event)
{
    QWidget::hideEvent(event);
    selectStatistic();
}

void WalkthroughPanel::addBelowNumbers(QWidget* widget)
{
    text_->insertWidget(text_->indexOf(plugged_) + 1, widget);
}

void WalkthroughPanel::refresh()
{
    const int features = int(document_->session().features());
    {
        const QSignalBlocker blockList(steps_);
        const QSignalBlocker blockSlider(slider_);
        const QSignalBlocker blockFeature(feature_);
        const QSignalBlocker blockSample(sample_);
        steps_->setCurrentRow(state_->step());
        slider_->setValue(state_->step());
        feature_->setRange(0, features - 1);
        feature_->setValue(std::min(state_->feature(), features - 1));
        const Session& s = document_->session();
        const int samples = int(s.samples());
        sample_->setRange(0, std::max(0, samples - 1));
        sample_->setValue(std::min(state_->sample(), std::max(0, samples - 1)));
        sample_->setVisible(Reduction::of(s.norm, s.samples(), s.features()).statRows() > 1);
    }
    const int j = std::min(state_->feature(), features - 1);
    const Step& step = state_->currentStep();
    title_->setText(stepTitle());
    title_->setToolTip(jargonToolTip(title_->text()));
    formula_->setFormula(FormulaView::keyFor(layerSpec(document_->norm(), document_->session().features()), step.id));
    meaning_->setText(qs(step.meaning));
    plugged_->setText(withWholeNumbers(
        document_->analysis() ? familyPluggedIn(step)
                            : tr("This session cannot be computed: %1").arg(document_->whyNoAnalysis())));
    plugged_->setToolTip(jargonToolTip(pluggedText()));
    valuesModel_->setQuantity(step.id);
    arrangeBody();  // a wider batch may not fit beside the text any more
    selectStatistic();
    if (lens_)
        lens_->showNote();
}

void WalkthroughPanel::setLens(const LensState* lens)
{
    lensNote_ = new QLabel(this);
    lensNote_->setObjectName(QStringLiteral("lensNote"));
    lensNote_->setWordWrap(true);
    lensNote_->setStyleSheet(QStringLiteral("QLabel { color: black; background: #fee0b6; padding: 4px; }"));
    lensNote_->setFont(plugged_->font());
    addBelowNumbers(lensNote_);
    lens_ = new WalkthroughLens(lens, state_, steps_, lensNote_, this);
}

bool WalkthroughPanel::isMarkedBirth(int row) const
{
    return lens_ && lens_->isMarkedBirth(row);
}

}  // namespace bnflow::ui
