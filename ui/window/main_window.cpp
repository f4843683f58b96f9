#include <window/main_window.h>

#include <document/display_settings.h>
#include <document/jargon.h>
#include <document/examples.h>
#include <document/file_names.h>
#include <document/session_document.h>
#include <editors/editor_panels.h>
#include <editors/parameter_panel.h>
#include <plots/plots_panel.h>
#include <precision/lens_menu.h>
#include <precision/lens_panel.h>
#include <precision/lens_state.h>
#include <results/results_panel.h>
#include <tables/matrix_view.h>
#include <check/check_panel.h>
#include <compare/compare_panel.h>
#include <depth/depth_panel.h>
#include <depth/network_document.h>
#include <running/running_panel.h>
#include <exercise/exercise_panel.h>
#include <walkthrough/graph_view.h>
#include <walkthrough/handout.h>
#include <walkthrough/lecture_mode.h>
#include <walkthrough/walkthrough_panel.h>
#include <walkthrough/walkthrough_state.h>
#include <window/derivation_dialog.h>
#include <window/dock_folding.h>
#include <window/file_actions.h>
#include <window/help_sheet.h>
#include <window/preferences_dialog.h>
#include <window/tab_titles.h>

#include <QApplication>
#include <QLayout>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QScrollArea>
#include <QScrollBar>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QUndoStack>

#include <climits>

namespace bnflow::ui {

// A tab page that scrolls when the window is smaller than the page's minimum size, so that the
// window fits a laptop's or a projector's screen instead of running off it.
QScrollArea* MainWindow::scrolling(QWidget* page)
{
    auto* area = new QScrollArea;
    area->setWidget(page);
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    return area;
}

namespace {

constexpr int kConfirmationMs = 10000;  // how long the status bar says where an export went
// Narrower than this (logical pixels), the walkthrough folds the docks away: at 1366 x 768 they
// took 40 % of the width, and the graph had a third of its own.
constexpr int kWalkthroughFoldsBelow = 1600;

// A page that scrolls down but never sideways: as narrow as its content allows, as short as a
// few lines (the Parameters dock: the window still decides by its width where it goes).
class VerticalScrollArea : public QScrollArea {
public:
    explicit VerticalScrollArea(QWidget* page)
    {
        setWidget(page);
        setWidgetResizable(true);
        setFrameShape(QFrame::NoFrame);
        setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    }
    QSize minimumSizeHint() const override
    {
        const int lines = 6 * fontMetrics().height();
        return QSize(widget()->minimumSizeHint().width() + verticalScrollBar()->sizeHint().width(), lines);
    }
};

}  // namespace

MainWindow::MainWindow(SessionDocument* document, DisplaySettings* display, QWidget* parent)
    : QMainWindow(parent), document_(document), display_(display), focus_(new CellFocus(this))
{
    setupViews();
    setupMenus();
    setupExercise();  // main_window_exercise.cpp
    setupDepth();     // main_window_depth.cpp
    // The Depth tab, and the walkthrough on a laptop's screen, take the docks' room.
    folding_ = new DockFolding(this, tabs_);
    folding_->foldOn(depthPage_, INT_MAX);
    folding_->foldOn(walkthrough_, kWalkthroughFoldsBelow);
    // The editors' widths follow x's shape, which may have changed while they were folded.
    connect(folding_, &DockFolding::unfolded, this, [this] {
        const Session& s = document_->session();
        if (fittedShape_ != QSize(int(s.x.cols()), int(s.x.rows())))  // x changed while they were away
            QTimer::singleShot(0, this, [this] {
                layout()->activate();  // the docks at the sizes they had, then as wide as x's columns
                fitEditors();
            });
    });
    setAcceptDrops(true);
    connect(document_, &SessionDocument::resultsChanged, this, &MainWindow::refreshStatus);
    connect(document_, &SessionDocument::resultsChanged, this, [this] {
        const Session& s = document_->session();
        if (fittedShape_ != QSize(int(s.x.cols()), int(s.x.rows())))
            QTimer::singleShot(0, this, &MainWindow::fitEditors);  // after the tables took the new shape
    });
    connect(document_, &SessionDocument::editRefused, this, &MainWindow::showRefusal);
    connect(document_, &SessionDocument::filePathChanged, this, &MainWindow::refreshTitle);
    connect(document_, &SessionDocument::modifiedChanged, this, &MainWindow::refreshTitle);
    refreshStatus();
    refreshTitle();
}

MainWindow::~MainWindow()
{
    disconnect(document_, nullptr, this, nullptr);
}

void MainWindow::setupViews()
{
    results_ = new ResultsPanel(document_, display_, focus_, this);
    walkthroughState_ = new WalkthroughState(this);
    walkthrough_ = new WalkthroughPanel(document_, walkthroughState_, display_, focus_, this);
    plots_ = new PlotsPanel(document_, display_, this);
    tabs_ = new QTabWidget(this);
    resultsPage_ = scrolling(results_);
    tabs_->addTab(resultsPage_, tr("&Results"));
    tabs_->addTab(walkthrough_, tr("&Walkthrough"));
    tabs_->addTab(plots_, tr("&Plots"));
    check_ = new CheckPanel(document_, this);
    tabs_->addTab(check_, tr("Check my &gradient"));
    compare_ = new ComparePanel(document_, display_, focus_, this);
    comparePage_ = scrolling(compare_);
    tabs_->addTab(comparePage_, tr("Co&mpare"));
    connect(compare_, &ComparePanel::message, this, [this](const QString& text) { statusBar()->showMessage(text, 8000); });
    running_ = new RunningPanel(document_, display_, this);
    running_->setObjectName(QStringLiteral("runningPanel"));
    runningPage_ = scrolling(running_);
    tabs_->addTab(runningPage_, tr("Ru&nning statistics"));
    connect(running_, &RunningPanel::message, this, [this](const QString& text) { statusBar()->showMessage(text, 8000); });
    connect(check_, &CheckPanel::showStep, this, [this](int step) {
        walkthroughState_->setStep(step);
        tabs_->setCurrentWidget(walkthrough_);
    });
    // Once the walkthrough is shown, the stepping keys are its own: after the event that
    // switched tabs (a click, or Alt+W, which leaves the focus on the tab bar) the focus moves
    // into the panel.
    connect(tabs_, &QTabWidget::currentChanged, this, [this] {
        if (tabs_->currentWidget() == walkthrough_)
            QTimer::singleShot(0, walkthrough_, [this] {
                if (tabs_->currentWidget() == walkthrough_)
                    walkthrough_->takeKeyboardFocus();
            });
    });
    tabs_->setDocumentMode(true);
    // Every tab on screen at 2x: the two longest titles shorten when all do not fit.
    tabTitles_ = new TabTitles(tabs_);
    tabTitles_->setShortTitle(check_, tr("&Grad check"));
    tabTitles_->setShortTitle(runningPage_, tr("Ru&nning"));
    setCentralWidget(tabs_);
    lecture_ = new LectureMode(this, tabs_, walkthrough_);
    batch_ = new BatchPanel(document_, display_, focus_, this);
    dout_ = new DoutPanel(document_, display_, focus_, this);
    parameters_ = new ParameterPanel(document_, this);

    const auto dock = [this](const QString& title, const QString& name, QWidget* panel,
                             Qt::DockWidgetArea area) {
        auto* d = new QDockWidget(title, this);
        d->setObjectName(name);  // for saveState()
        d->setWidget(panel);
        addDockWidget(area, d);
        return d;
    };
    dock(tr("Batch x (N samples x D features)"), QStringLiteral("batchDock"), batch_, Qt::LeftDockWidgetArea);
    dock(tr("Upstream gradient dout = df/dy"), QStringLiteral("doutDock"), dout_, Qt::LeftDockWidgetArea);
    // The layer's keys make the parameters taller than a 540 px screen at 2x: they scroll.
    dock(tr("Parameters"), QStringLiteral("parameterDock"), new VerticalScrollArea(parameters_), Qt::RightDockWidgetArea);

    message_ = new QLabel(this);
    message_->setStyleSheet(QStringLiteral("QLabel { color: #b2182b; font-weight: bold; }"));
    summary_ = new QLabel(this);
    statusBar()->addWidget(message_, 1);
    statusBar()->addPermanentWidget(summary_);
    resize(1600, 900);
}

void MainWindow::setupMenus()
{
    files_ = new FileActions(document_, this);
    const auto confirm = [this](const QString& message) { statusBar()->showMessage(message, kConfirmationMs); };
    connect(files_, &FileActions::exported, this, confirm);
    connect(plots_, &PlotsPanel::exported, this, confirm);
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(files_->newAction());
    file->addAction(files_->openAction());
    file->addMenu(files_->recentMenu());
    file->addMenu(files_->examplesMenu());
    file->addSeparator();
    file->addAction(files_->saveAction());
    file->addAction(files_->saveAsAction());
    file->addSeparator();
    file->addAction(files_->importCsvAction());
    file->addAction(files_->exportCsvAction());
    file->addAction(files_->exportNpzAction());
    file->addAction(tr("Export &plot image..."), plots_, &PlotsPanel::chooseAndExportImage);
    file->addAction(tr("Export plot &data (CSV)..."), plots_, &PlotsPanel::chooseAndExportCsv);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = document_->undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = document_->undoStack()->createRedoAction(this, tr("&Redo"));
    // Both common redo keys, whatever the platform's QKeySequence::Redo maps to.
    QList<QKeySequence> redoKeys = QKeySequence::keyBindings(QKeySequence::Redo);
    for (const QKeySequence& key : {QKeySequence(tr("Ctrl+Shift+Z")), QKeySequence(tr("Ctrl+Y"))})
        if (!redoKeys.contains(key))
            redoKeys << key;
    redo->setShortcuts(redoKeys);
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addSeparator();
    edit->addActions(batch_->shapeActions());
    edit->addAction(batch_->randomizeAction());
    edit->addSeparator();
    edit->addAction(tr("&Preferences..."), QKeySequence::Preferences, this, [this] {
        PreferencesDialog(display_, this).exec();
    });

    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (QDockWidget* d : findChildren<QDockWidget*>())
        view->addAction(d->toggleViewAction());
    setupWalkthroughActions(file, view);
    // The precision lens; its presets (the panel's or File > Examples') open with their lens on.
    lens_ = new LensState(document_, this);
    lensPanel_ = new LensPanel(lens_, results_);
    results_->addAboveTables(lensPanel_);
    walkthrough_->setLens(lens_);
    connect(lensPanel_, &LensPanel::presetRequested, files_, &FileActions::openExample);
    connect(files_, &FileActions::exampleOpened, this, [this](int index) {
        if (!lensPanel_->showExample(index))
            return;
        tabs_->setCurrentWidget(resultsPage_);
        statusBar()->showMessage(examples().at(std::size_t(index)).lookFor, 15000);
    });
    view->addMenu(new LensMenu(lens_, view));

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* derivation = help->addAction(tr("The &derivation"), this, [this] {
        auto* dialog = findChild<DerivationDialog*>();
        if (!dialog)
            dialog = new DerivationDialog(this);
        dialog->show();
        dialog->raise();
    });
    derivation->setObjectName(QStringLiteral("showDerivation"));
    derivation->setStatusTip(tr("The forward and backward pass derived step by step, the notation "
                                "and the usual mistakes"));
    QAction* start = help->addAction(tr("&Start here"), this, &MainWindow::showStartHere);
    start->setObjectName(QStringLiteral("showStartHere"));
    start->setStatusTip(tr("Five places to start: edit, step, compare, check, the depth lab"));
    help->insertAction(derivation, start);
    QAction* sheet = help->addAction(tr("&Keyboard shortcuts and colours"), QKeySequence(Qt::Key_F1), this, [this] {
        auto* dialog = findChild<HelpSheet*>();
        if (!dialog)
            dialog = new HelpSheet(this, display_, this);
        dialog->refresh();
        dialog->show();
        dialog->raise();
    });
    sheet->setObjectName(QStringLiteral("showHelpSheet"));
    sheet->setStatusTip(tr("Every shortcut of the window, and what the colours of the tables and the graph mean"));
    help->addAction(tr("&About bnflow"), this, [this] {
        QMessageBox::about(this, tr("About bnflow"),
                           tr("<b>bnflow %1</b><p>The gradient flow through a Batch Normalization "
                              "layer: forward values, the staged chain rule cell by cell, and the "
                              "fused closed form beside it.</p><p>Edit x, dout, gamma, beta and eps; "
                              "every edit can be undone. Ctrl+Alt+arrows add or remove samples and "
                              "features; Ctrl+V pastes a block from a spreadsheet.</p>")
                               .arg(QApplication::applicationVersion()));
    });
}

void MainWindow::setupWalkthroughActions(QMenu* file, QMenu* view)
{
    QAction* quit = file->actions().constLast();
    QAction* handout = new QAction(tr("Export &handout (PDF)..."), this);
    handout->setStatusTip(tr("A cover with the batch, then one page per step of the walkthrough"));
    connect(handout, &QAction::triggered, this, [this] {
        const QString path = files_->chooseFile(tr("Export handout"), tr("PDF files (*.pdf)"), true,
                                                suggestedFileName(*document_, QStringLiteral("handout"), QStringLiteral("pdf")));
        QString error;
        if (!path.isEmpty() && !writeHandout(*document_, *display_, {walkthroughState_->feature(), walkthroughState_->sample()}, path, &error))
            files_->showError(tr("Cannot export the handout"), error);
        else if (!path.isEmpty())
            statusBar()->showMessage(tr("Exported the handout to %1").arg(path), kConfirmationMs);
    });
    QAction* graph = new QAction(tr("Export &graph..."), this);
    graph->setStatusTip(tr("The computational graph at the current step, as PNG, SVG or PDF"));
    connect(graph, &QAction::triggered, this, [this] {
        const QString path = files_->chooseFile(tr("Export graph"), tr("PNG (*.png);;SVG (*.svg);;PDF (*.pdf)"), true,
                                                suggestedFileName(*document_, QStringLiteral("graph"), QStringLiteral("png")));
        QString error;
        if (!path.isEmpty() && !walkthrough_->graph()->exportTo(path, &error))
            files_->showError(tr("Cannot export the graph"), error);
        else if (!path.isEmpty())
            statusBar()->showMessage(tr("Exported the graph to %1").arg(path), kConfirmationMs);
    });
    file->insertActions(quit, {handout, graph});
    file->insertSeparator(quit);

    view->addSeparator();
    QAction* lecture = view->addAction(tr("&Lecture mode"), QKeySequence(Qt::Key_F5), lecture_, &LectureMode::toggle);
    lecture->setStatusTip(tr("Fullscreen walkthrough in large type; Esc returns, B blanks the screen"));
    QAction* leave = new QAction(tr("Leave lecture mode"), this);
    leave->setShortcut(Qt::Key_Escape);
    connect(leave, &QAction::triggered, lecture_, [this] { lecture_->setActive(false); });
    addAction(leave);  // works while the menu bar is hidden
    QAction* larger = view->addAction(tr("&Larger text"), QKeySequence::ZoomIn, lecture_, &LectureMode::larger);
    QAction* smaller = view->addAction(tr("&Smaller text"), QKeySequence::ZoomOut, lecture_, &LectureMode::smaller);
    addActions({lecture, larger, smaller});
    view->addAction(tr("&Fit graph"), this, [this] { walkthrough_->graph()->fit(); });
    QAction* animate = view->addAction(tr("&Animate the gradient"));
    animate->setObjectName(QStringLiteral("animateGraph"));
    animate->setCheckable(true);
    animate->setChecked(display_->animateGraph());
    animate->setStatusTip(tr("Run the gradient along the graph's edges when stepping backward"));
    connect(animate, &QAction::toggled, this, [this](bool on) {
        display_->setAnimateGraph(on);
        display_->save();
    });
    connect(display_, &DisplaySettings::changed, animate, [this, animate] { animate->setChecked(display_->animateGraph()); });
}

bool MainWindow::showView(const QString& name)
{
    if (name == QLatin1String("results"))
        tabs_->setCurrentWidget(resultsPage_);
    else if (name == QLatin1String("walkthrough"))
        tabs_->setCurrentWidget(walkthrough_);
    else if (name == QLatin1String("compare"))
        tabs_->setCurrentWidget(comparePage_);
    else if (name == QLatin1String("running"))
        tabs_->setCurrentWidget(runningPage_);
    else if (name == QLatin1String("lecture"))
        lecture_->setActive(true);
    else if (name == QLatin1String("check"))
        tabs_->setCurrentWidget(check_);
    else if (name == QLatin1String("exercise"))
        tabs_->setCurrentWidget(exercisePage_);
    else if (name == QLatin1String("depth"))
        tabs_->setCurrentWidget(depthPage_);
    else if (plots_->selectPlot(name))
        tabs_->setCurrentWidget(plots_);
    else
        return false;
    return true;
}

void MainWindow::refreshStatus()
{
    message_->clear();
    refreshSummary();
}

void MainWindow::refreshSummary()
{
    if (depth_ && tabs_->currentWidget() == depthPage_) {  // the tab shows the network, not the session
        summary_->setText(depth_->summary());
        summary_->setToolTip(jargonToolTip(summary_->text()));
        return;
    }
    const Session& s = document_->session();
    QString summary = tr("N = %1, D = %2, eps = %3").arg(s.samples()).arg(s.features()).arg(s.eps, 0, 'g', 3);
    const Layer layer = s.norm.layerOrDefault();
    if (layer != Layer::BatchNorm || s.norm.isEval())
        summary = QString::fromUtf8(layerTitle(layer).data()) + (s.norm.isEval() ? tr(" (eval)") : QString()) +
                  QStringLiteral(", ") + summary;
    if (const FamilyAnalysis* a = document_->analysis())
        summary += tr("   |   max |fused - staged|: dx %1, dgamma %2, dbeta %3")
                       .arg(a->maxAbsDiffDx, 0, 'g', 2)
                       .arg(a->maxAbsDiffDgamma, 0, 'g', 2)
                       .arg(a->maxAbsDiffDbeta, 0, 'g', 2);
    summary_->setText(summary);
    summary_->setToolTip(jargonToolTip(summary));
}

void MainWindow::refreshTitle()
{
    // The title names the document the visible tab edits: the network on the Depth tab.
    const bool network = network_ && tabs_->currentWidget() == depthPage_;
    const QString path = network ? network_->filePath() : document_->filePath();
    setWindowFilePath(path);
    const QString untitled = network ? tr("Untitled network") : tr("Untitled");
    setWindowTitle(QStringLiteral("%1[*] — bnflow").arg(path.isEmpty() ? untitled : QFileInfo(path).fileName()));
    setWindowModified(network ? network_->isModified() : document_->isModified());
}

void MainWindow::showRefusal(const QString& message)
{
    message_->setText(message);
    message_->setToolTip(message);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (!files_->maybeSave() || !files_->maybeSaveNetwork()) {
        event->ignore();
        return;
    }
    folding_->unfold();  // the layout saved is the session's, whichever tab is current
    saveLayout();
    event->accept();
}

void MainWindow::showEvent(QShowEvent* event)
{
    QMainWindow::showEvent(event);
    if (shown_)
        return;
    shown_ = true;
    if (!layoutRestored_) {  // first start: give the results most of the width
        resizeDocks({findChild<QDockWidget*>(QStringLiteral("batchDock")),
                     findChild<QDockWidget*>(QStringLiteral("parameterDock"))},
                    {width() * 22 / 100, width() * 19 / 100}, Qt::Horizontal);
        // Then as wide as x's and dout's columns, on a screen fitted before, once the window
        // manager has given the window its size.
        QTimer::singleShot(0, this, &MainWindow::fitEditors);
    }
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    if (files_->handleDrop(event->mimeData()->urls()))
        event->acceptProposedAction();
}

}  // namespace bnflow::ui
