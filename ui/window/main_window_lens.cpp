// The precision lens in the window: one setting (LensState) that the Results tab's lens panel
// and the walkthrough show, the View menu's choice of type, and the presets that open with the
// lens that shows them.
#include <window/main_window.h>

#include <document/examples.h>
#include <precision/lens_panel.h>
#include <precision/lens_state.h>
#include <precision/lens_text.h>
#include <results/results_panel.h>
#include <walkthrough/walkthrough_panel.h>
#include <window/file_actions.h>

#include <QActionGroup>
#include <QMenu>
#include <QStatusBar>
#include <QTabWidget>

namespace bnflow::ui {

void MainWindow::setupLens(QMenu* view)
{
    lens_ = new LensState(document_, this);
    lensPanel_ = new LensPanel(lens_, results_);
    results_->addAboveTables(lensPanel_);
    walkthrough_->setLens(lens_);

    // A preset, from the lens's Presets button or File > Examples > Precision lens: the session,
    // then the lens it shows, and what to look for.
    connect(lensPanel_, &LensPanel::presetRequested, files_, &FileActions::openExample);
    connect(files_, &FileActions::exampleOpened, this, [this](int index) {
        const Example& example = examples().at(std::size_t(index));
        lensPanel_->showNote(example.lookFor);
        if (!example.lens)
            return;
        lens_->setLens(example.lens, example.accumulate);
        lensPanel_->showNote(example.lookFor);  // the lens was off before: the note follows it
        tabs_->setCurrentWidget(resultsPage_);
        statusBar()->showMessage(example.lookFor, 15000);
    });

    QMenu* menu = view->addMenu(tr("&Precision lens"));
    menu->setToolTipsVisible(true);
    auto* types = new QActionGroup(menu);
    const auto add = [&](const QString& text, std::optional<NumberType> type) {
        QAction* a = menu->addAction(text);
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
    connect(lens_, &LensState::changed, menu, [this, types] {
        for (QAction* a : types->actions())
            a->setChecked(a->data().toInt() == (lens_->type() ? int(*lens_->type()) : -1));
    });
}

}  // namespace bnflow::ui
