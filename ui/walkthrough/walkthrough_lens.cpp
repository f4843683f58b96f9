// The precision lens in the walkthrough: the step where the error is born marked in the step
// list, and under each step's numbers its error against float64 (precision/lens_text.h).
#include <walkthrough/walkthrough_panel.h>

#include <precision/lens_state.h>
#include <precision/lens_text.h>
#include <walkthrough/walkthrough_state.h>

#include <QLabel>
#include <QListWidget>

namespace bnflow::ui {

void WalkthroughPanel::setLens(const LensState* lens)
{
    lens_ = lens;
    lensNote_ = new QLabel(this);
    lensNote_->setObjectName(QStringLiteral("lensNote"));
    lensNote_->setWordWrap(true);
    lensNote_->setStyleSheet(QStringLiteral("QLabel { color: black; background: #fee0b6; padding: 4px; }"));
    lensNote_->setFont(plugged_->font());
    addBelowNumbers(lensNote_);
    connect(lens_, &LensState::changed, this, [this] {
        markSteps();
        showLensNote();
    });
    markSteps();
    showLensNote();
}

bool WalkthroughPanel::isMarkedBirth(int row) const
{
    const QListWidgetItem* item = steps_->item(row);
    return item && item->data(Qt::UserRole).toBool();
}

void WalkthroughPanel::markSteps()
{
    const PrecisionReport* report = lens_ && lens_->isOn() ? lens_->report() : nullptr;
    const std::vector<Step>& list = state_->steps();
    for (int row = 0; row < steps_->count() && row < int(list.size()); ++row) {
        QListWidgetItem* item = steps_->item(row);
        const std::string_view id = list[std::size_t(row)].id;
        const bool born = report && report->birth == id;
        const QuantityError* q = report ? report->find(id) : nullptr;
        const bool overflowed = q && q->overflowed;
        item->setData(Qt::UserRole, born);
        QFont font = steps_->font();
        font.setBold(born);
        item->setFont(font);
        item->setBackground(overflowed ? QColor(0xb2182b) : born ? QColor(0xfdb863) : QBrush());
        item->setForeground(overflowed ? QColor(Qt::white) : born ? QColor(Qt::black) : QBrush());
        const QString base = item->text();
        item->setToolTip(report && q ? base + QLatin1Char('\n') + stepNote(*report, id, lensTitle(report->type, report->accumulate))
                                     : base);
    }
}

void WalkthroughPanel::showLensNote()
{
    if (!lensNote_)
        return;
    const bool on = lens_->isOn();
    lensNote_->setVisible(on);
    if (!on)
        return;
    const QString lens = lensTitle(*lens_->type(), lens_->accumulate());
    const PrecisionReport* report = lens_->report();
    lensNote_->setText(report ? stepNote(*report, state_->currentStep().id, lens) : tr("Precision lens (%1): computing...").arg(lens));
}

}  // namespace bnflow::ui
