// The session file (*.bnflow.json), as fixed by ../../shared/ARCHITECTURE.md.
#pragma once

#include "session.h"

#include <optional>
#include <string>
#include <string_view>

namespace bnflow {

struct SessionLoad {
    std::optional<Session> session;  // set exactly when problems is empty
    Problems problems;               // each names the field, or the line and column
    bool ok() const { return session.has_value(); }
};

// Parses session JSON text. Never throws on bad input: every problem is reported.
SessionLoad parseSession(std::string_view text);

// Reads and parses a file; a missing file, a directory or an unreadable file is a problem too.
SessionLoad loadSessionFile(const std::string& path);

// The session as JSON text, one matrix row a line; unknown keys read earlier are written back.
std::string writeSession(const Session& session);

inline constexpr std::string_view kSessionFormat = "bnflow-session";
inline constexpr int kSessionVersion = 1;
inline constexpr std::size_t kMaxSessionBytes = 64u << 20;
inline constexpr int kMaxJsonDepth = 64;

}  // namespace bnflow
