#include <document/jargon.h>

#include <QCoreApplication>
#include <QRegularExpression>
#include <QStringList>

namespace bnflow::ui {

QString jargonToolTip(const QString& text)
{
    struct Word {
        const char* pattern;  // a whole word, as it shows
        const char* meaning;
    };
    static const Word words[] = {
        {"\\b[Cc]ells? [1-4]",
         QT_TRANSLATE_NOOP("Jargon", "Cell 1 to 4: the staged backward pass in four groups, from the output back to "
                                     "the input: 1 the output (dy), 2 scale and shift (dbeta, dgamma, dxhat), 3 the "
                                     "variance and the mean, 4 the input (dx).")},
        {"\\b[Ss]taged\\b",
         QT_TRANSLATE_NOOP("Jargon", "Staged: the backward pass computed step by step with the chain rule, one named "
                                     "intermediate per step (the walkthrough's steps).")},
        {"\\b[Ff]used\\b",
         QT_TRANSLATE_NOOP("Jargon", "Fused: the same gradient from one closed formula of three terms, without the "
                                     "intermediates; it equals the staged one up to rounding.")},
        {"\\binvStd\\b",
         QT_TRANSLATE_NOOP("Jargon", "invStd: the inverse standard deviation 1 / √(var + ε), one per feature in batch "
                                     "norm (per sample in layer norm).")},
        {"\\bms\\b", QT_TRANSLATE_NOOP("Jargon", "ms: RMSNorm's mean square of a sample's values, (1/D) · Σ x².")},
        {"\\brrms\\b",
         QT_TRANSLATE_NOOP("Jargon", "rrms: RMSNorm's reciprocal root mean square 1 / √(ms + ε), its invStd without "
                                     "centring.")},
    };
    QStringList lines;
    for (const Word& w : words)
        if (text.contains(QRegularExpression(QLatin1String(w.pattern))))
            lines << QCoreApplication::translate("Jargon", w.meaning);
    return lines.join(QLatin1Char('\n'));
}

}  // namespace bnflow::ui
