#include <window/tab_titles.h>

#include <QEvent>
#include <QTabBar>
#include <QTabWidget>

namespace bnflow::ui {

TabTitles::TabTitles(QTabWidget* tabs) : QObject(tabs), tabs_(tabs)
{
    // Even the short titles may not fit (a larger font): then they are elided, never scrolled.
    tabs_->setUsesScrollButtons(false);
    tabs_->setElideMode(Qt::ElideRight);
    tabs_->installEventFilter(this);
}

void TabTitles::setShortTitle(QWidget* page, const QString& title)
{
    const int index = tabs_->indexOf(page);
    if (index < 0)
        return;
    titles_.push_back({page, tabs_->tabText(index), title});
    tabs_->setTabToolTip(index, QString(titles_.back().full).remove(QLatin1Char('&')));
    fit();
}

bool TabTitles::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == tabs_ && (event->type() == QEvent::Resize || event->type() == QEvent::FontChange))
        fit();
    return QObject::eventFilter(watched, event);
}

int TabTitles::shortWidth()
{
    const bool shown = shortened_;
    show(true);
    const int width = tabs_->tabBar()->sizeHint().width();
    show(shown);
    return width;
}

void TabTitles::fit()
{
    show(false);  // the tab bar's size hint is that of the titles it shows: measure the full ones
    if (tabs_->tabBar()->sizeHint().width() > tabs_->width())
        show(true);
}

void TabTitles::show(bool shortTitles)
{
    shortened_ = shortTitles;
    for (const Titles& t : titles_) {
        const int index = tabs_->indexOf(t.page);
        const QString& text = shortTitles ? t.brief : t.full;
        if (index >= 0 && tabs_->tabText(index) != text)
            tabs_->setTabText(index, text);
    }
}

}  // namespace bnflow::ui
