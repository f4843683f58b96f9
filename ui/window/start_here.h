// Help > Start here: five steps through the app for a first hour, each a button that takes the
// user there (the window does the switching; this panel only says where). Shown once on the
// first run, in a dock beside the parameters, and from the Help menu afterwards.
#pragma once

#include <QWidget>

#include <array>

class QCommandLinkButton;

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

signals:
    void go(bnflow::ui::StartHere::Step step);

private:
    std::array<QCommandLinkButton*, kStepCount> buttons_{};
};

}  // namespace bnflow::ui
