#include <precision/lens_menu.h>

#include <precision/lens_state.h>
#include <precision/lens_text.h>

#include <QActionGroup>

namespace bnflow::ui {

LensMenu::LensMenu(LensState* lens, QWidget* parent) : QMenu(tr("&Precision lens"), parent), lens_(lens)
{
    setToolTipsVisible(true);
    auto* types = new QActionGroup(this);
    const auto add = [&](const QString& text, std::optional<NumberType> type) {
        QAction* a = addAction(text);
        a->setCheckable(true);
        a->setChecked(lens_->type() == type);
        a->setData(type ? int(*type) : -1);
        a->setToolTip(tr("Every value stored and every operation rounded to this type; each quantity's error "
                         "against float64 on the Results tab, the step where it is born in the walkthrough"));
        types->addAction(a);
        connect(a, &QAction::triggered, this, [this, type] { lens_->setLens(type, lens_->accumulate()); });
    };
    add(tr("Off"), std::nullopt);
    for (const NumberType t : {NumberType::F32, NumberType::F16, NumberType::BF16})
        add(typeTitle(t), t);
    connect(lens_, &LensState::changed, this, [this, types] {
        for (QAction* a : types->actions())
            a->setChecked(a->data().toInt() == (lens_->type() ? int(*lens_->type()) : -1));
    });
}

}  // namespace bnflow::ui
