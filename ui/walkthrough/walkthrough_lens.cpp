#include <walkthrough/walkthrough_lens.h>

#include <precision/lens_state.h>
#include <precision/lens_text.h>
#include <walkthrough/walkthrough_state.h>

#include <QLabel>
#include <QListWidget>

namespace bnflow::ui {

WalkthroughLens::WalkthroughLens(const LensState* lens, const WalkthroughState* state, QListWidget* steps,
                                 QLabel* note, QObject* parent)
    : QObject(parent), lens_(lens), state_(state), steps_(steps), note_(note)
{
    connect(lens_, &LensState::changed, this, [this] {
        markSteps();
        showNote();
    });
    markSteps();
    showNote();
}

bool WalkthroughLens::isMarkedBirth(int row) const
{
    const QListWidgetItem* item = steps_->item(row);
    return item && item->data(Qt::UserRole).toBool();
}

void WalkthroughLens::markSteps()
{
    const PrecisionReport* report = lens_->isOn() ? lens_->report() : nullptr;
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

void WalkthroughLens::showNote()
{
    const bool on = lens_->isOn();
    note_->setVisible(on);
    if (!on)
        return;
    const QString lens = lensTitle(*lens_->type(), lens_->accumulate());
    const PrecisionReport* report = lens_->report();
    note_->setText(report ? stepNote(*report, state_->currentStep().id, lens)
                          : tr("Precision lens (%1): computing...").arg(lens));
}

}  // namespace bnflow::ui
