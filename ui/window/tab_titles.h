// The main window's tab titles on a narrow screen: full titles where they fit beside each other,
// short ones (the full title as the tooltip) where they do not, so that every tab is on screen
// without the tab bar's scroll arrows (a 1080p screen at 2x hid Exercise and Depth behind them).
#pragma once

#include <QObject>
#include <QString>

#include <vector>

class QTabWidget;
class QWidget;

namespace bnflow::ui {

class TabTitles : public QObject {
    Q_OBJECT
public:
    explicit TabTitles(QTabWidget* tabs);
    // `page`'s title where the full one does not fit; the same mnemonic letter keeps Alt+letter.
    void setShortTitle(QWidget* page, const QString& title);
    bool shortened() const { return shortened_; }
    // The width the tab bar needs with the short titles: the narrowest the middle should get.
    int shortWidth();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void fit();
    void show(bool shortTitles);

    struct Titles {
        QWidget* page;
        QString full;
        QString brief;
    };
    QTabWidget* tabs_;
    std::vector<Titles> titles_;  // the tabs that have a short title
    bool shortened_ = false;
};

}  // namespace bnflow::ui
