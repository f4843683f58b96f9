// The student's values beside the right ones at the walkthrough's step: after "Show in
// walkthrough" on a diagnosed mistake, a small table for the selected feature (right / yours /
// difference) of the student's tensor that belongs to the step (dgamma, dbeta), or of their dx.
// Hidden while no student data is loaded; cleared with it.
#pragma once

#include <QLabel>

namespace bnflow::ui {

class CheckPanel;
class DisplaySettings;
class SessionDocument;
class WalkthroughState;

class StepComparison : public QLabel {
    Q_OBJECT
public:
    StepComparison(const SessionDocument* document, const CheckPanel* check,
                   const WalkthroughState* state, const DisplaySettings* display, QWidget* parent = nullptr);
    void refresh();

private:
    const SessionDocument* document_;
    const CheckPanel* check_;
    const WalkthroughState* state_;
    const DisplaySettings* display_;
};

}  // namespace bnflow::ui
