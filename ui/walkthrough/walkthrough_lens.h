// The precision lens in the walkthrough: while it is on, the step where the error is born (or
// where the type overflows) is marked in the step list, and a note under the step's numbers says
// its error against float64 (precision/lens_text.h). The walkthrough panel owns one.
#pragma once

#include <QObject>

class QLabel;
class QListWidget;

namespace bnflow::ui {

class LensState;
class WalkthroughState;

class WalkthroughLens : public QObject {
    Q_OBJECT
public:
    // steps: the panel's step list, one row per step of state's list; note: a label under the
    // numbers that this object fills and shows while the lens is on.
    WalkthroughLens(const LensState* lens, const WalkthroughState* state, QListWidget* steps, QLabel* note,
                    QObject* parent = nullptr);

    // Whether the step list marks this row as where the error is born.
    bool isMarkedBirth(int row) const;
    // After the step list was refilled (another layer): mark its rows again.
    void markSteps();
    // After another step was selected: its note.
    void showNote();

private:
    const LensState* lens_;
    const WalkthroughState* state_;
    QListWidget* steps_;
    QLabel* note_;
};

}  // namespace bnflow::ui
