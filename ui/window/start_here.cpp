#include <window/start_here.h>

#include <QCommandLinkButton>
#include <QLabel>
#include <QVBoxLayout>

namespace bnflow::ui {

QString StartHere::shownKey()
{
    return QStringLiteral("help/startHereShown");
}

StartHere::StartHere(QWidget* parent) : QWidget(parent)
{
    struct Entry {
        Step step;
        const char* name;  // the button's object name
        QString title;
        QString description;
    };
    const Entry entries[] = {
        {Step::EditAndWatchForward, "startEdit", tr("1. Edit a number, watch the forward pass"),
         tr("Type into the batch x: the mean, the variance, xhat and y in Results follow at once.")},
        {Step::StepBackward, "startStep", tr("2. Step through the backward pass"),
         tr("The walkthrough applies the chain rule one step at a time; → and ← step, the graph "
            "lights what each step uses.")},
        {Step::CompareStagedFused, "startFused", tr("3. Compare staged and fused"),
         tr("The staged dx (step by step) beside the fused dx (one closed formula): equal up to "
            "rounding.")},
        {Step::CheckYourGradient, "startCheck", tr("4. Check your own gradient"),
         tr("Load the dx, dgamma and dbeta your code computed: see where it is wrong and which "
            "usual mistake it matches.")},
        {Step::OpenDepthLab, "startDepth", tr("5. Open the depth lab"),
         tr("A deep network with and without normalization: watch activations and gradients "
            "through the layers.")},
    };
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("Five places to start. Each button takes you there; this list "
                                "stays under Help > Start here."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    for (const Entry& e : entries) {
        auto* button = new QCommandLinkButton(e.title, e.description, this);
        button->setObjectName(QLatin1String(e.name));
        button->setToolTip(e.description);
        connect(button, &QCommandLinkButton::clicked, this, [this, step = e.step] { emit go(step); });
        buttons_[std::size_t(e.step)] = button;
        layout->addWidget(button);
    }
    layout->addStretch();
}

}  // namespace bnflow::ui
