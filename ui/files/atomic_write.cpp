// POSIX calls rather than QSaveFile: QSaveFile would rename a temporary file over a device node
// (bench --csv /dev/null as root replaced the system's node), and its messages lose errno for
// some failures. Here every failure keeps the operating system's reason.
#include <files/atomic_write.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bnflow::files {
namespace {

constexpr int kMaxLinkDepth = 40;     // as the kernel's own limit on symlink chains
constexpr int kMaxTempNameBase = 200;  // leaves room for ".NAME.XXXXXX" under NAME_MAX

QString reason(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

// A failed step: the errno to report (0 when message already says it all).
struct Failure {
    int error = 0;
    QString message;
};

// Follows a chain of symlinks to the path that will really be written; a dangling link resolves
// to the missing file it names, which is then created.
bool resolveLinks(const QString& path, QString* target, Failure* failure)
{
    QString current = path;
    for (int depth = 0; depth < kMaxLinkDepth; ++depth) {
        struct stat info {};
        const QByteArray name = QFile::encodeName(current);
        if (::lstat(name.constData(), &info) != 0) {
            if (errno == ENOENT) {
                *target = current;
                return true;
            }
            failure->error = errno;
            return false;
        }
        if (!S_ISLNK(info.st_mode)) {
            *target = current;
            return true;
        }
        char buffer[4096];
        const ssize_t length = ::readlink(name.constData(), buffer, sizeof buffer - 1);
        if (length < 0) {
            failure->error = errno;
            return false;
        }
        const QString link = QFile::decodeName(QByteArray(buffer, length));
        current = QDir(QFileInfo(current).absolutePath()).filePath(link);
    }
    failure->error = ELOOP;
    return false;
}

bool writeAll(int fd, const QByteArray& bytes, Failure* failure)
{
    const char* data = bytes.constData();
    qsizetype left = bytes.size();
    while (left > 0) {
        const ssize_t written = ::write(fd, data, size_t(left));
        if (written < 0) {
            if (errno == EINTR)
                continue;
            failure->error = errno;
            return false;
        }
        data += written;
        left -= written;
    }
    return true;
}

// Device nodes, FIFOs and sockets: written in place, never replaced. A FIFO nobody reads is an
// error at once (O_NONBLOCK) instead of a hang.
bool writeDirectly(const QString& target, const QByteArray& bytes, Failure* failure)
{
    const QByteArray name = QFile::encodeName(target);
    const int fd = ::open(name.constData(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENXIO)
            failure->message = QStringLiteral("a FIFO that no process is reading");
        failure->error = errno;
        return false;
    }
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0)
        ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    const bool written = writeAll(fd, bytes, failure);
    if (::close(fd) != 0 && written) {
        failure->error = errno;
        return false;
    }
    return written;
}

mode_t newFileMode()
{
    const mode_t mask = ::umask(0);
    ::umask(mask);
    return 0666 & ~mask;
}

// The same folder as the target, so that the rename is atomic (one filesystem).
bool writeReplacing(const QString& target, const struct stat* existing, const QByteArray& bytes,
                    Failure* failure)
{
    const QFileInfo info(target);
    const QString base = info.fileName().left(kMaxTempNameBase);
    QByteArray temporary =
        QFile::encodeName(QDir(info.absolutePath()).filePath(QLatin1Char('.') + base + QStringLiteral(".XXXXXX")));
    const int fd = ::mkostemp(temporary.data(), O_CLOEXEC);
    if (fd < 0) {
        failure->error = errno;
        return false;
    }
    const auto fail = [&](int error) {
        failure->error = error;
        ::close(fd);
        ::unlink(temporary.constData());
        return false;
    };
    if (::fchmod(fd, existing ? existing->st_mode & 07777 : newFileMode()) != 0)
        return fail(errno);
    // The owner too, when allowed (root writing a user's file); a user cannot give files away,
    // and that is no reason to refuse the write.
    if (existing && ::fchown(fd, existing->st_uid, existing->st_gid) != 0) {
    }
    if (!writeAll(fd, bytes, failure))
        return fail(failure->error);
    if (::fsync(fd) != 0)
        return fail(errno);
    struct stat written {};
    if (::fstat(fd, &written) != 0)
        return fail(errno);
    if (written.st_size != bytes.size())  // a short file is never committed
        return fail(EIO);
    if (::close(fd) != 0) {
        failure->error = errno;
        ::unlink(temporary.constData());
        return false;
    }
    if (::rename(temporary.constData(), QFile::encodeName(target).constData()) != 0) {
        failure->error = errno;
        ::unlink(temporary.constData());
        return false;
    }
    // The rename itself is durable once the folder is synced; failing that is not an error of
    // the content, which is complete.
    const int folder = ::open(QFile::encodeName(info.absolutePath()).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (folder >= 0) {
        ::fsync(folder);
        ::close(folder);
    }
    return true;
}

}  // namespace

QString writeError(const QString& path, const QString& why)
{
    return QStringLiteral("%1: cannot be written (%2)").arg(path, why);
}

bool writeFileAtomically(const QString& path, const QByteArray& bytes, QString* error)
{
    Failure failure;
    QString target;
    bool ok = resolveLinks(path, &target, &failure);
    if (ok) {
        struct stat info {};
        if (::stat(QFile::encodeName(target).constData(), &info) != 0) {
            if (errno == ENOENT) {
                ok = writeReplacing(target, nullptr, bytes, &failure);
            } else {
                failure.error = errno;
                ok = false;
            }
        } else if (S_ISDIR(info.st_mode)) {
            failure.error = EISDIR;
            ok = false;
        } else if (S_ISREG(info.st_mode)) {
            ok = writeReplacing(target, &info, bytes, &failure);
        } else {
            ok = writeDirectly(target, bytes, &failure);
        }
    }
    if (!ok && error)
        *error = writeError(path, failure.message.isEmpty() ? reason(failure.error) : failure.message);
    return ok;
}

QString checkWritable(const QString& path)
{
    Failure failure;
    QString target;
    if (!resolveLinks(path, &target, &failure))
        return writeError(path, reason(failure.error));
    const QFileInfo info(target);
    if (info.isDir())
        return writeError(path, reason(EISDIR));
    if (!QFileInfo(info.absolutePath()).isDir())
        return writeError(path, QStringLiteral("no such folder %1").arg(info.absolutePath()));
    return {};
}

}  // namespace bnflow::files
