#include <walkthrough/whole_numbers.h>

#include <QRegularExpression>

namespace bnflow::ui {

QString withWholeNumbers(const QString& text)
{
    // A sign (the typographic minus or a hyphen), digits and points, an exponent.
    static const QRegularExpression number(QStringLiteral("[−-]?\\d[\\d.]*(?:e[−+-]?\\d+)?"));
    static const QChar joiner(0x2060);
    QString out;
    out.reserve(text.size() * 2);
    qsizetype done = 0;
    for (auto it = number.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        out += text.mid(done, match.capturedStart() - done);
        const QString digits = match.captured();
        for (qsizetype k = 0; k < digits.size(); ++k) {
            if (k > 0)
                out += joiner;
            out += digits[k];
        }
        done = match.capturedEnd();
    }
    out += text.mid(done);
    return out;
}

}  // namespace bnflow::ui
