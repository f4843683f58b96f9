// Help > The derivation: doc/derivation.md, compiled in, in a window of its own that stays open
// beside the walkthrough.
#pragma once

#include <QDialog>

class QTextBrowser;

namespace bnflow::ui {

class DerivationDialog : public QDialog {
    Q_OBJECT
public:
    explicit DerivationDialog(QWidget* parent = nullptr);
    QTextBrowser* browser() const { return browser_; }

private:
    QTextBrowser* browser_;
};

}  // namespace bnflow::ui
