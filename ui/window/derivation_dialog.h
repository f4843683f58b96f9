// Help > The derivation: the derivation written for students (resources/help/derivation.md,
// compiled in), in a window of its own that stays open beside the walkthrough. Its display
// formulas are the MathJax SVGs rendered at build time by resources/formulas/render.cjs, drawn
// in the theme's text colour at the screen's pixel ratio.
#pragma once

#include <QDialog>
#include <QStringList>

class QTextBrowser;

namespace bnflow::ui {

class DerivationDialog : public QDialog {
    Q_OBJECT
public:
    explicit DerivationDialog(QWidget* parent = nullptr);
    QTextBrowser* browser() const { return browser_; }
    QStringList formulaKeys() const { return formulaKeys_; }  // "derivation/01", ... in order

    // The TeX of each display formula (between two lines that read "$$"), in order: the same
    // split as render.cjs's.
    static QStringList displayFormulas(const QString& markdown);
    // The Markdown with each display formula replaced by an image "formula:derivation/NN".
    static QString withFormulaImages(const QString& markdown);

private:
    QVariant formulaImage(const QUrl& url) const;

    QTextBrowser* browser_;
    QStringList formulaKeys_;
};

}  // namespace bnflow::ui
