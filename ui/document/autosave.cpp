#include <document/autosave.h>

#include <document/session_document.h>
#include <files/atomic_write.h>

#include <core/io/session_json.h>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QStandardPaths>
#include <QTimer>

namespace bnflow::ui {
namespace {

const QString kSuffix = QStringLiteral(".bnflow.json");

QString stemOf(const QString& sessionPath)
{
    return sessionPath.left(sessionPath.size() - kSuffix.size());
}

QString originPath(const QString& stem)
{
    return stem + QStringLiteral(".origin");
}

// A lock that is never stale by age: only a dead (or no longer bnflow) process frees it.
std::unique_ptr<QLockFile> makeLock(const QString& stem)
{
    auto lock = std::make_unique<QLockFile>(stem + QStringLiteral(".lock"));
    lock->setStaleLockTime(0);
    return lock;
}

// True when no running instance owns the copy at `stem`: its lock could be taken (a lock
// left by a dead process is removed on the way). The lock is released again at once.
bool ownerIsGone(const QString& stem)
{
    const auto lock = makeLock(stem);
    return lock->tryLock(0);
}


}  // namespace

Autosave::Autosave(SessionDocument* document, const QString& directory, int intervalMs)
    : QObject(document), document_(document), directory_(directory), timer_(new QTimer(this))
{
    stem_ = QDir(directory).filePath(QStringLiteral("autosave-%1-%2")
                                         .arg(QCoreApplication::applicationPid())
                                         .arg(QDateTime::currentMSecsSinceEpoch()));
    lock_ = makeLock(stem_);
    ensureLocked();
    dirty_ = document_->isModified();  // e.g. restored from a crash just before
    connect(document_, &SessionDocument::resultsChanged, this, [this] { dirty_ = true; });
    connect(document_, &SessionDocument::modifiedChanged, this, [this](bool modified) {
        if (!modified)  // saved, or undone back to the file: nothing to recover
            removeCopy();
    });
    connect(timer_, &QTimer::timeout, this, &Autosave::writeNow);
    timer_->start(intervalMs);
}

Autosave::~Autosave() = default;

QString Autosave::defaultDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
}

QString Autosave::sessionPath() const
{
    return stem_ + kSuffix;
}

bool Autosave::ensureLocked()
{
    return lock_->isLocked() || (QDir().mkpath(directory_) && lock_->tryLock(0));
}

void Autosave::writeNow()
{
    if (!document_->isModified() || !dirty_)
        return;
    // Without our lock, another instance would take the copy for a crashed one's.
    if (!ensureLocked())
        return;  // nowhere to write: the next tick tries again
    const std::string text = writeSession(document_->session());
    if (files::writeFileAtomically(originPath(stem_), document_->filePath().toUtf8()) &&
        files::writeFileAtomically(sessionPath(), QByteArray(text.data(), qsizetype(text.size()))))
        dirty_ = false;
}

void Autosave::finish()
{
    timer_->stop();
    removeCopy();
    lock_->unlock();
}

void Autosave::removeCopy()
{
    QFile::remove(sessionPath());
    QFile::remove(originPath(stem_));
}

void Autosave::discard(const Recovery& recovery)
{
    const QString stem = stemOf(recovery.sessionPath);
    const auto lock = makeLock(stem);
    if (!lock->tryLock(0))
        return;  // its instance runs (again?): not ours to delete
    QFile::remove(recovery.sessionPath);
    QFile::remove(originPath(stem));
}

std::optional<Autosave::Recovery> Autosave::read(const QString& path, QString* error)
{
    SessionLoad load = loadSessionFile(path.toStdString());
    if (!load.ok()) {
        if (error)
            *error = path + ": " + QString::fromStdString(formatProblem(load.problems.front()));
        return std::nullopt;
    }
    QFile origin(originPath(stemOf(path)));
    QString original;
    if (origin.open(QIODevice::ReadOnly))
        original = QString::fromUtf8(origin.readAll());
    return Recovery{std::move(*load.session), original, QFileInfo(path).lastModified(), path};
}

std::optional<Autosave::Recovery> Autosave::pending(const QString& directory, QString* error)
{
    // Newest first. "autosave.bnflow.json", without a lock, is the single copy of older bnflow.
    const QFileInfoList copies = QDir(directory).entryInfoList(
        {QStringLiteral("autosave*") + kSuffix}, QDir::Files, QDir::Time);
    for (const QFileInfo& copy : copies) {
        if (!ownerIsGone(stemOf(copy.filePath())))
            continue;  // a live instance's work in progress
        QString problem;
        if (auto recovery = read(copy.filePath(), &problem))
            return recovery;
        if (error && error->isEmpty())
            *error = problem;
    }
    return std::nullopt;
}

}  // namespace bnflow::ui
