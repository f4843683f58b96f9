// Which tabs fold the main window's docks away to take their room: the Depth tab always (the
// docks edit the session, which it does not show), the walkthrough on a small screen (a laptop's
// 1366 x 768: the docks took 40 % of the width from the graph). On leaving such a tab the docks
// come back where they were. A dock the user opens again by hand (View menu) while its tab is
// shown stays open, then and on later visits; one the user closes stays closed. Start here folds
// too: the window shows it as a strip in the tab bar while it is folded (isFolded(dock)).
#pragma once

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QSize>

class QDockWidget;
class QMainWindow;
class QTabWidget;
class QWidget;

namespace bnflow::ui {

class DockFolding : public QObject {
    Q_OBJECT
public:
    DockFolding(QMainWindow* window, QTabWidget* tabs);

    // While `page` is the current tab and the window is narrower than `belowWidth` logical
    // pixels, the docks are folded away (INT_MAX: at every size).
    void foldOn(QWidget* page, int belowWidth);
    // Every folded dock back (before the window's layout is saved, whichever tab is current).
    void unfold();
    bool isFolded() const { return !folded_.isEmpty(); }
    bool isFolded(QDockWidget* dock) const;
    // A dock made after this: folded like the others, and what the user asks of it is theirs.
    void watch(QDockWidget* dock);
    // Shows `dock` as the user asked (a menu entry, a button): kept there like one reopened by hand.
    void showByHand(QDockWidget* dock);

signals:
    void unfolded();       // the folded docks are shown again, at the sizes they had
    void foldedChanged();  // a dock was folded, shown again, or taken back by the user

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;  // the window's resizes

private:
    void update();
    bool wanted() const;
    void fold();
    void reopenedByHand(QDockWidget* dock, bool shown);

    QMainWindow* window_;
    QTabWidget* tabs_;
    QHash<QWidget*, int> pages_;           // the tabs that fold, and below which window width
    QList<QPointer<QDockWidget>> folded_;  // the docks this folded away, to show again
    QHash<QDockWidget*, QSize> sizes_;     // their sizes when folded
    QSet<QDockWidget*> keptByUser_;        // reopened by hand on a folding tab: never folded again
    bool changing_ = false;                // the docks' visibility is being changed here
};

}  // namespace bnflow::ui
