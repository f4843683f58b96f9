#include <walkthrough/lecture_mode.h>

#include <walkthrough/graph_view.h>
#include <walkthrough/walkthrough_panel.h>

#include <QDockWidget>
#include <QEvent>
#include <QMainWindow>
#include <QMenuBar>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>

namespace bnflow::ui {

namespace {
constexpr double kLectureScale = 1.8;
// The step's digits in the graph at lecture size: 2.5 % of the screen's height (18 px at 720),
// what the back of a room still reads; Ctrl + and Ctrl - scale it with the text.
constexpr double kRoomText = 0.025;
}

LectureMode::LectureMode(QMainWindow* window, QTabWidget* tabs, WalkthroughPanel* walkthrough)
    : QObject(window), window_(window), tabs_(tabs), walkthrough_(walkthrough)
{
    blank_ = new QWidget(window_);
    blank_->setObjectName(QStringLiteral("blank"));
    blank_->setStyleSheet(QStringLiteral("background: black;"));
    blank_->setAttribute(Qt::WA_StyledBackground);
    blank_->hide();
    blank_->installEventFilter(this);
    connect(walkthrough_, &WalkthroughPanel::blankRequested, this, [this] { setBlank(!isBlank()); });
}

void LectureMode::setActive(bool active)
{
    if (active == active_)
        return;
    active_ = active;
    if (active) {
        wasMaximized_ = window_->isMaximized();
        presentingSelf_ = selfPage_ && tabs_->currentWidget() == selfPage_;
        // The walkthrough first: a tab that had put the docks away (Depth) gives them back on
        // leaving, and they are hidden here with the others, to come back after the lecture.
        if (!presentingSelf_)
            tabs_->setCurrentWidget(walkthrough_);
        hiddenDocks_.clear();
        for (QDockWidget* dock : window_->findChildren<QDockWidget*>())
            if (!dock->isHidden()) {  // isVisible() is false for all before the window shows
                hiddenDocks_ << dock;
                dock->hide();
            }
        window_->menuBar()->hide();
        window_->statusBar()->hide();
        tabs_->tabBar()->hide();
        if (presentingSelf_) {
            selfScaleNow_ = kLectureScale;
            selfScale_(selfScaleNow_);
        } else {
            walkthrough_->setPresenting(true);
            walkthrough_->setLectureScale(kLectureScale);
            walkthrough_->graph()->setFocusText(kRoomText);
        }
        window_->showFullScreen();
        if (!presentingSelf_)
            walkthrough_->setFocus();
    } else {
        setBlank(false);
        for (QDockWidget* dock : hiddenDocks_)
            dock->show();
        window_->menuBar()->show();
        window_->statusBar()->show();
        tabs_->tabBar()->show();
        if (presentingSelf_) {
            selfScaleNow_ = 1.0;
            selfScale_(1.0);
        } else {
            walkthrough_->setPresenting(false);
            walkthrough_->setLectureScale(1.0);
            walkthrough_->graph()->setFocusText(0);
        }
        if (wasMaximized_)
            window_->showMaximized();
        else
            window_->showNormal();
    }
}

void LectureMode::setSelfPresenting(QWidget* page, std::function<void(double scale)> setScale)
{
    selfPage_ = page;
    selfScale_ = std::move(setScale);
}

void LectureMode::larger()
{
    if (active_ && presentingSelf_)
        selfScale_(selfScaleNow_ *= 1.15);
    else
        setScale(walkthrough_->lectureScale() * 1.15);
}

void LectureMode::smaller()
{
    if (active_ && presentingSelf_)
        selfScale_(selfScaleNow_ /= 1.15);
    else
        setScale(walkthrough_->lectureScale() / 1.15);
}

void LectureMode::setScale(double scale)
{
    walkthrough_->setLectureScale(scale);
    // The graph too (it kept its size, refitted with the larger font), in lecture mode: outside
    // it the graph fits its pane.
    if (active_)
        walkthrough_->graph()->setFocusText(kRoomText * walkthrough_->lectureScale() / kLectureScale);
}

bool LectureMode::isBlank() const
{
    return blank_->isVisible();
}

void LectureMode::setBlank(bool blank)
{
    blank_->setGeometry(window_->rect());
    blank_->setVisible(blank);
    if (blank) {
        blank_->raise();
        blank_->setFocus();
    } else if (presentingSelf_) {
        selfPage_->setFocus();
    } else {
        walkthrough_->setFocus();
    }
}

bool LectureMode::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == blank_ && (event->type() == QEvent::KeyPress || event->type() == QEvent::MouseButtonPress)) {
        setBlank(false);
        return true;
    }
    return QObject::eventFilter(watched, event);
}

}  // namespace bnflow::ui
