#include <document/autosave.h>

#include <document/session_document.h>
#include <files/atomic_write.h>

#include <session_json.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTimer>

namespace bnflow::ui {
namespace {

QString originPath(const QString& directory)
{
    return QDir(directory).filePath(QStringLiteral("autosave.origin"));
}


}  // namespace

Autosave::Autosave(SessionDocument* document, const QString& directory, int intervalMs)
    : QObject(document), document_(document), directory_(directory), timer_(new QTimer(this))
{
    connect(document_, &SessionDocument::resultsChanged, this, [this] { dirty_ = true; });
    connect(document_, &SessionDocument::modifiedChanged, this, [this](bool modified) {
        if (!modified)  // saved, or undone back to the file: nothing to recover
            discard(directory_);
    });
    connect(timer_, &QTimer::timeout, this, &Autosave::writeNow);
    timer_->start(intervalMs);
}

Autosave::~Autosave() = default;

QString Autosave::defaultDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
}

QString Autosave::sessionPath(const QString& directory)
{
    return QDir(directory).filePath(QStringLiteral("autosave.bnflow.json"));
}

void Autosave::writeNow()
{
    if (!document_->isModified() || !dirty_)
        return;
    if (!QDir().mkpath(directory_))
        return;  // nowhere to write: the next tick tries again
    const std::string text = writeSession(document_->session());
    if (files::writeFileAtomically(originPath(directory_), document_->filePath().toUtf8()) &&
        files::writeFileAtomically(sessionPath(directory_), QByteArray(text.data(), qsizetype(text.size()))))
        dirty_ = false;
}

void Autosave::finish()
{
    timer_->stop();
    discard(directory_);
}

void Autosave::discard(const QString& directory)
{
    QFile::remove(sessionPath(directory));
    QFile::remove(originPath(directory));
}

std::optional<Autosave::Recovery> Autosave::pending(const QString& directory, QString* error)
{
    const QString path = sessionPath(directory);
    if (!QFileInfo::exists(path))
        return std::nullopt;
    SessionLoad load = loadSessionFile(path.toStdString());
    if (!load.ok()) {
        if (error)
            *error = path + ": " + QString::fromStdString(formatProblem(load.problems.front()));
        return std::nullopt;
    }
    QFile origin(originPath(directory));
    QString original;
    if (origin.open(QIODevice::ReadOnly))
        original = QString::fromUtf8(origin.readAll());
    return Recovery{std::move(*load.session), original, QFileInfo(path).lastModified()};
}

}  // namespace bnflow::ui
