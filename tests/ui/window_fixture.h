// The window every UI suite drives: fresh display settings, a document on the built-in example,
// and the main window over them, shown and exposed. A suite derives from it beside QObject and
// calls openWindow() from init() and closeWindow() from cleanup().
#pragma once

#include <document/display_settings.h>
#include <document/session_document.h>
#include <window/main_window.h>

namespace bnflow::test {

class WindowFixture {
protected:
    // Returns false (after a failed QVERIFY) when the window was not exposed.
    bool openWindow(const QString& view = {});
    void closeWindow();  // no unsaved-changes question: the document is marked clean first

    ui::DisplaySettings* display_ = nullptr;
    ui::SessionDocument* document_ = nullptr;
    ui::MainWindow* window_ = nullptr;
};

}  // namespace bnflow::test
