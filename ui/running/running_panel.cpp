#include <running/running_panel.h>

#include <document/display_settings.h>
#include <document/session_document.h>
#include <plots/plot_view.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTableWidget>
#include <QVBoxLayout>

#include <limits>

namespace bnflow::ui {
namespace {

QString title(Convention c)
{
    switch (c) {
    case Convention::Keras: return QStringLiteral("Keras");
    case Convention::Cs231n: return QStringLiteral("CS231n");
    default: return QStringLiteral("PyTorch");
    }
}

enum Column { MomentumColumn, WeightColumn, MeanColumn, VarColumn, ScaleColumn, ColumnCount };

}  // namespace

RunningPanel::RunningPanel(SessionDocument* document, const DisplaySettings* display, QWidget* parent)
    : QWidget(parent), document_(document), display_(display)
{
    problem_ = new QLabel(this);
    problem_->setObjectName(QStringLiteral("runningProblem"));
    problem_->setWordWrap(true);
    problem_->setStyleSheet(QStringLiteral("QLabel { color: #b2182b; font-weight: bold; }"));
    problem_->hide();

    content_ = new QWidget(this);
    plot_ = new PlotView(content_);
    plot_->setObjectName(QStringLiteral("runningPlot"));
    plot_->setMinimumHeight(460);
    table_ = new QTableWidget(int(kConventions.size()), ColumnCount, content_);
    table_->setObjectName(QStringLiteral("runningTable"));
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setToolTip(tr("The running statistics after the last batch, for the feature chosen above"));
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table_->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    for (std::size_t c = 0; c < kConventions.size(); ++c)
        table_->setVerticalHeaderItem(int(c), new QTableWidgetItem(title(kConventions[c])));
    evalConvention_ = new QComboBox(content_);
    evalConvention_->setObjectName(QStringLiteral("runningEvalConvention"));
    for (const Convention c : kConventions)
        evalConvention_->addItem(title(c), int(c));
    evalConvention_->setToolTip(tr("Whose final running statistics eval mode normalizes with"));
    useEval_ = new QPushButton(content_);
    useEval_->setObjectName(QStringLiteral("runningUseEval"));
    useEval_->setToolTip(tr("Switch the session to batch norm in eval mode with these final running "
                            "statistics (one undo step); Results then show dx = dout · γ / √(running var + ε)"));
    evalLine_ = new QLabel(content_);
    evalLine_->setObjectName(QStringLiteral("runningEvalLine"));
    evalLine_->setWordWrap(true);
    evalLine_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* evalRow = new QHBoxLayout;
    evalRow->addWidget(new QLabel(tr("Eval mode with"), content_));
    evalRow->addWidget(evalConvention_);
    evalRow->addWidget(useEval_);
    evalRow->addStretch(1);

    auto* contentLayout = new QVBoxLayout(content_);
    contentLayout->setContentsMargins(0, 0, 0, 0);
    contentLayout->addWidget(plot_, 1);
    contentLayout->addWidget(table_);
    contentLayout->addLayout(evalRow);
    contentLayout->addWidget(evalLine_);

    auto* layout = new QVBoxLayout(this);
    controls_ = buildControls();
    layout->addWidget(controls_);
    layout->addWidget(problem_);
    layout->addWidget(content_, 1);
    layout->addStretch(0);  // keeps the problem at the top when the content is hidden

    connect(evalConvention_, &QComboBox::currentIndexChanged, this, &RunningPanel::showSimulation);
    connect(useEval_, &QPushButton::clicked, this, &RunningPanel::useInEvalMode);
    connect(document_, &SessionDocument::resultsChanged, this, &RunningPanel::refresh);
    connect(display_, &DisplaySettings::changed, this, &RunningPanel::showSimulation);
    refresh();
}

QWidget* RunningPanel::buildControls()
{
    auto* box = new QWidget(this);
    batches_ = new QSpinBox(box);
    batches_->setObjectName(QStringLiteral("runningBatches"));
    batches_->setRange(1, kMaxRunningBatches);
    batches_->setValue(10);
    batches_->setToolTip(tr("K: how many training batches are fed in. Batch 1 is the session's x; "
                            "the others are drawn like it"));
    seed_ = new QSpinBox(box);
    seed_->setObjectName(QStringLiteral("runningSeed"));
    seed_->setRange(0, std::numeric_limits<int>::max());
    seed_->setToolTip(tr("Seed of batches 2..K, each feature drawn from a normal with the mean and "
                         "spread of that feature in x. The same seed gives the same batches"));
    start_ = new QComboBox(box);
    start_->setObjectName(QStringLiteral("runningStart"));
    start_->addItem(tr("each library's initial state"), int(RunningStart::Library));
    start_->addItem(tr("the session's running statistics"), int(RunningStart::Session));
    start_->setToolTip(tr("Each library's: mean 0, var 1 (PyTorch, Keras) or var 0 (CS231n). "
                          "The session's: its running mean and running var, for all three"));
    oneWeight_ = new QCheckBox(tr("one weight on each new batch:"), box);
    oneWeight_->setObjectName(QStringLiteral("runningOneWeight"));
    oneWeight_->setToolTip(tr("Off: each library's default momentum (PyTorch 0.1, Keras 0.99, CS231n 0.9). "
                              "On: the same weight on the new batch for all three, written in each "
                              "one's form (PyTorch m = w, Keras and CS231n m = 1 − w), so that only "
                              "the variance fed in and the start differ"));
    weight_ = new QDoubleSpinBox(box);
    weight_->setObjectName(QStringLiteral("runningWeight"));
    weight_->setRange(0, 1);
    weight_->setDecimals(3);
    weight_->setSingleStep(0.05);
    weight_->setValue(0.1);
    weight_->setEnabled(false);
    weight_->setToolTip(oneWeight_->toolTip());
    feature_ = new QComboBox(box);
    feature_->setObjectName(QStringLiteral("runningFeature"));
    feature_->setToolTip(tr("Which feature (column j of x) the plot, the table and the dx line show"));

    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Batches K"), box));
    row->addWidget(batches_);
    row->addWidget(new QLabel(tr("seed"), box));
    row->addWidget(seed_);
    row->addWidget(new QLabel(tr("feature"), box));
    row->addWidget(feature_);
    row->addStretch(1);
    auto* second = new QHBoxLayout;
    second->addWidget(new QLabel(tr("Start from"), box));
    second->addWidget(start_);
    second->addWidget(oneWeight_);
    second->addWidget(weight_);
    second->addStretch(1);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(row);
    layout->addLayout(second);

    connect(batches_, &QSpinBox::valueChanged, this, &RunningPanel::refresh);
    connect(seed_, &QSpinBox::valueChanged, this, &RunningPanel::refresh);
    connect(start_, &QComboBox::currentIndexChanged, this, &RunningPanel::refresh);
    connect(oneWeight_, &QCheckBox::toggled, weight_, &QWidget::setEnabled);
    connect(oneWeight_, &QCheckBox::toggled, this, &RunningPanel::refresh);
    connect(weight_, &QDoubleSpinBox::valueChanged, this, &RunningPanel::refresh);
    connect(feature_, &QComboBox::currentIndexChanged, this, &RunningPanel::showSimulation);
    return box;
}

RunningSettings RunningPanel::settings() const
{
    RunningSettings s;
    s.batches = batches_->value();
    s.seed = std::uint64_t(seed_->value());
    s.start = RunningStart(start_->currentData().toInt());
    if (oneWeight_->isChecked())
        s.newBatchWeight = weight_->value();
    return s;
}

Eigen::Index RunningPanel::feature() const
{
    return std::max(0, feature_->currentIndex());
}

Convention RunningPanel::evalConvention() const
{
    return Convention(evalConvention_->currentData().toInt());
}

QString RunningPanel::problem() const
{
    return simulation_ ? QString() : problem_->text();
}

QString RunningPanel::evalLine() const
{
    return evalLine_->text();
}

void RunningPanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (stale_)
        refresh();
}

void RunningPanel::syncFeatures()
{
    const Session& s = document_->session();
    const QSignalBlocker blockFeature(feature_), blockStart(start_);
    if (feature_->count() != s.features()) {
        const int keep = feature_->currentIndex();
        feature_->clear();
        for (Eigen::Index j = 0; j < s.features(); ++j)
            feature_->addItem(QStringLiteral("j = %1").arg(j));
        feature_->setCurrentIndex(std::clamp(keep, 0, int(s.features()) - 1));
    }
    // Starting from the session's statistics is offered only when it has them.
    const bool hasRunning = s.norm.runningMean && s.norm.runningVar;
    if (auto* model = qobject_cast<QStandardItemModel*>(start_->model()))
        model->item(1)->setEnabled(hasRunning);
    if (!hasRunning && start_->currentIndex() == 1)
        start_->setCurrentIndex(0);
}

void RunningPanel::refresh()
{
    // K batches times three conventions per edit are wasted while the tab is hidden.
    stale_ = !isVisible();
    if (stale_)
        return;
    syncFeatures();
    RunningResult result = simulateRunning(document_->session(), settings());
    simulation_ = std::move(result.simulation);
    if (!simulation_) {
        const Problem& p = result.problems.front();
        problem_->setText(p.where == "layer"
                              ? tr("Running statistics do not apply here: the layer %1. Choose batch norm under "
                                   "Parameters to use this tab.").arg(QString::fromStdString(p.what))
                              : tr("No running statistics to show: %1.").arg(QString::fromStdString(formatProblem(p))));
    }
    // Nothing half-valid on offer: neither the controls nor the button without a simulation.
    problem_->setVisible(!simulation_);
    controls_->setVisible(simulation_.has_value());
    content_->setVisible(simulation_.has_value());
    showSimulation();
}

void RunningPanel::showSimulation()
{
    if (!simulation_)
        return;
    const RunningSimulation& sim = *simulation_;
    const Session& session = document_->session();
    const Eigen::Index j = std::min(feature(), sim.firstMean.size() - 1);
    const Eigen::Index k = Eigen::Index(sim.batches.size());

    PlotSpec spec;
    spec.name = QStringLiteral("running");
    spec.title = tr("Running statistics of feature j = %1 over %2 batches").arg(j).arg(k);
    spec.caption = tr("Batch 1 is the session's x; batches 2..%1 are drawn with x's mean and spread (seed %2).\n"
                      "PyTorch feeds the running var the unbiased variance, Keras and CS231n the biased one.")
                       .arg(k).arg(seed_->value());
    Panel mean(tr("batch k (0: the start)"), tr("running mean[%1]").arg(j));
    Panel var(tr("batch k (0: the start)"), tr("running var[%1]").arg(j));
    mean.integerX = var.integerX = true;
    for (std::size_t c = 0; c < kConventions.size(); ++c) {
        const RunningHistory& h = sim.history[c];
        // Short legend entries: three of them side by side must fit a laptop's tab.
        Series m(tr("%1, m = %2").arg(title(h.convention), display_->format(h.momentum)), SeriesKind::Line, int(c));
        Series v(QString(), SeriesKind::Line, int(c));
        v.inLegend = false;  // the mean's legend names the colours
        // At their defaults PyTorch and CS231n weigh a new batch alike and their means coincide:
        // CS231n dashed on top leaves PyTorch's line visible under it.
        m.dashed = v.dashed = h.convention == Convention::Cs231n;
        for (Eigen::Index b = 0; b <= k; ++b) {
            m.x.push_back(double(b));
            v.x.push_back(double(b));
            m.y.push_back(h.mean(b, j));
            v.y.push_back(h.var(b, j));
        }
        mean.series.push_back(std::move(m));
        var.series.push_back(std::move(v));
    }
    const auto reference = [k](const QString& name, double y) {
        Series s(name, SeriesKind::HLine, 7);
        s.x = {0.0, double(k)};
        s.y = {y, y};
        s.dashed = true;
        return s;
    };
    mean.series.push_back(reference(tr("mean of x[:, %1]").arg(j), sim.firstMean[j]));
    var.series.push_back(reference(tr("biased variance of x[:, %1]").arg(j), sim.firstVar[j]));
    spec.panels = {std::move(mean), std::move(var)};
    plot_->setSpec(spec, {display_->theme(), display_->fontPointSize()});

    table_->setHorizontalHeaderLabels({tr("momentum m"), tr("new batch's weight"), tr("running mean[%1]").arg(j),
                                       tr("running var[%1]").arg(j), tr("eval dx / dout")});
    table_->horizontalHeaderItem(ScaleColumn)->setToolTip(tr("γ[%1] / √(running var[%1] + ε): eval mode's dx / dout for feature %1").arg(j));
    table_->horizontalHeaderItem(WeightColumn)->setToolTip(tr("How much of a new batch's statistic enters: m for PyTorch, 1 − m for Keras and CS231n"));
    for (std::size_t c = 0; c < kConventions.size(); ++c) {
        const RunningHistory& h = sim.history[c];
        const RunningState last = h.final();
        const std::optional<EvalGradient> g = evalGradient(session, last.var, j, 0);
        const QString cells[ColumnCount] = {
            display_->format(h.momentum), display_->format(weightOfMomentum(h.convention, h.momentum)),
            display_->format(last.mean[j]), display_->format(last.var[j]),
            g ? display_->format(g->scale) : tr("undefined")};
        for (int col = 0; col < ColumnCount; ++col) {
            auto* item = new QTableWidgetItem(cells[col]);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            table_->setItem(int(c), col, item);
        }
    }
    table_->setFixedHeight(table_->horizontalHeader()->height() + 3 * table_->rowHeight(0) + 2 * table_->frameWidth());

    const Convention chosen = evalConvention();
    useEval_->setText(tr("Use in eval mode (%1's statistics)").arg(title(chosen)));
    const RunningState last = sim.of(chosen).final();
    if (const std::optional<EvalGradient> g = evalGradient(session, last.var, j, 0)) {
        evalLine_->setText(tr("In eval mode with %1's statistics, feature %2: dx[i][%2] = dout[i][%2] · γ[%2] / √(running var[%2] + ε) "
                              "= dout[i][%2] · %3 / √(%4 + %5) = dout[i][%2] · %6; at i = 0: dx[0][%2] = %7 · %6 = %8")
                               .arg(title(chosen)).arg(j)
                               .arg(display_->format(g->gamma), display_->format(g->runningVar), display_->format(g->eps),
                                    display_->format(g->scale), display_->format(g->dout), display_->format(g->dx)));
    } else {
        evalLine_->setText(tr("In eval mode with %1's statistics, feature %2: running var[%2] + ε = 0, so "
                              "dx = dout · γ / √(running var + ε) is undefined there").arg(title(chosen)).arg(j));
    }
}

bool RunningPanel::useInEvalMode()
{
    if (!simulation_)
        return false;
    const Convention chosen = evalConvention();
    const NormConfig eval = evalNorm(document_->session().norm, simulation_->of(chosen).final());
    const QString description = tr("Eval mode with %1's running statistics after %2 batches")
                                    .arg(title(chosen)).arg(simulation_->batches.size());
    if (!document_->setNorm(eval, description))
        return false;
    emit message(description);
    return true;
}

}  // namespace bnflow::ui
