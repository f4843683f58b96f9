// Help > Keyboard shortcuts and colours (F1): every shortcut of the window, read from its
// QActions and the walkthrough's QShortcuts when the sheet opens (so it cannot go stale), and
// what the colours of the results tables and of the graph mean.
#pragma once

#include <QDialog>

class QTextBrowser;

namespace bnflow::ui {

class DisplaySettings;

class HelpSheet : public QDialog {
    Q_OBJECT
public:
    HelpSheet(QWidget* window, const DisplaySettings* display, QWidget* parent = nullptr);
    QTextBrowser* browser() const { return browser_; }
    void refresh();  // re-reads the window's actions and the theme's colours

    // One "what<TAB>keys" line per shortcut of `window` (actions and QShortcuts), for the sheet.
    static QStringList shortcutLines(QWidget* window);

private:
    QWidget* window_;
    const DisplaySettings* display_;
    QTextBrowser* browser_;
};

}  // namespace bnflow::ui
