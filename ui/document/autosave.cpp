#include <document/autosave.h>

#include <document/session_document.h>
#include <files/atomic_write.h>

#include <core/io/file_read.h>
#include <core/io/network_json.h>
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

QString stemOf(const QString& copyPath, const QString& suffix)
{
    return copyPath.left(copyPath.size() - suffix.size());
}

// Where a copy's original file name is kept: stem.origin for the session (as ever),
// stem.bnflow-net.origin for the network.
QString originPath(const QString& stem, const QString& suffix = kSuffix)
{
    return suffix == kSuffix ? stem + QStringLiteral(".origin") : stem + suffix.chopped(5) + QStringLiteral(".origin");
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

// The copies ending in `suffix` whose instance is gone, newest first.
QStringList orphanCopies(const QString& directory, const QString& suffix)
{
    QStringList copies;
    for (const QFileInfo& copy : QDir(directory).entryInfoList({QStringLiteral("autosave*") + suffix}, QDir::Files, QDir::Time))
        if (ownerIsGone(stemOf(copy.filePath(), suffix)))  // else a live instance's work in progress
            copies << copy.filePath();
    return copies;
}

QString readOrigin(const QString& stem, const QString& suffix)
{
    QFile origin(originPath(stem, suffix));
    return origin.open(QIODevice::ReadOnly) ? QString::fromUtf8(origin.readAll()) : QString();
}

// Removes a copy and its origin, unless its instance runs (again?): then it is not ours.
void discardCopy(const QString& copyPath, const QString& suffix)
{
    const QString stem = stemOf(copyPath, suffix);
    const auto lock = makeLock(stem);
    if (!lock->tryLock(0))
        return;
    QFile::remove(copyPath);
    QFile::remove(originPath(stem, suffix));
}


}  // namespace

const QString Autosave::kNetworkSuffix = QStringLiteral(".bnflow-net.json");

Autosave::Autosave(SessionDocument* document, const QString& directory, int intervalMs)
    : QObject(document), directory_(directory), timer_(new QTimer(this))
{
    stem_ = QDir(directory).filePath(QStringLiteral("autosave-%1-%2")
                                         .arg(QCoreApplication::applicationPid())
                                         .arg(QDateTime::currentMSecsSinceEpoch()));
    lock_ = makeLock(stem_);
    ensureLocked();
    addSource({kSuffix, [document] { return document->isModified(); }, [document] { return document->filePath(); },
               [document] { return writeSession(document->session()); }});
    connect(document, &SessionDocument::resultsChanged, this, [this] { changed(0); });
    connect(document, &SessionDocument::modifiedChanged, this, [this](bool modified) {
        if (!modified)  // saved, or undone back to the file: nothing to recover
            saved(0);
    });
    connect(timer_, &QTimer::timeout, this, &Autosave::writeNow);
    timer_->start(intervalMs);
}

int Autosave::addSource(AutosaveSource source)
{
    const bool modified = source.isModified();  // e.g. restored from a crash just before
    watched_.push_back({std::move(source), modified});
    return int(watched_.size()) - 1;
}

void Autosave::changed(int source)
{
    watched_[std::size_t(source)].dirty = true;
}

void Autosave::saved(int source)
{
    removeCopy(source);
}

QString Autosave::copyPath(int source) const
{
    return stem_ + watched_[std::size_t(source)].source.suffix;
}

Autosave::~Autosave() = default;

QString Autosave::defaultDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
}

QString Autosave::sessionPath() const
{
    return copyPath(0);
}

bool Autosave::ensureLocked()
{
    return lock_->isLocked() || (QDir().mkpath(directory_) && lock_->tryLock(0));
}

void Autosave::writeNow()
{
    for (std::size_t k = 0; k < watched_.size(); ++k) {
        Watched& w = watched_[k];
        if (!w.source.isModified() || !w.dirty)
            continue;
        // Without our lock, another instance would take the copy for a crashed one's.
        if (!ensureLocked())
            return;  // nowhere to write: the next tick tries again
        const std::string text = w.source.text();
        if (files::writeFileAtomically(originPath(stem_, w.source.suffix), w.source.filePath().toUtf8()) &&
            files::writeFileAtomically(copyPath(int(k)), QByteArray(text.data(), qsizetype(text.size()))))
            w.dirty = false;
    }
}

void Autosave::finish()
{
    timer_->stop();
    for (std::size_t k = 0; k < watched_.size(); ++k)
        removeCopy(int(k));
    lock_->unlock();
}

void Autosave::removeCopy(int source)
{
    QFile::remove(copyPath(source));
    QFile::remove(originPath(stem_, watched_[std::size_t(source)].source.suffix));
}

void Autosave::discard(const Recovery& recovery)
{
    discardCopy(recovery.sessionPath, kSuffix);
}

void Autosave::discard(const NetworkRecovery& recovery)
{
    discardCopy(recovery.copyPath, kNetworkSuffix);
}

std::optional<Autosave::Recovery> Autosave::read(const QString& path, QString* error)
{
    SessionLoad load = loadSessionFile(path.toStdString());
    if (!load.ok()) {
        if (error)
            *error = path + ": " + QString::fromStdString(formatProblem(load.problems.front()));
        return std::nullopt;
    }
    return Recovery{std::move(*load.session), readOrigin(stemOf(path, kSuffix), kSuffix), QFileInfo(path).lastModified(), path};
}

void Autosave::sweepStaleLocks(const QString& directory)
{
    // An instance killed with nothing unsaved leaves its lock alone; taking a stale lock (and
    // letting it go) removes its file. Locks beside a copy are left for pending() and discard().
    const QDir dir(directory);
    for (const QString& name : dir.entryList({QStringLiteral("autosave-*.lock")}, QDir::Files)) {
        const QString stem = dir.filePath(name.chopped(5));
        if (!QFile::exists(stem + kSuffix) && !QFile::exists(stem + kNetworkSuffix))
            ownerIsGone(stem);
    }
}

std::optional<Autosave::Recovery> Autosave::pending(const QString& directory, QString* error)
{
    // Newest first. "autosave.bnflow.json", without a lock, is the single copy of older bnflow.
    for (const QString& copy : orphanCopies(directory, kSuffix)) {
        QString problem;
        if (auto recovery = read(copy, &problem))
            return recovery;
        if (error && error->isEmpty())
            *error = problem;
    }
    return std::nullopt;
}

std::optional<Autosave::NetworkRecovery> Autosave::pendingNetwork(const QString& directory, QString* error)
{
    for (const QString& copy : orphanCopies(directory, kNetworkSuffix)) {
        std::string text;
        NetworkFileLoad load;
        if (const auto what = readRegularFile(QFile::encodeName(copy).toStdString(), kMaxNetworkFileBytes, text, "network file"))
            load.problems.push_back({"", *what});
        else
            load = parseNetworkFile(text);
        if (load.file)
            return NetworkRecovery{std::move(*load.file), readOrigin(stemOf(copy, kNetworkSuffix), kNetworkSuffix),
                                   QFileInfo(copy).lastModified(), copy};
        if (error && error->isEmpty())
            *error = copy + ": " + QString::fromStdString(formatProblem(load.problems.front()));
    }
    return std::nullopt;
}

}  // namespace bnflow::ui
