// Where the walkthrough is: the step of steps() (core/catalogue.h) and the feature whose numbers are shown.
// View state shared by the walkthrough panel, the graph and the handout; not document data.
#pragma once

#include <QObject>

namespace bnflow::ui {

class WalkthroughState : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    int step() const { return step_; }
    int feature() const { return feature_; }
    int stepCount() const;
    void setStep(int step);        // clamped into range
    void setFeature(int feature);  // >= 0; views clamp it to the session's features
    void next() { setStep(step_ + 1); }
    void previous() { setStep(step_ - 1); }
    void first() { setStep(0); }
    void last() { setStep(stepCount() - 1); }

signals:
    void changed();

private:
    int step_ = 0;
    int feature_ = 0;
};

}  // namespace bnflow::ui
