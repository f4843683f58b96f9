// Lecture mode (F5): fullscreen, editing panels hidden, only the walkthrough with its graph,
// formula and numbers, in large type (Ctrl + / Ctrl -), the step's part of the graph large
// enough for a room (the rest faded); Esc returns; B blanks the screen.
// A tab that presents itself (the Depth tab, setSelfPresenting) stays when F5 is pressed on it,
// full screen at the lecture's scale.
#pragma once

#include <QObject>

#include <functional>

class QDockWidget;
class QMainWindow;
class QTabWidget;
class QWidget;

namespace bnflow::ui {

class WalkthroughPanel;

class LectureMode : public QObject {
    Q_OBJECT
public:
    LectureMode(QMainWindow* window, QTabWidget* tabs, WalkthroughPanel* walkthrough);

    bool isActive() const { return active_; }
    void setActive(bool active);
    void toggle() { setActive(!active_); }
    void larger();
    void smaller();
    void setBlank(bool blank);
    bool isBlank() const;
    // `page` (a tab of tabs) is lectured as itself; setScale(s) gives it the lecture's type scale
    // (1 when the lecture ends).
    void setSelfPresenting(QWidget* page, std::function<void(double scale)> setScale);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;  // any key or click unblanks

private:
    void setScale(double scale);  // the text, the formula and the graph

    QMainWindow* window_;
    QTabWidget* tabs_;
    WalkthroughPanel* walkthrough_;
    QWidget* blank_;
    QWidget* selfPage_ = nullptr;
    std::function<void(double)> selfScale_;
    double selfScaleNow_ = 1.0;
    bool presentingSelf_ = false;  // this lecture shows selfPage_, not the walkthrough
    bool active_ = false;
    bool wasMaximized_ = false;
    QList<QDockWidget*> hiddenDocks_;
};

}  // namespace bnflow::ui
