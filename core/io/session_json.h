// The session file (*.bnflow.json), as fixed by doc/contracts.md, "Session file".
#pragma once

#include <core/model/session.h>

#include <optional>
#include <string>
#include <string_view>

namespace bnflow {


// Parses session JSON text. Never throws on bad input: every problem is reported.
SessionLoad parseSession(std::string_view text);

// Reads and parses a file; a missing file, a directory or an unreadable file is a problem too.
// Anything but a regular file (a FIFO, a device, a socket) is refused without blocking.
SessionLoad loadSessionFile(const std::string& path);

// The session as JSON text, one matrix row a line; unknown keys read earlier are written back.
std::string writeSession(const Session& session);

inline constexpr std::string_view kSessionFormat = "bnflow-session";
inline constexpr int kSessionVersion = 1;
inline constexpr std::size_t kMaxSessionBytes = 64u << 20;
inline constexpr int kMaxJsonDepth = 64;
// The 64 MiB cap alone does not bound memory: "[1],\n" is 5 bytes a number, and grad keeps a
// dozen N x D matrices and prints five. At most 2^22 entries in x (32 MiB a matrix), and no more
// numbers in the file than x, dout, gamma and beta of that size could hold.
inline constexpr std::size_t kMaxSessionElements = std::size_t(1) << 22;
inline constexpr std::size_t kMaxSessionNumbers = 4 * kMaxSessionElements;

}  // namespace bnflow
