// Reading a whole input file without ever blocking or reading without end.
#pragma once

#include <optional>
#include <string>

namespace bnflow {

// Appends the bytes of the regular file at `path` (at most maxBytes) to `bytes`; returns what is
// wrong instead, in words for the user ("no such file", "is a FIFO (named pipe); ...",
// "cannot be opened: too many levels of symbolic links ..."). Anything but a regular file is
// refused before a single read: opened with O_NONBLOCK, a FIFO with no writer cannot block
// the open, and a device that never ends is never read.
std::optional<std::string> readRegularFile(const std::string& path, std::size_t maxBytes,
                                           std::string& bytes);

}  // namespace bnflow
