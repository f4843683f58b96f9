// Help > Start here: the dock, its strip in the tab bar where the docks fold, the first run, and
// where each of its buttons leads.
#include <window/main_window.h>

#include <check/check_panel.h>
#include <editors/editor_panels.h>
#include <results/results_panel.h>
#include <tables/matrix_view.h>
#include <walkthrough/walkthrough_panel.h>
#include <window/dock_folding.h>
#include <window/start_here.h>

#include <QApplication>
#include <QDockWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QTabWidget>

namespace bnflow::ui {

void MainWindow::showStartHere()
{
    if (!startHereDock_) {
        startHere_ = new StartHere(this);
        connect(startHere_, &StartHere::go, this, [this](StartHere::Step step) { goTo(int(step)); });
        startHereDock_ = new QDockWidget(tr("Start here"), this);
        startHereDock_->setObjectName(QStringLiteral("startHereDock"));
        startHereDock_->setWidget(startHere_);
        addDockWidget(Qt::RightDockWidgetArea, startHereDock_);
        // Where the docks fold (the Depth tab, a laptop's walkthrough) it folds too, into a strip
        // in the tab bar's corner: it took a quarter of a laptop's width from the graph.
        folding_->watch(startHereDock_);
        startHereStrip_ = new StartHereStrip(tabs_);
        startHereStrip_->hide();
        connect(startHereStrip_, &StartHereStrip::go, this, [this](StartHere::Step step) { goTo(int(step)); });
        connect(startHereStrip_, &StartHereStrip::back, this, &MainWindow::showStartHere);
        // The corner widget only while shown: a hidden one still keeps its room from the tabs.
        connect(folding_, &DockFolding::foldedChanged, this, [this] {
            const bool shown = folding_->isFolded(startHereDock_);
            if (shown == (tabs_->cornerWidget(Qt::TopRightCorner) == startHereStrip_))
                return;
            tabs_->setCornerWidget(shown ? startHereStrip_ : nullptr, Qt::TopRightCorner);  // hides the strip when taken
            startHereStrip_->setVisible(shown);
        });
        // A tab beside the parameters: it takes no room from the tables.
        if (auto* parameters = findChild<QDockWidget*>(QStringLiteral("parameterDock")); parameters && !parameters->isHidden())
            tabifyDockWidget(parameters, startHereDock_);
    }
    folding_->showByHand(startHereDock_);  // asked for: it stays, also where the docks fold
    startHereDock_->raise();
}

bool MainWindow::showStartHereOnFirstRun()
{
    QSettings settings;
    if (settings.value(StartHere::shownKey(), false).toBool())
        return false;
    settings.setValue(StartHere::shownKey(), true);
    showStartHere();
    return true;
}

void MainWindow::goTo(int startHereStep)
{
    const auto showInResults = [this](QWidget* widget) {
        showView(QStringLiteral("results"));
        if (auto* area = qobject_cast<QScrollArea*>(resultsPage_))
            area->ensureWidgetVisible(widget);
        widget->setFocus(Qt::OtherFocusReason);
    };
    switch (StartHere::Step(startHereStep)) {
    case StartHere::Step::EditAndWatchForward: {
        showView(QStringLiteral("results"));
        if (auto* dock = findChild<QDockWidget*>(QStringLiteral("batchDock"))) {
            dock->show();
            dock->raise();
        }
        MatrixView* view = batch_->view();
        if (view->model() && !view->currentIndex().isValid())
            view->setCurrentIndex(view->model()->index(0, 0));
        view->setFocus(Qt::OtherFocusReason);
        break;
    }
    case StartHere::Step::StepBackward:
        showView(QStringLiteral("walkthrough"));
        if (!walkthrough_->isAncestorOf(QApplication::focusWidget()))  // it focuses its steps itself
            walkthrough_->setFocus(Qt::OtherFocusReason);
        break;
    case StartHere::Step::CompareStagedFused:
        if (auto* fused = results_->findChild<MatrixView*>(QStringLiteral("fused_dx")))
            showInResults(fused);
        break;
    case StartHere::Step::CheckYourGradient:
        showView(QStringLiteral("check"));
        if (auto* load = check_->findChild<QPushButton*>(QStringLiteral("load_dx")))
            load->setFocus(Qt::OtherFocusReason);
        break;
    case StartHere::Step::OpenDepthLab:
        showView(QStringLiteral("depth"));
        depthPage_->setFocus(Qt::OtherFocusReason);
        break;
    }
}

}  // namespace bnflow::ui
