// Exercise mode (core/model/exercise.h), the Exercise tab and menu: the lecturer hides cells of any
// results table, whole steps or values (shown as "?" everywhere), injects a known mistake, and
// locks the exercise; the student types predictions into hidden cells and reveals them. Every
// change is one undo step of the document.
#pragma once

#include <core/model/exercise.h>

#include <QWidget>

class QAbstractItemView;
class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace bnflow::ui {

class DisplaySettings;
class ExerciseEditor;
class InjectView;
class SessionDocument;

class ExercisePanel : public QWidget {
    Q_OBJECT
public:
    ExercisePanel(SessionDocument* document, const DisplaySettings* display, QWidget* parent = nullptr);

    // The Exercise menu's actions, with shortcuts, tooltips and status tips.
    QList<QAction*> menuActions() const;
    QAction* hideSelectionAction() const { return hideSelection_; }
    QAction* hideStepAction() const { return hideStep_; }
    QAction* unhideAction() const { return unhide_; }
    QAction* lockAction() const { return lock_; }
    QAction* unlockAction() const { return unlock_; }
    QAction* revealAction() const { return reveal_; }

    // The edits the tab's controls and menu make (every one an undo step, or refused with a status
    // message).
    ExerciseEditor* editor() const { return editor_; }
    // The student's: the prediction typed for the selected hidden cell, revealed as one step.
    bool revealSelected();

    // For tests and the window.
    QListWidget* hiddenList() const { return hidden_; }
    QLineEdit* predictionEdit() const { return prediction_; }
    QLabel* verdictLabel() const { return verdict_; }
    QComboBox* quantityBox() const { return quantity_; }
    QComboBox* mistakeBox() const { return mistake_; }
    InjectView* injectView() const { return injectView_; }
    QWidget* lecturerControls() const { return lecturer_; }

signals:
    void statusMessage(const QString& message);

private:
    void setupActions();
    QWidget* buildLecturerControls();
    void refresh();
    void refreshCellRange();
    void fillHiddenList();
    void showVerdict();
    // The results table focused now, or the one focused last.
    QAbstractItemView* tableInUse() const;

    SessionDocument* document_;
    const DisplaySettings* display_;
    ExerciseEditor* editor_;
    QLabel* summary_;
    QWidget* lecturer_;
    QComboBox* quantity_;
    QSpinBox* row_;
    QSpinBox* col_;
    QListWidget* hidden_;
    QLineEdit* prediction_;
    QPushButton* revealButton_;
    QLabel* verdict_;
    QComboBox* mistake_;
    InjectView* injectView_;
    QAction* hideSelection_;
    QAction* hideStep_;
    QAction* unhide_;
    QAction* lock_;
    QAction* unlock_;
    QAction* reveal_;
    QAbstractItemView* lastTable_ = nullptr;  // the results table last focused: view state
};

}  // namespace bnflow::ui
