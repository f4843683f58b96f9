// One way to write a file: whole or not at all, with a message that names the path and the
// operating system's reason.
//
// - A regular file (or a new path) is written to a temporary file in the same folder, flushed,
//   fsync'ed, checked, then renamed over the target: a reader sees the old file or the new one.
// - A symlink is followed and its target written the same way (the link stays a link).
// - A device node, FIFO or socket is written directly and never replaced (bench --csv /dev/null).
// - On any error the old file is intact, the temporary file is removed and the message reads
//   "PATH: cannot be written (REASON)".
#pragma once

#include <QByteArray>
#include <QString>

namespace bnflow::files {

// true on success; on failure false and, when error is given, the one-line message.
bool writeFileAtomically(const QString& path, const QByteArray& bytes, QString* error = nullptr);

// The message format of every write failure: "PATH: cannot be written (REASON)".
QString writeError(const QString& path, const QString& reason);

// Checks, before any long work, that path could be written: its folder exists and it is not a
// folder itself. Returns an empty string when it looks writable, else the message.
QString checkWritable(const QString& path);

}  // namespace bnflow::files
