#include <walkthrough/walkthrough_state.h>

#include <catalogue.h>

#include <algorithm>

namespace bnflow::ui {

int WalkthroughState::stepCount() const
{
    return int(steps().size());
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

}  // namespace bnflow::ui
