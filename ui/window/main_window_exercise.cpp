// The main window's exercise mode: the Exercise tab, its menu, its status messages, and the
// tables that take predictions. Apart from main_window.cpp so that the two grow separately.
#include <window/main_window.h>

#include <check/check_panel.h>
#include <check/step_comparison.h>
#include <document/session_document.h>
#include <exercise/exercise_panel.h>
#include <results/results_panel.h>
#include <tables/result_models.h>
#include <walkthrough/walkthrough_panel.h>

#include <QAbstractItemView>
#include <QMenuBar>
#include <QScrollArea>
#include <QStatusBar>
#include <QTabWidget>

namespace bnflow::ui {

void MainWindow::setupExercise()
{
    exercise_ = new ExercisePanel(document_, display_, this);
    exercise_->setObjectName(QStringLiteral("exercisePanel"));
    exercisePage_ = scrolling(exercise_);
    tabs_->addTab(exercisePage_, tr("E&xercise"));
    connect(exercise_, &ExercisePanel::statusMessage, this, [this](const QString& message) {
        statusBar()->showMessage(message, 8000);
    });

    // Every results table and the walkthrough's values take a prediction typed into a hidden cell.
    for (QWidget* panel : {static_cast<QWidget*>(results_), static_cast<QWidget*>(walkthrough_)})
        for (QAbstractItemView* view : panel->findChildren<QAbstractItemView*>())
            if (auto* model = qobject_cast<DocumentTableModel*>(view->model()))
                model->acceptPredictions(document_);

    QMenu* menu = new QMenu(tr("E&xercise"), this);
    menu->setObjectName(QStringLiteral("exerciseMenu"));
    menu->setToolTipsVisible(true);
    for (QAction* action : exercise_->menuActions()) {
        if (!action) {
            menu->addSeparator();
            continue;
        }
        menu->addAction(action);
        addAction(action);  // the shortcuts work in lecture mode too, with the menu bar hidden
    }
    menu->addSeparator();
    menu->addAction(tr("Show &Exercise Tab"), QKeySequence(tr("Ctrl+Shift+E")), this,
                    [this] { showView(QStringLiteral("exercise")); });
    const QList<QAction*> menus = menuBar()->actions();
    menuBar()->insertMenu(menus.isEmpty() ? nullptr : menus.constLast(), menu);  // before Help

    // "Check my gradient" -> Show in walkthrough: the student's values beside the right ones.
    walkthrough_->addBelowNumbers(new StepComparison(document_, check_, walkthroughState_, display_, walkthrough_));
}

}  // namespace bnflow::ui
