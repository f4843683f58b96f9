#include "file_read.h"

#include <cerrno>
#include <cstdint>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace bnflow {
namespace {

// Why open() or read() failed, in words that say what to fix.
std::string openError(int error)
{
    switch (error) {
    case ENOENT: return "no such file";
    case ENOTDIR: return "no such file (a part of the path is not a folder)";
    case ELOOP: return "cannot be opened: too many levels of symbolic links (a symlink loop?)";
    case EACCES: return "cannot be opened: permission denied (the file or a folder on its path)";
    case ENAMETOOLONG: return "cannot be opened: the file name is too long";
    default: return std::string("cannot be opened: ") + std::strerror(error);
    }
}

const char* fileKind(mode_t mode)
{
    if (S_ISDIR(mode)) return "is a directory; expected a session file";
    if (S_ISFIFO(mode)) return "is a FIFO (named pipe); expected a regular session file";
    if (S_ISCHR(mode)) return "is a character device; expected a regular session file";
    if (S_ISBLK(mode)) return "is a block device; expected a regular session file";
    if (S_ISSOCK(mode)) return "is a socket; expected a regular session file";
    return "is not a regular file; expected a session file";
}

struct FileCloser {
    int fd;
    ~FileCloser() { ::close(fd); }
};

}  // namespace

std::optional<std::string> readRegularFile(const std::string& path, std::size_t maxBytes,
                                           std::string& text)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        const int error = errno;
        struct stat info {};
        if (::stat(path.c_str(), &info) == 0 && !S_ISREG(info.st_mode))
            return std::string(fileKind(info.st_mode));  // a socket: open() says ENXIO
        return openError(error);
    }
    const FileCloser closer{fd};
    struct stat info {};
    if (::fstat(fd, &info) != 0)
        return std::string("cannot be read: ") + std::strerror(errno);
    if (!S_ISREG(info.st_mode))
        return std::string(fileKind(info.st_mode));
    const std::string tooLarge =
        "is larger than " + std::to_string(maxBytes >> 20) + " MiB; not a session file";
    if (static_cast<std::uintmax_t>(info.st_size) > maxBytes)
        return tooLarge;
    text.reserve(static_cast<std::size_t>(info.st_size));
    char buffer[1 << 16];
    for (;;) {
        const ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got == 0)
            return std::nullopt;
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return std::string("cannot be read: ") + std::strerror(errno);
        }
        text.append(buffer, static_cast<std::size_t>(got));
        if (text.size() > maxBytes)  // grew while being read
            return tooLarge;
    }
}

}  // namespace bnflow
