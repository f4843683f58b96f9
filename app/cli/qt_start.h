// Qt for the two commands that draw (export, handout), started only after the arguments and
// the session have been checked: bad input never pays for, or prints from, Qt start-up.
#pragma once

#include <memory>
#include <string>

class QApplication;

namespace bnflow::cli {

class QtStart {
public:
    // The offscreen platform when there is no display, so that drawing works on a server; Qt's
    // own start-up notes (XDG_RUNTIME_DIR, fonts) are dropped, its critical errors shown as
    // "bnflow-cli COMMAND: Qt: ...".
    explicit QtStart(const std::string& command);
    ~QtStart();
    QtStart(const QtStart&) = delete;
    QtStart& operator=(const QtStart&) = delete;

private:
    std::unique_ptr<QApplication> app_;
};

}  // namespace bnflow::cli
