// Help > Start here: five steps through the app for a first hour, each a button that takes the
// user there (the window does the switching; this panel only says where). Shown once on the
// first run, in a dock beside the parameters, and from the Help menu afterwards. Where the docks
// fold away (the Depth tab, the walkthrough on a laptop) it folds with them into StartHereStrip,
// a row in the tab bar's corner: the same five steps, a click each, and a way back to the list.
#pragma once

#include <QWidget>

#include <array>

class QCommandLinkButton;
class QToolButton;

namespace bnflow::ui {

class StartHere : public QWidget {
    Q_OBJECT
public:
    enum class Step {
        EditAndWatchForward,  // the batch editor; the results follow every keystroke
        StepBackward,         // the walkthrough, one chain-rule step at a time
        CompareStagedFused,   // the results' fused dx beside the staged one
        CheckYourGradient,    // Check my gradient: load your dx
        OpenDepthLab,         // the Depth tab
    };
    static constexpr int kStepCount = 5;

    explicit StartHere(QWidget* parent = nullptr);
    QCommandLinkButton* button(Step step) const { return buttons_[std::size_t(step)]; }

    // QSettings' key that says the first run showed it already.
    static QString shownKey();

    // Each step's button object name ("startEdit", ...), title and what it does.
    struct Entry {
        Step step;
        const char* name;
        QString title;
        QString description;
    };
    static std::array<Entry, kStepCount> entries();

signals:
    void go(bnflow::ui::StartHere::Step step);

private:
    std::array<QCommandLinkButton*, kStepCount> buttons_{};
};

// Start here folded: "Start here" (the list back) and the five steps as numbered buttons, each
// with its title and description as a tooltip.
class StartHereStrip : public QWidget {
    Q_OBJECT
public:
    explicit StartHereStrip(QWidget* parent = nullptr);
    QToolButton* button(StartHere::Step step) const { return buttons_[std::size_t(step)]; }
    QToolButton* backButton() const { return back_; }

signals:
    void go(bnflow::ui::StartHere::Step step);
    void back();  // show the whole list again

private:
    QToolButton* back_ = nullptr;
    std::array<QToolButton*, StartHere::kStepCount> buttons_{};
};

}  // namespace bnflow::ui
