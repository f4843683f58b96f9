#include "window_fixture.h"

#include <QUndoStack>
#include <QtTest>

namespace bnflow::test {

bool WindowFixture::openWindow(const QString& view)
{
    display_ = new ui::DisplaySettings;
    document_ = new ui::SessionDocument;
    window_ = new ui::MainWindow(document_, display_);
    if (!view.isEmpty())
        window_->showView(view);
    window_->show();
    const bool exposed = QTest::qWaitForWindowExposed(window_);
    [&] { QVERIFY2(exposed, "the main window was never exposed"); }();
    return exposed;
}

void WindowFixture::closeWindow()
{
    document_->undoStack()->setClean();
    delete window_;
    delete document_;
    delete display_;
    window_ = nullptr;
    document_ = nullptr;
    display_ = nullptr;
}

}  // namespace bnflow::test
