#include <window/help_sheet.h>

#include <document/display_settings.h>

#include <QAction>
#include <QApplication>
#include <QRegularExpression>
#include <QDialogButtonBox>
#include <QMenu>
#include <QShortcut>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <cmath>

namespace bnflow::ui {
namespace {

QString keysText(const QList<QKeySequence>& keys)
{
    QStringList parts;
    for (const QKeySequence& key : keys)
        if (!key.isEmpty())
            parts << key.toString(QKeySequence::NativeText);
    return parts.join(QStringLiteral(", "));
}

QString swatch(const QColor& colour, const QString& text, const QColor& ink)
{
    return QStringLiteral("<td style='background:%1; color:%2; padding:4px 10px'>%3</td>")
        .arg(colour.name(), ink.name(), text);
}

}  // namespace

HelpSheet::HelpSheet(QWidget* window, const DisplaySettings* display, QWidget* parent)
    : QDialog(parent), window_(window), display_(display), browser_(new QTextBrowser(this))
{
    setWindowTitle(tr("Keyboard shortcuts and colours"));
    browser_->setOpenLinks(false);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(browser_);
    layout->addWidget(buttons);
    resize(fontMetrics().averageCharWidth() * 80, fontMetrics().lineSpacing() * 36);
    refresh();
}

QStringList HelpSheet::shortcutLines(QWidget* window)
{
    QStringList lines;
    for (QAction* action : window->findChildren<QAction*>()) {
        const QString keys = keysText(action->shortcuts());
        if (keys.isEmpty())
            continue;
        QString what = action->text();
        what.remove(QRegularExpression(QStringLiteral("&(?!&)")));
        what.remove(QStringLiteral("..."));
        if (what.isEmpty())
            what = action->toolTip();
        lines << what + QLatin1Char('\t') + keys;
    }
    for (QShortcut* shortcut : window->findChildren<QShortcut*>())
        if (!shortcut->whatsThis().isEmpty())
            lines << shortcut->whatsThis() + QLatin1Char('\t') + keysText(shortcut->keys());
    lines.removeDuplicates();
    return lines;
}

void HelpSheet::refresh()
{
    const QPalette pal = QApplication::palette();
    QString html = tr("<h2>Keyboard shortcuts</h2><table cellspacing='0' cellpadding='3'>");
    for (const QString& line : shortcutLines(window_)) {
        const QStringList parts = line.split(QLatin1Char('\t'));
        html += QStringLiteral("<tr><td>%1</td><td><b>%2</b></td></tr>")
                    .arg(parts.value(0).toHtmlEscaped(), parts.value(1).toHtmlEscaped());
    }
    html += QStringLiteral("</table>");

    html += tr("<h2>Colours of the results tables</h2>"
               "<p>Each cell is tinted by its value: red for positive, blue for negative (a scale "
               "safe for colour-blind readers), the stronger the larger the value's magnitude "
               "compared with the other values it is shown with. White (the background) is zero or "
               "close to it. Hover a cell for its value at full precision.</p><table><tr>");
    for (double t : {-1.0, -0.5, 0.0, 0.5, 1.0}) {
        const QColor c = display_->divergingColour(t);
        const QString what = t < 0 ? tr("negative") : t > 0 ? tr("positive") : tr("zero");
        html += swatch(c, t == 0 ? what : (std::abs(t) == 1 ? tr("large %1").arg(what) : tr("small %1").arg(what)),
                       display_->textOn(c));
    }
    html += QStringLiteral("</tr></table>");

    const QColor accent = pal.color(QPalette::Highlight);
    html += tr("<h2>Colours of the graph</h2><ul>"
               "<li><b style='color:%1'>Thick lines and boxes in the accent colour</b>: the nodes "
               "and edges of the current step. In the forward pass the arrows point from input to "
               "output; at a backward step the lit arrows point the other way, from output back "
               "to input, along the edges the gradient travels in that step.</li>"
               "<li><b style='color:%1'>Accent-coloured text</b>: a gradient the backward pass has "
               "computed by this step; <i>italic grey</i>: one it has not reached yet.</li>"
               "<li>On the edges out of x and x − μ (they feed two nodes each), the boxed numbers "
               "are each branch's share of that node's gradient; the shares add up to it.</li>"
               "<li>Thin lines in the text colour: edges not used by the current step.</li></ul>")
                .arg(accent.name());
    html += tr("<p>Help &gt; The derivation explains every step; View &gt; Animate the gradient turns "
               "the graph's animation off.</p>");
    browser_->setHtml(html);
}

}  // namespace bnflow::ui
