#include <walkthrough/walkthrough_state.h>

#include <core/teach/catalogue.h>

#include <algorithm>

namespace bnflow::ui {

int WalkthroughState::stepCount() const
{
    return int(steps_->size());
}

void WalkthroughState::setSteps(const std::vector<Step>& steps)
{
    if (&steps == steps_)
        return;
    steps_ = &steps;
    step_ = std::clamp(step_, 0, stepCount() - 1);
    emit changed();
}

void WalkthroughState::setStep(int step)
{
    step = std::clamp(step, 0, stepCount() - 1);
    if (step == step_)
        return;
    step_ = step;
    emit changed();
}

void WalkthroughState::setFeature(int feature)
{
    feature = std::max(0, feature);
    if (feature == feature_)
        return;
    feature_ = feature;
    emit changed();
}

void WalkthroughState::setSample(int sample)
{
    sample = std::max(0, sample);
    if (sample == sample_)
        return;
    sample_ = sample;
    emit changed();
}

}  // namespace bnflow::ui
