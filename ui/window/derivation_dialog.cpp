#include <window/derivation_dialog.h>

#include <walkthrough/formula_view.h>

#include <QDialogButtonBox>
#include <QFile>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

#include <cmath>

// Q_INIT_RESOURCE cannot be used inside a namespace; the library is static, so its resources
// must be registered explicitly.
static void initHelpResources()
{
    Q_INIT_RESOURCE(help);
}

namespace bnflow::ui {

namespace {

const QString kFormulaScheme = QStringLiteral("formula");
const QString kHatKey = QStringLiteral("derivation/xhat");  // x̂ in the running text

QString formulaKey(qsizetype index)
{
    return QStringLiteral("derivation/%1").arg(index + 1, 2, 10, QLatin1Char('0'));
}

// Calls `text` for each line outside a formula and `formula` once per closed "$$" block.
template <typename Text, typename Formula>
void splitDisplayFormulas(const QString& markdown, Text text, Formula formula)
{
    QStringList block;
    bool inside = false;
    for (const QString& line : markdown.split(QLatin1Char('\n'))) {
        if (line == QLatin1String("$$")) {
            if (inside)
                formula(block.join(QLatin1Char('\n')));
            block.clear();
            inside = !inside;
        } else if (inside) {
            block << line;
        } else {
            text(line);
        }
    }
}

}  // namespace

QStringList DerivationDialog::displayFormulas(const QString& markdown)
{
    QStringList formulas;
    splitDisplayFormulas(markdown, [](const QString&) {}, [&](const QString& tex) { formulas << tex; });
    return formulas;
}

QString DerivationDialog::withFormulaImages(const QString& markdown)
{
    QStringList lines;
    qsizetype count = 0;
    // Many fonts draw a combining circumflex beside the x, not over it: x̂ is MathJax's too.
    const QString hat = QStringLiteral("![x̂](%1:%2)").arg(kFormulaScheme, kHatKey);
    splitDisplayFormulas(markdown, [&](QString line) { lines << line.replace(QStringLiteral("x̂"), hat); },
                         [&](const QString&) {
        lines << QStringLiteral("![%2](%1:%2)").arg(kFormulaScheme, formulaKey(count++));
    });
    return lines.join(QLatin1Char('\n'));
}

DerivationDialog::DerivationDialog(QWidget* parent) : QDialog(parent)
{
    static const bool registered = (initHelpResources(), true);
    Q_UNUSED(registered);
    setWindowTitle(tr("The derivation — bnflow"));
    browser_ = new QTextBrowser(this);
    browser_->setOpenExternalLinks(true);
    browser_->document()->setResourceProvider([this](const QUrl& url) { return formulaImage(url); });
    QFile file(QStringLiteral(":/help/derivation.md"));
    if (file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        const QString markdown = QString::fromUtf8(file.readAll());
        for (qsizetype i = 0; i < displayFormulas(markdown).size(); ++i)
            formulaKeys_ << formulaKey(i);
        browser_->setMarkdown(withFormulaImages(markdown));
    } else {
        browser_->setPlainText(tr("The derivation is missing from this build."));
    }
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(browser_);
    layout->addWidget(buttons);
    resize(820, 640);
}

// A formula's SVG drawn into an image at the screen's pixel ratio (MathJax rendered it for a
// 20 px font): a little larger than the text around it, as a formula looks beside text.
QVariant DerivationDialog::formulaImage(const QUrl& url) const
{
    if (url.scheme() != kFormulaScheme)
        return {};
    QSvgRenderer renderer(FormulaView::svgFor(url.path(), browser_->palette().color(QPalette::Text)));
    if (!renderer.isValid())
        return {};
    const double larger = url.path() == kHatKey ? 1.25 : 1.35;
    const double scale = QFontInfo(browser_->font()).pixelSize() * larger / 20.0;
    const double ratio = browser_->devicePixelRatioF();
    const QSizeF size = QSizeF(renderer.defaultSize()) * scale;
    QImage image((size * ratio).toSize(), QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    renderer.render(&painter);
    painter.end();
    image.setDevicePixelRatio(ratio);
    return image;
}

}  // namespace bnflow::ui
