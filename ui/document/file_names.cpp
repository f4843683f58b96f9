#include <document/file_names.h>

#include <document/session_document.h>

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

namespace bnflow::ui {
namespace {

// Lower-case letters and digits, runs of anything else one '-': safe on every file system.
QString slug(const QString& text)
{
    static const QRegularExpression other(QStringLiteral("[^a-z0-9]+"));
    QString s = text.toLower();
    s.replace(other, QStringLiteral("-"));
    while (s.startsWith(QLatin1Char('-')))
        s.remove(0, 1);
    while (s.endsWith(QLatin1Char('-')))
        s.chop(1);
    return s.left(60);
}

}  // namespace

QString suggestedFileName(const SessionDocument& document, const QString& what, const QString& suffix)
{
    QString base;
    QString folder;
    if (!document.filePath().isEmpty()) {
        const QFileInfo file(document.filePath());
        base = file.fileName();
        for (const QString& ending : {QStringLiteral(".bnflow.json"), QStringLiteral(".json"), QStringLiteral(".npz")})
            if (base.endsWith(ending, Qt::CaseInsensitive)) {
                base.chop(ending.size());
                break;
            }
        folder = file.absolutePath();
    } else {
        base = slug(QString::fromStdString(document.session().title));
        folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
        if (folder.isEmpty() || !QDir(folder).exists())
            folder = QDir::homePath();
    }
    if (base.isEmpty())
        base = QStringLiteral("bnflow");
    const QString name = what.isEmpty() ? base : base + QLatin1Char('-') + slug(what);
    return QDir(folder).filePath(name + QLatin1Char('.') + suffix);
}

}  // namespace bnflow::ui
