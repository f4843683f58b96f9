#include <window/start_here.h>

#include <QCommandLinkButton>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>
#include <QVBoxLayout>

namespace bnflow::ui {

QString StartHere::shownKey()
{
    return QStringLiteral("help/startHereShown");
}

std::array<StartHere::Entry, StartHere::kStepCount> StartHere::entries()
{
    return {{
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
    }};
}

StartHere::StartHere(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("Five places to start. Each button takes you there; this list "
                                "stays under Help > Start here."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    for (const Entry& e : entries()) {
        auto* button = new QCommandLinkButton(e.title, e.description, this);
        button->setObjectName(QLatin1String(e.name));
        button->setToolTip(e.description);
        connect(button, &QCommandLinkButton::clicked, this, [this, step = e.step] { emit go(step); });
        buttons_[std::size_t(e.step)] = button;
        layout->addWidget(button);
    }
    layout->addStretch();
}

StartHereStrip::StartHereStrip(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("startHereStrip"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 4, 0);
    layout->setSpacing(2);
    back_ = new QToolButton(this);
    back_->setObjectName(QStringLiteral("startHereBack"));
    back_->setText(tr("Start here:"));
    back_->setToolTip(tr("Show the Start here list again"));
    back_->setAutoRaise(true);
    connect(back_, &QToolButton::clicked, this, &StartHereStrip::back);
    layout->addWidget(back_);
    for (const StartHere::Entry& e : StartHere::entries()) {
        auto* button = new QToolButton(this);
        button->setObjectName(QLatin1String(e.name));
        button->setText(QString::number(int(e.step) + 1));
        button->setToolTip(QStringLiteral("<b>%1</b><br>%2").arg(e.title.toHtmlEscaped(), e.description.toHtmlEscaped()));
        connect(button, &QToolButton::clicked, this, [this, step = e.step] { emit go(step); });
        buttons_[std::size_t(e.step)] = button;
        layout->addWidget(button);
    }
}

}  // namespace bnflow::ui
