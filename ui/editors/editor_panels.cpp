#include <editors/editor_panels.h>

#include <document/session_document.h>
#include <tables/matrix_view.h>
#include <tables/reflow_box.h>
#include <tables/result_models.h>
#include <tables/editable_model.h>

#include <QAction>
#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

namespace bnflow::ui {

namespace {

QAction* makeAction(QObject* parent, const QString& text, const QKeySequence& shortcut,
                    const QString& tip)
{
    auto* action = new QAction(text, parent);
    action->setShortcut(shortcut);
    action->setToolTip(QStringLiteral("%1 (%2)").arg(tip, shortcut.toString(QKeySequence::NativeText)));
    action->setStatusTip(tip);
    return action;
}

QSpinBox* seedBox(QWidget* parent)
{
    auto* seed = new QSpinBox(parent);
    seed->setRange(0, 999999);
    seed->setPrefix(QObject::tr("seed "));
    seed->setToolTip(QObject::tr("The same seed always gives the same numbers"));
    return seed;
}

}  // namespace

BatchPanel::BatchPanel(SessionDocument* document, const DisplaySettings* display,
                       CellFocus* focus, QWidget* parent)
    : QWidget(parent), document_(document)
{
    view_ = new MatrixView(display, focus, MatrixView::Highlight::Cell, this);
    auto* model = new EditableMatrixModel(document, display, Which::X, view_);
    model->showStatisticSets(focus);  // the set of the statistic selected elsewhere
    view_->setModel(model);
    view_->setPasteTarget(document);
    view_->setToolTip(tr("Type a number, or paste a block copied from a spreadsheet (Ctrl+V)"));
    connect(view_->selectionModel(), &QItemSelectionModel::currentChanged, focus,
            [focus](const QModelIndex& current) { focus->set(current.row(), current.column()); });

    addSample_ = makeAction(this, tr("Add sample"), QKeySequence(tr("Ctrl+Alt+Down")),
                            tr("Insert a sample (row) below the current one"));
    removeSamples_ = makeAction(this, tr("Remove samples"), QKeySequence(tr("Ctrl+Alt+Up")),
                                tr("Remove the selected samples (rows)"));
    addFeature_ = makeAction(this, tr("Add feature"), QKeySequence(tr("Ctrl+Alt+Right")),
                             tr("Insert a feature (column) right of the current one"));
    removeFeatures_ = makeAction(this, tr("Remove features"), QKeySequence(tr("Ctrl+Alt+Left")),
                                 tr("Remove the selected features (columns)"));
    randomize_ = makeAction(this, tr("Randomize x"), QKeySequence(tr("Ctrl+Shift+R")),
                            tr("Draw x again from the chosen distribution and seed"));
    connect(addSample_, &QAction::triggered, this, [this] { document_->insertSamples(currentRow() + 1, 1); });
    connect(removeSamples_, &QAction::triggered, this, [this] {
        const auto [first, count] = selectedRows();
        document_->removeSamples(first, count);
    });
    connect(addFeature_, &QAction::triggered, this, [this] { document_->insertFeatures(currentColumn() + 1, 1); });
    connect(removeFeatures_, &QAction::triggered, this, [this] {
        const auto [first, count] = selectedColumns();
        document_->removeFeatures(first, count);
    });

    distribution_ = new QComboBox(this);
    distribution_->addItem(tr("normal: randn"), int(Distribution::StandardNormal));
    distribution_->addItem(tr("uniform [-1, 1)"), int(Distribution::Uniform));
    distribution_->addItem(tr("CS231n: 5 randn + 12"), int(Distribution::Cs231nOffset));
    distribution_->setToolTip(tr("Distribution for Randomize x"));
    distribution_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    distribution_->setMinimumContentsLength(8);
    seed_ = seedBox(this);
    connect(randomize_, &QAction::triggered, this, [this] {
        document_->randomizeBatch(Distribution(distribution_->currentData().toInt()),
                                  std::uint64_t(seed_->value()));
    });

    // Compact labels; the Edit menu and the tooltips spell them out. Not a toolbar: one too
    // narrow for its buttons (at 12 pt) hid "− feature" in its overflow menu. One row where the
    // dock is wide enough (a row of x more on a 2x screen), samples above features where not.
    auto* tools = new ReflowBox(this);
    const std::pair<QAction*, QString> compact[] = {{addSample_, tr("+ sample")}, {removeSamples_, tr("− sample")},
                                                    {addFeature_, tr("+ feature")}, {removeFeatures_, tr("− feature")}};
    QWidget* pair = nullptr;
    for (const auto& [action, label] : compact) {
        if (!pair || pair->layout()->count() == 2) {
            pair = new QWidget(tools);
            auto* row = new QHBoxLayout(pair);
            row->setContentsMargins(0, 0, 0, 0);
            row->setSpacing(2);
            tools->addPane(pair, 1);
        }
        auto* button = new QToolButton(pair);
        button->setText(label);
        button->setToolTip(action->toolTip());
        button->setAutoRaise(true);
        button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        connect(button, &QToolButton::clicked, action, &QAction::trigger);
        pair->layout()->addWidget(button);
    }
    // Two rows, so that the dock stays narrow enough for a laptop's or a projector's screen.
    auto* randomRow = new QGridLayout;
    randomRow->addWidget(distribution_, 0, 0, 1, 2);
    randomRow->addWidget(seed_, 1, 0);
    auto* randomButton = new QPushButton(tr("Randomize"), this);
    randomButton->setToolTip(randomize_->toolTip());
    connect(randomButton, &QPushButton::clicked, randomize_, &QAction::trigger);
    randomRow->addWidget(randomButton, 1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(tools);
    layout->addWidget(view_, 1);
    layout->addLayout(randomRow);
    addActions(shapeActions() << randomize_);
    connect(view_, &MatrixView::contextMenuWanted, this,
            [this](const QPoint& pos, const QModelIndex&) { showContextMenu(pos); });
}

QList<QAction*> BatchPanel::shapeActions() const
{
    return {addSample_, removeSamples_, addFeature_, removeFeatures_};
}

int BatchPanel::currentRow() const
{
    const QModelIndex current = view_->currentIndex();
    return current.isValid() ? current.row() : view_->model()->rowCount() - 1;
}

int BatchPanel::currentColumn() const
{
    const QModelIndex current = view_->currentIndex();
    return current.isValid() ? current.column() : view_->model()->columnCount() - 1;
}

std::pair<int, int> BatchPanel::selectedRows() const
{
    int first = currentRow(), last = first;
    for (const QModelIndex& i : view_->selectionModel()->selectedIndexes()) {
        first = std::min(first, i.row());
        last = std::max(last, i.row());
    }
    return {first, last - first + 1};
}

std::pair<int, int> BatchPanel::selectedColumns() const
{
    int first = currentColumn(), last = first;
    for (const QModelIndex& i : view_->selectionModel()->selectedIndexes()) {
        first = std::min(first, i.column());
        last = std::max(last, i.column());
    }
    return {first, last - first + 1};
}

void BatchPanel::showContextMenu(const QPoint& globalPos)
{
    QMenu menu;
    menu.addActions(shapeActions());
    menu.addSeparator();
    menu.addAction(tr("Copy"), QKeySequence::Copy, view_, &MatrixView::copySelection);
    menu.addAction(tr("Paste"), QKeySequence::Paste, view_, &MatrixView::paste);
    menu.addSeparator();
    menu.addAction(randomize_);
    menu.exec(globalPos);
}

DoutPanel::DoutPanel(SessionDocument* document, const DisplaySettings* display, CellFocus* focus,
                     QWidget* parent)
    : QWidget(parent), document_(document)
{
    view_ = new MatrixView(display, focus, MatrixView::Highlight::Cell, this);
    view_->setModel(new EditableMatrixModel(document, display, Which::Dout, view_));
    view_->setPasteTarget(document);
    view_->setToolTip(tr("df/dy, given to the backward pass. Type, paste, or pick a preset."));
    // x and dout share the selected cell: a cell picked in either is the one One-hot sets.
    connect(view_->selectionModel(), &QItemSelectionModel::currentChanged, focus,
            [focus](const QModelIndex& current) { focus->set(current.row(), current.column()); });

    seed_ = seedBox(this);
    const auto button = [this](const QString& text, const QString& tip, auto slot) {
        auto* b = new QPushButton(text, this);
        b->setToolTip(tip);
        connect(b, &QPushButton::clicked, this, slot);
        return b;
    };
    auto* presets = new QGridLayout;  // two rows, so the dock can stay narrow
    presets->addWidget(button(tr("Random"), tr("Standard normal from the seed (the default)"),
                              [this] { document_->setDoutFromSeed(std::uint64_t(seed_->value())); }), 0, 0);
    presets->addWidget(seed_, 0, 1);
    presets->addWidget(button(tr("All ones"), tr("f = sum(y): dx is 0 in exact math"),
                              [this] { document_->setDoutAllOnes(); }), 1, 0);
    presets->addWidget(button(tr("One-hot"), tr("1 at the selected cell (of x or dout), 0 elsewhere: the gradient of one output"),
                              [this, focus] {
                                  // The cell selected last in x or dout (they share it), else dout's own.
                                  const QModelIndex at = view_->currentIndex();
                                  const int row = focus->row() >= 0 ? focus->row() : at.row();
                                  const int column = focus->column() >= 0 ? focus->column() : at.column();
                                  document_->setDoutOneHot(std::max(0, row), std::max(0, column));
                              }), 1, 1);
    presets->addWidget(button(tr("From loss"), tr("dout = y, the gradient of L = sum(y^2) / 2"),
                              [this] { document_->setDoutFromHalfSquareLoss(); }), 1, 2);

    note_ = new QLabel(this);
    note_->setWordWrap(true);
    // The presets above the table, the note under it: the note's length (none, one line or
    // three) changes the table's height only, never where a button is.
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(presets);
    layout->addWidget(view_, 1);
    layout->addWidget(note_);
    connect(document_, &SessionDocument::resultsChanged, this, &DoutPanel::refreshNote);
    refreshNote();
}

void DoutPanel::refreshNote()
{
    const Session& s = document_->session();
    QString note;
    // The box shows the seed of the dout on screen (CS231n's example: 3), so that "Random"
    // draws that dout again rather than another one.
    if (s.doutSeed && *s.doutSeed <= std::uint64_t(seed_->maximum()) && seed_->value() != int(*s.doutSeed))
        seed_->setValue(int(*s.doutSeed));
    if (s.doutSeed)
        note = tr("Seeded standard-normal dout (seed %1).").arg(*s.doutSeed);
    else if (s.dout.size() && (s.dout.array() == 1.0).all())
        note = tr("dout = 1 everywhere, i.e. f = sum(y): dx is 0 in exact math "
                  "(what you see is rounding). A degenerate test, not a bug.");
    note_->setText(note);
    note_->setVisible(!note.isEmpty());
}

}  // namespace bnflow::ui
