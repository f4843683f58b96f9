#include <window/dock_folding.h>

#include <QAction>
#include <QDockWidget>
#include <QEvent>
#include <QMainWindow>
#include <QTabWidget>

namespace bnflow::ui {

DockFolding::DockFolding(QMainWindow* window, QTabWidget* tabs) : QObject(window), window_(window), tabs_(tabs)
{
    connect(tabs_, &QTabWidget::currentChanged, this, &DockFolding::update);
    window_->installEventFilter(this);
    // The View menu's entries (and the docks' title-bar menu) are the docks' toggle actions:
    // what the user asks there is theirs, never undone here.
    for (QDockWidget* dock : window_->findChildren<QDockWidget*>())
        watch(dock);
}

void DockFolding::watch(QDockWidget* dock)
{
    connect(dock->toggleViewAction(), &QAction::triggered, this,
            [this, dock](bool shown) { reopenedByHand(dock, shown); });
}

bool DockFolding::isFolded(QDockWidget* dock) const
{
    return folded_.contains(dock);
}

void DockFolding::showByHand(QDockWidget* dock)
{
    dock->show();
    reopenedByHand(dock, true);
}

void DockFolding::foldOn(QWidget* page, int belowWidth)
{
    pages_[page] = belowWidth;
    update();
}

bool DockFolding::wanted() const
{
    const auto it = pages_.constFind(tabs_->currentWidget());
    return it != pages_.constEnd() && window_->width() < it.value();
}

void DockFolding::update()
{
    if (wanted())
        fold();
    else
        unfold();
}

void DockFolding::fold()
{
    changing_ = true;
    for (QDockWidget* dock : window_->findChildren<QDockWidget*>())
        if (!dock->isHidden() && !keptByUser_.contains(dock)) {  // isVisible() is false before the window shows
            folded_ << dock;
            sizes_[dock] = dock->size();
            dock->hide();
        }
    changing_ = false;
    emit foldedChanged();
}

void DockFolding::unfold()
{
    changing_ = true;
    QList<QDockWidget*> shown;
    QList<int> widths, heights;
    for (const QPointer<QDockWidget>& dock : std::as_const(folded_))
        if (dock) {
            dock->show();
            shown << dock;
            widths << sizes_.value(dock).width();
            heights << sizes_.value(dock).height();
        }
    // Shown again, a dock takes what its area has to give: each gets its size back.
    if (!shown.isEmpty()) {
        window_->resizeDocks(shown, widths, Qt::Horizontal);
        window_->resizeDocks(shown, heights, Qt::Vertical);
    }
    const bool any = !folded_.isEmpty();
    folded_.clear();
    sizes_.clear();
    changing_ = false;
    if (any) {
        emit unfolded();
        emit foldedChanged();
    }
}

void DockFolding::reopenedByHand(QDockWidget* dock, bool shown)
{
    if (changing_)
        return;
    if (folded_.removeAll(dock) > 0)  // shown: it is open already; hidden: the user wants it so
        emit foldedChanged();
    if (shown && wanted())
        keptByUser_.insert(dock);
    else if (!shown)
        keptByUser_.remove(dock);
}

bool DockFolding::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == window_ && event->type() == QEvent::Resize)
        update();
    return QObject::eventFilter(watched, event);
}

}  // namespace bnflow::ui
