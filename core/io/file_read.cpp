#include <core/io/file_read.h>

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

std::string fileKind(mode_t mode, std::string_view expected)
{
    const std::string regular = "; expected a regular " + std::string(expected);
    if (S_ISDIR(mode)) return "is a directory; expected a " + std::string(expected);
    if (S_ISFIFO(mode)) return "is a FIFO (named pipe)" + regular;
    if (S_ISCHR(mode)) return "is a character device" + regular;
    if (S_ISBLK(mode)) return "is a block device" + regular;
    if (S_ISSOCK(mode)) return "is a socket" + regular;
    return "is not a regular file" + regular;
}

struct FileCloser {
    int fd;
    ~FileCloser() { ::close(fd); }
};

}  // namespace

std::optional<std::string> readRegularFile(const std::string& path, std::size_t maxBytes,
                                           std::string& text, std::string_view expected)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        const int error = errno;
        struct stat info {};
        if (::stat(path.c_str(), &info) == 0 && !S_ISREG(info.st_mode))
            return fileKind(info.st_mode, expected);  // a socket: open() says ENXIO
        return openError(error);
    }
    const FileCloser closer{fd};
    struct stat info {};
    if (::fstat(fd, &info) != 0)
        return std::string("cannot be read: ") + std::strerror(errno);
    if (!S_ISREG(info.st_mode))
        return fileKind(info.st_mode, expected);
    const std::string tooLarge =
        "is larger than " + std::to_string(maxBytes >> 20) + " MiB; too large for a " +
        std::string(expected);
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
