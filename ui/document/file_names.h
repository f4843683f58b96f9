// The file name an export dialog offers: named after the session (its file, else its title) and
// what is exported, so that a folder of exports says what each one is.
#pragma once

#include <QString>

namespace bnflow::ui {

class SessionDocument;

// "<session>-<what>.<suffix>" in the session file's folder, or the Documents folder for a session
// without a file. <session> is the file's name without ".bnflow.json", else the title as
// lower-case words joined by '-', else "bnflow". Example: "built-in-example-4-samples-3-features-params.png".
QString suggestedFileName(const SessionDocument& document, const QString& what, const QString& suffix);

}  // namespace bnflow::ui
