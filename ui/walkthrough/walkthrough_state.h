// Where the walkthrough is: the step of the session layer's step list (core/teach/family_catalogue.h
// steps(layer, mode); batch norm's steps() by default) and the feature whose numbers are shown.
// View state shared by the walkthrough panel, the graph and the handout; not document data.
#pragma once

#include <core/teach/catalogue.h>

#include <QObject>

#include <vector>

namespace bnflow::ui {

class WalkthroughState : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    int step() const { return step_; }
    int feature() const { return feature_; }
    // The sample whose set a per-sample statistic shows (layer norm, RMSNorm, group norm): with
    // feature(), it picks the selected set (core/math/family.h Reduction::statRow, statCol).
    int sample() const { return sample_; }
    int stepCount() const;
    const std::vector<Step>& steps() const { return *steps_; }
    const Step& currentStep() const { return (*steps_)[std::size_t(step_)]; }
    // Another layer's list (the session's layer changed): the step is clamped into it.
    void setSteps(const std::vector<Step>& steps);
    void setStep(int step);        // clamped into range
    void setFeature(int feature);  // >= 0; views clamp it to the session's features
    void setSample(int sample);    // >= 0; views clamp it to the session's samples
    void next() { setStep(step_ + 1); }
    void previous() { setStep(step_ - 1); }
    void first() { setStep(0); }
    void last() { setStep(stepCount() - 1); }

signals:
    void changed();

private:
    const std::vector<Step>* steps_ = &bnflow::steps();
    int step_ = 0;
    int feature_ = 0;
    int sample_ = 0;
};

}  // namespace bnflow::ui
