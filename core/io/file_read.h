// Reading a whole input file without ever blocking or reading without end.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace bnflow {

// Appends the bytes of the regular file at `path` (at most maxBytes) to `bytes`; returns what is
// wrong instead, in words for the user ("no such file", "is a FIFO (named pipe); expected a
// regular session file", "cannot be opened: too many levels of symbolic links ..."), where
// `expected` names the kind of file the caller wants ("session file", "file"). Anything but a
// regular file is refused before a single read: opened with O_NONBLOCK, a FIFO with no writer
// cannot block the open, and a device that never ends is never read. Every reader of a file the
// user names goes through here (sessions, student files, .npz archives).
std::optional<std::string> readRegularFile(const std::string& path, std::size_t maxBytes,
                                           std::string& bytes,
                                           std::string_view expected = "session file");

}  // namespace bnflow
