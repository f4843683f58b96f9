// The main window: wires the document to its panels, menus and shortcuts. Holds no numbers and
// does no math.
#pragma once

#include <QMainWindow>

class QDockWidget;
class QLabel;
class QScrollArea;
class QTabWidget;

namespace bnflow::ui {

class BatchPanel;
class CellFocus;
class CheckPanel;
class DepthPanel;
class ComparePanel;
class DisplaySettings;
class DockFolding;
class DoutPanel;
class ExercisePanel;
class FileActions;
class LensPanel;
class LensState;
class LectureMode;
class NetworkDocument;
class WalkthroughPanel;
class WalkthroughState;
class ParameterPanel;
class PlotsPanel;
class ResultsPanel;
class RunningPanel;
class SessionDocument;
class StartHere;
class StartHereStrip;
class TabTitles;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    MainWindow(SessionDocument* document, DisplaySettings* display, QWidget* parent = nullptr);
    // Disconnects the document first: closing the window moves the focus out of a field that
    // then commits its edit, and the document's signals must not reach a half-destroyed window.
    ~MainWindow() override;

    FileActions* files() const { return files_; }
    BatchPanel* batchPanel() const { return batch_; }
    DoutPanel* doutPanel() const { return dout_; }
    ParameterPanel* parameterPanel() const { return parameters_; }
    ResultsPanel* resultsPanel() const { return results_; }
    WalkthroughPanel* walkthrough() const { return walkthrough_; }
    WalkthroughState* walkthroughState() const { return walkthroughState_; }
    LectureMode* lectureMode() const { return lecture_; }
    PlotsPanel* plotsPanel() const { return plots_; }
    CheckPanel* checkPanel() const { return check_; }
    ComparePanel* comparePanel() const { return compare_; }
    RunningPanel* runningPanel() const { return running_; }
    ExercisePanel* exercisePanel() const { return exercise_; }
    LensState* lens() const { return lens_; }
    LensPanel* lensPanel() const { return lensPanel_; }
    DepthPanel* depthPanel() const { return depth_; }
    NetworkDocument* networkDocument() const { return network_; }
    QTabWidget* tabs() const { return tabs_; }

    // "results", "walkthrough", "lecture", "check", "compare", "running", "exercise", "depth", or a plot name (the Plots tab with that plot);
    // false for anything else.
    bool showView(const QString& name);
    // Help > Start here, in a dock beside the parameters (main_window_start.cpp).
    void showStartHere();
    // Shows Start here unless QSettings says a run did already; the app calls it (tests don't).
    bool showStartHereOnFirstRun();
    StartHere* startHere() const { return startHere_; }  // null until first shown

    void restoreLayout();  // window geometry and docks from QSettings
    void saveLayout() const;
    // Keeps the window inside its screen's available area (a layout saved on a larger screen, a
    // 1366x768 laptop, a 1280x720 projector, a HiDPI screen at 2x): the size is bounded by the
    // area and, when the three columns cannot fit side by side, the parameters dock becomes a
    // tab beside dout. fitInto() takes the area, for tests.
    void fitToScreen();
    void fitInto(const QRect& available);
    // Within the area fitInto() was given: the left docks as wide as every column of x and dout
    // needs (the parameters join them where three columns then do not fit; the middle keeps the
    // room its tab bar needs), and x's dock as tall as its rows. Again whenever the shape changes.
    void fitEditors();

protected:
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    static QScrollArea* scrolling(QWidget* page);
    void setupViews();
    void setupMenus();
    void setupWalkthroughActions(QMenu* file, QMenu* view);
    void setupExercise();  // the Exercise tab and menu
    void setupDepth();     // the Depth tab and its network (main_window_depth.cpp)
    void stackParameters();    // the parameters dock a tab beside dout (main_window_layout.cpp)
    void shortenDockTitles();  // short titles for the docks' tabs
    void refreshStatus();   // a new result: the refusal cleared, the summary anew
    void refreshSummary();  // the status bar's summary of what the tab shows
    void goTo(int startHereStep);  // where a Start here button leads
    void refreshTitle();
    void showRefusal(const QString& message);

    SessionDocument* document_;
    DisplaySettings* display_;
    CellFocus* focus_;
    FileActions* files_ = nullptr;
    BatchPanel* batch_ = nullptr;
    DoutPanel* dout_ = nullptr;
    ParameterPanel* parameters_ = nullptr;
    ResultsPanel* results_ = nullptr;
    WalkthroughState* walkthroughState_ = nullptr;
    WalkthroughPanel* walkthrough_ = nullptr;
    LectureMode* lecture_ = nullptr;
    PlotsPanel* plots_ = nullptr;
    CheckPanel* check_ = nullptr;
    ComparePanel* compare_ = nullptr;
    RunningPanel* running_ = nullptr;
    ExercisePanel* exercise_ = nullptr;
    LensState* lens_ = nullptr;
    LensPanel* lensPanel_ = nullptr;
    NetworkDocument* network_ = nullptr;
    DepthPanel* depth_ = nullptr;
    QWidget* depthPage_ = nullptr;  // the scroll area around depth_
    DockFolding* folding_ = nullptr;  // the Depth tab and the laptop's walkthrough put the docks away
    QTabWidget* tabs_ = nullptr;
    StartHere* startHere_ = nullptr;
    QDockWidget* startHereDock_ = nullptr;
    StartHereStrip* startHereStrip_ = nullptr;  // Start here while the docks are folded
    QWidget* resultsPage_ = nullptr;  // the scroll areas around results_, compare_, exercise_
    QWidget* comparePage_ = nullptr;
    QWidget* runningPage_ = nullptr;
    QWidget* exercisePage_ = nullptr;
    QLabel* message_ = nullptr;
    QLabel* summary_ = nullptr;
    TabTitles* tabTitles_ = nullptr;
    QRect available_;  // the area fitInto() was last given; empty: never fitted (a screenshot)
    QSize fittedShape_;  // x's shape when fitEditors() last ran
    bool layoutRestored_ = false;  // restoreLayout() ran: keep the user's dock sizes
    bool shown_ = false;
};

}  // namespace bnflow::ui
