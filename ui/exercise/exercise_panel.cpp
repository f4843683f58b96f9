#include <exercise/exercise_panel.h>

#include <document/display_settings.h>
#include <document/session_document.h>
#include <exercise/exercise_editor.h>
#include <exercise/exercise_names.h>
#include <exercise/inject_view.h>
#include <tables/reflow_box.h>
#include <tables/result_models.h>

#include <core/teach/catalogue.h>
#include <core/teach/mistakes.h>

#include <QAbstractItemView>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

#include <map>

namespace bnflow::ui {

using namespace exercise_names;

ExercisePanel::ExercisePanel(SessionDocument* document, const DisplaySettings* display, QWidget* parent)
    : QWidget(parent), document_(document), display_(display),
      editor_(new ExerciseEditor(document, display, this))
{
    connect(editor_, &ExerciseEditor::statusMessage, this, &ExercisePanel::statusMessage);
    setupActions();
    summary_ = new QLabel(this);
    summary_->setObjectName(QStringLiteral("exerciseSummary"));
    summary_->setWordWrap(true);

    hidden_ = new QListWidget(this);
    hidden_->setObjectName(QStringLiteral("hiddenCells"));
    hidden_->setToolTip(tr("Every hidden cell; pick one, type your prediction, then Reveal"));
    prediction_ = new QLineEdit(this);
    prediction_->setObjectName(QStringLiteral("prediction"));
    prediction_->setPlaceholderText(tr("your prediction, e.g. -0.25"));
    prediction_->setToolTip(tr("What you expect the hidden value to be"));
    revealButton_ = new QPushButton(tr("&Reveal"), this);
    revealButton_->setToolTip(reveal_->toolTip());
    verdict_ = new QLabel(this);
    verdict_->setObjectName(QStringLiteral("verdict"));
    verdict_->setWordWrap(true);
    verdict_->setTextFormat(Qt::RichText);
    connect(revealButton_, &QPushButton::clicked, this, &ExercisePanel::revealSelected);
    connect(prediction_, &QLineEdit::returnPressed, this, &ExercisePanel::revealSelected);
    connect(hidden_, &QListWidget::currentRowChanged, this, [this] {
        const QListWidgetItem* item = hidden_->currentItem();
        const Prediction* p = item ? document_->session().exercise.prediction(
                                         item->data(kQuantityRole).toString().toStdString(),
                                         {item->data(kRowRole).toInt(), item->data(kColRole).toInt()})
                                   : nullptr;
        prediction_->setText(p ? DisplaySettings::fullPrecision(p->value) : QString());
        showVerdict();
    });

    auto* predict = new QGroupBox(tr("Predict and reveal (students)"), this);
    auto* predictLayout = new QVBoxLayout(predict);
    predictLayout->addWidget(hidden_, 1);
    auto* revealRow = new QHBoxLayout;
    revealRow->addWidget(prediction_, 1);
    revealRow->addWidget(revealButton_);
    predictLayout->addLayout(revealRow);
    predictLayout->addWidget(verdict_);

    mistake_ = new QComboBox(this);
    mistake_->setObjectName(QStringLiteral("mistake"));
    mistake_->addItem(tr("(none)"), QString());
    for (const Mistake& m : knownMistakes())
        mistake_->addItem(qs(m.title), qs(m.name));
    // As narrow as a laptop's tab allows; the list opens as wide as its longest mistake.
    mistake_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    mistake_->setMinimumContentsLength(24);
    mistake_->view()->setMinimumWidth(mistake_->view()->sizeHintForColumn(0));
    mistake_->setToolTip(tr("Show what a backward pass with this known mistake outputs, and what catches it"));
    connect(mistake_, &QComboBox::activated, this, [this](int index) {
        if (!editor_->inject(mistake_->itemData(index).toString()))
            refresh();  // the box shows the exercise's mistake again
    });
    injectView_ = new InjectView(document_, display_, this);
    auto* injectBox = new QGroupBox(tr("Inject a mistake"), this);
    auto* injectLayout = new QVBoxLayout(injectBox);
    injectLayout->addWidget(mistake_);
    injectLayout->addWidget(injectView_, 1);

    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(summary_);
    leftLayout->addWidget(buildLecturerControls());
    leftLayout->addWidget(predict, 1);
    // Beside each other where the tab is wide enough, the mistake under the exercise where not.
    auto* panes = new ReflowBox(this);
    panes->addPane(left, 2);
    panes->addPane(injectBox, 3);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(panes);

    connect(qApp, &QApplication::focusChanged, this, [this](QWidget*, QWidget* now) {
        if (QAbstractItemView* view = documentTable(now))
            lastTable_ = view;
    });
    connect(document_, &SessionDocument::resultsChanged, this, &ExercisePanel::refresh);
    connect(display_, &DisplaySettings::changed, this, &ExercisePanel::refresh);
    refresh();
}

void ExercisePanel::setupActions()
{
    const auto action = [this](const QString& text, const QKeySequence& key, const QString& tip, auto slot) {
        auto* a = new QAction(text, this);
        a->setShortcut(key);
        a->setToolTip(QStringLiteral("%1 (%2)").arg(tip, key.toString(QKeySequence::NativeText)));
        a->setStatusTip(tip);
        connect(a, &QAction::triggered, this, slot);
        return a;
    };
    hideSelection_ = action(tr("&Hide Selected Cells"), QKeySequence(tr("Ctrl+Shift+H")),
                            tr("Hide the selected cells of the results table in use: they show \"?\" everywhere"),
                            [this] { editor_->hideSelectionOf(tableInUse()); });
    hideStep_ = action(tr("Hide Whole &Step"), QKeySequence(tr("Ctrl+Alt+H")),
                       tr("Hide every value of the selected table's quantity (or the one chosen in the Exercise tab)"),
                       [this] {
                           const QAbstractItemView* view = tableInUse();
                           const auto* model = view ? qobject_cast<const DocumentTableModel*>(view->model()) : nullptr;
                           const QModelIndex current = view ? view->currentIndex() : QModelIndex();
                           const auto shown = model && current.isValid() ? model->shownAt(current.row(), current.column())
                                                                         : std::nullopt;
                           editor_->hideQuantity(shown ? shown->quantityId : quantity_->currentData().toString().toStdString());
                       });
    unhide_ = action(tr("&Unhide Selected Cells"), QKeySequence(tr("Ctrl+Shift+U")),
                     tr("Show the selected hidden cells again (the whole step when it was hidden whole)"), [this] {
                         const QListWidgetItem* item = hidden_->currentItem();
                         if (!item) {
                             emit statusMessage(tr("Pick a hidden cell in the Exercise tab first"));
                             return;
                         }
                         const std::string id = item->data(kQuantityRole).toString().toStdString();
                         const HiddenQuantity* h = document_->session().exercise.entry(id);
                         editor_->unhideQuantity(id, h && h->all ? std::vector<Cell>{}
                                                        : std::vector<Cell>{{item->data(kRowRole).toInt(),
                                                                             item->data(kColRole).toInt()}});
                     });
    lock_ = action(tr("&Lock Exercise"), QKeySequence(tr("Ctrl+Shift+L")),
                   tr("Lock the exercise for class: hidden cells open only by prediction and Reveal"),
                   [this] { editor_->setLocked(true); });
    unlock_ = action(tr("Unloc&k Exercise"), QKeySequence(tr("Ctrl+Alt+L")),
                     tr("Unlock the exercise to edit it again (lecturer)"), [this] { editor_->setLocked(false); });
    reveal_ = action(tr("&Reveal Prediction"), QKeySequence(tr("Ctrl+Shift+P")),
                     tr("Compare your prediction for the selected hidden cell with the right value"),
                     [this] { revealSelected(); });
}

QList<QAction*> ExercisePanel::menuActions() const
{
    return {hideSelection_, hideStep_, unhide_, nullptr, reveal_, nullptr, lock_, unlock_};
}

QWidget* ExercisePanel::buildLecturerControls()
{
    lecturer_ = new QGroupBox(tr("Prepare (lecturer)"), this);
    lecturer_->setObjectName(QStringLiteral("lecturerControls"));
    quantity_ = new QComboBox(lecturer_);
    for (const Quantity& q : quantities())
        if (isHideable(q.id) && hiddenAs(q.id) == q.id)
            quantity_->addItem(QString::fromStdString(labelWithSymbol(q)), qs(q.id));
    quantity_->setCurrentIndex(std::max(0, quantity_->findData(QStringLiteral("dvar"))));
    quantity_->setToolTip(tr("The quantity (a step's value) to hide cells of"));
    row_ = new QSpinBox(lecturer_);
    row_->setPrefix(tr("i = "));
    row_->setToolTip(tr("The sample (row)"));
    col_ = new QSpinBox(lecturer_);
    col_->setPrefix(tr("j = "));
    col_->setToolTip(tr("The feature (column)"));
    connect(quantity_, &QComboBox::currentIndexChanged, this, &ExercisePanel::refreshCellRange);
    const auto button = [this](const QString& text, const QString& tip, auto slot) {
        auto* b = new QPushButton(text, lecturer_);
        b->setToolTip(tip);
        connect(b, &QPushButton::clicked, this, slot);
        return b;
    };
    const auto chosen = [this] { return quantity_->currentData().toString().toStdString(); };
    auto* cellRow = new QHBoxLayout;
    cellRow->addWidget(quantity_, 1);
    cellRow->addWidget(row_);
    cellRow->addWidget(col_);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(button(tr("Hide cell"), tr("Hide this one cell"), [this, chosen] {
        editor_->hideCells(chosen(), {{row_->value(), col_->value()}});
    }));
    buttons->addWidget(button(tr("Hide whole step"), tr("Hide every value of this quantity"),
                              [this, chosen] { editor_->hideQuantity(chosen()); }));
    buttons->addWidget(button(tr("Unhide step"), tr("Show every value of this quantity again"),
                              [this, chosen] { editor_->unhideQuantity(chosen()); }));
    buttons->addWidget(button(tr("Lock"), lock_->statusTip(), [this] { editor_->setLocked(true); }));
    auto* layout = new QVBoxLayout(lecturer_);
    layout->addLayout(cellRow);
    layout->addLayout(buttons);
    layout->addWidget(new QLabel(tr("Or select cells in any results table and use Exercise > Hide Selected Cells."),
                                 lecturer_));
    return lecturer_;
}

void ExercisePanel::refreshCellRange()
{
    const std::string id = quantity_->currentData().toString().toStdString();
    const Session& s = document_->session();
    const Extent extent = id.empty() ? Extent::Scalar : quantity(id).extent;
    row_->setRange(0, extent == Extent::PerElement ? int(s.samples()) - 1 : 0);
    col_->setRange(0, extent == Extent::Scalar ? 0 : int(s.features()) - 1);
}

void ExercisePanel::fillHiddenList()
{
    const Exercise& e = document_->session().exercise;
    const Session& s = document_->session();
    const QString current = hidden_->currentItem() ? hidden_->currentItem()->text().section(QLatin1Char(' '), 0, 0) : QString();
    hidden_->clear();
    QString lastVerdict;
    for (const HiddenQuantity& h : e.hidden) {
        const Quantity& q = quantity(h.quantity);
        std::vector<Cell> cells = h.cells;
        if (h.all) {
            const Eigen::Index rows = q.extent == Extent::PerElement ? s.samples() : 1;
            const Eigen::Index cols = q.extent == Extent::Scalar ? 1 : s.features();
            for (Eigen::Index i = 0; i < rows && int(cells.size()) < kMaxListed; ++i)
                for (Eigen::Index j = 0; j < cols && int(cells.size()) < kMaxListed; ++j)
                    cells.push_back({i, j});
        }
        const auto values = document_->value(h.quantity);
        for (const Cell& c : cells) {
            if (!values || c.row >= values->rows() || c.col >= values->cols())
                continue;  // left over from a shape edit
            const Prediction* p = e.prediction(h.quantity, c);
            QString text = cellName(h.quantity, c) + QStringLiteral("  ") + QString::fromStdString(labelWithSymbol(q));
            if (p && p->revealed) {
                const double right = (*values)(c.row, c.col);
                const PredictionVerdict v = judgePrediction(p->value, right, values->cwiseAbs().maxCoeff());
                text += tr(" — %1: you said %2, the value is %3")
                            .arg(QLatin1String(verdictName(v)), display_->format(p->value), display_->format(right));
            } else if (p) {
                text += tr(" — your prediction: %1").arg(display_->format(p->value));
            } else {
                text += tr(" — ?");
            }
            auto* item = new QListWidgetItem(text, hidden_);
            item->setData(kQuantityRole, qs(h.quantity));
            item->setData(kRowRole, int(c.row));
            item->setData(kColRole, int(c.col));
            if (cellName(h.quantity, c) == current)
                hidden_->setCurrentItem(item);
        }
    }
}

void ExercisePanel::refresh()
{
    const Exercise& e = document_->session().exercise;
    const bool locked = e.locked;
    lecturer_->setEnabled(!locked);
    for (QAction* a : {hideSelection_, hideStep_, unhide_, lock_})
        a->setEnabled(!locked);
    unlock_->setEnabled(locked);
    mistake_->setEnabled(!locked);
    {
        const QSignalBlocker blocker(mistake_);
        mistake_->setCurrentIndex(std::max(0, mistake_->findData(QString::fromStdString(e.inject))));
    }
    refreshCellRange();
    fillHiddenList();
    std::size_t hiddenCount = 0;  // cells still hidden (of the listed ones)
    for (int k = 0; k < hidden_->count(); ++k) {
        const QListWidgetItem* listed = hidden_->item(k);
        hiddenCount += e.isHidden(listed->data(kQuantityRole).toString().toStdString(),
                                  listed->data(kRowRole).toInt(), listed->data(kColRole).toInt());
    }
    summary_->setText(e.empty() ? tr("<b>No exercise.</b> Hide cells or whole steps to make one; students then "
                                     "predict the hidden values and reveal them.")
                                : tr("<b>Exercise%1:</b> %2 cell(s) still hidden%3.")
                                      .arg(locked ? tr(" (locked)") : QString())
                                      .arg(hiddenCount)
                                      .arg(e.inject.empty() ? QString() : tr(", mistake injected: %1").arg(qs(e.inject))));
    showVerdict();
}

void ExercisePanel::showVerdict()
{
    const QListWidgetItem* item = hidden_->currentItem();
    if (!item) {
        verdict_->clear();
        return;
    }
    const std::string id = item->data(kQuantityRole).toString().toStdString();
    const Cell cell{item->data(kRowRole).toInt(), item->data(kColRole).toInt()};
    const Prediction* p = document_->session().exercise.prediction(id, cell);
    const auto values = document_->value(id);
    if (!p || !p->revealed || !values) {
        verdict_->setText(tr("%1 is hidden: type your prediction, then Reveal.").arg(cellName(id, cell)));
        return;
    }
    const double right = (*values)(cell.row, cell.col);
    const PredictionVerdict v = judgePrediction(p->value, right, values->cwiseAbs().maxCoeff());
    static const char* const colours[] = {"#1a9850", "#d08c00", "#b2182b"};
    verdict_->setText(tr("<b style='color:%1'>%2</b> — %3: you said %4, the value is %5")
                          .arg(QLatin1String(colours[int(v)]), QLatin1String(verdictName(v)), cellName(id, cell),
                               display_->format(p->value), display_->format(right)));
}

QAbstractItemView* ExercisePanel::tableInUse() const
{
    if (QAbstractItemView* focused = documentTable(QApplication::focusWidget()))
        return focused;
    return lastTable_;
}

bool ExercisePanel::revealSelected()
{
    const QListWidgetItem* item = hidden_->currentItem();
    if (!item) {
        emit statusMessage(tr("Pick a hidden cell first"));
        return false;
    }
    const std::string id = item->data(kQuantityRole).toString().toStdString();
    const Cell cell{item->data(kRowRole).toInt(), item->data(kColRole).toInt()};
    return editor_->reveal(id, cell, prediction_->text());
}

}  // namespace bnflow::ui
