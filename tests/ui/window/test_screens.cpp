// The window on the screens people use: a 1366x768 laptop, a 1280x720 projector, a 1920x1080
// screen at QT_SCALE_FACTOR=2 (960x540 logical pixels). The offscreen platform has no window
// manager, so the screen's available area is handed to MainWindow::fitInto() directly; the
// same sizes are checked by eye with tools/screen.sh (a real window manager) for the README.
#include "window_fixture.h"

#include <walkthrough/lecture_mode.h>
#include <walkthrough/walkthrough_panel.h>
#include <walkthrough/walkthrough_state.h>

#include <QDockWidget>
#include <QLabel>
#include <QtTest>

using namespace bnflow;

namespace {

QString describe(const QSize& s)
{
    return QStringLiteral("%1x%2").arg(s.width()).arg(s.height());
}

}  // namespace

class TestScreens : public QObject, public test::WindowFixture {
    Q_OBJECT
private slots:
    void init() { openWindow(); }
    void cleanup() { closeWindow(); }
    void shrinksToASmallLaptop();
    void fitsALaptopWithThreeColumns();
    void stacksTheParametersAtTwiceTheScale();
    void aLayoutFromALargerScreenIsBroughtBack();
    void lectureModeFitsAProjectorAndAHiDpiScreen();
    void aLongTitleNeverWidensTheWindow();

private:
    QDockWidget* dock(const char* name) const { return window_->findChild<QDockWidget*>(QString::fromLatin1(name)); }
};

// The floor: about 1100 x 650 logical pixels with all three columns.
void TestScreens::shrinksToASmallLaptop()
{
    const QSize minimum = window_->minimumSizeHint();
    QVERIFY2(minimum.width() <= 1100 && minimum.height() <= 650, qPrintable(describe(minimum)));
}

void TestScreens::fitsALaptopWithThreeColumns()
{
    const QRect laptop(0, 0, 1366, 768);
    window_->fitInto(laptop);
    QVERIFY2(laptop.contains(window_->frameGeometry()), qPrintable(describe(window_->frameGeometry().size())));
    QCOMPARE(window_->dockWidgetArea(dock("parameterDock")), Qt::RightDockWidgetArea);
    QVERIFY(window_->tabifiedDockWidgets(dock("doutDock")).isEmpty());
}

void TestScreens::stacksTheParametersAtTwiceTheScale()
{
    const QRect halfOf1080p(0, 0, 960, 540);
    window_->fitInto(halfOf1080p);
    QVERIFY2(halfOf1080p.contains(window_->frameGeometry()), qPrintable(describe(window_->frameGeometry().size())));
    QCOMPARE(window_->dockWidgetArea(dock("parameterDock")), Qt::LeftDockWidgetArea);
    QVERIFY(window_->tabifiedDockWidgets(dock("doutDock")).contains(dock("parameterDock")));
    const QSize minimum = window_->minimumSizeHint();
    QVERIFY2(minimum.width() <= 960 - 16 && minimum.height() <= 540 - 40, qPrintable(describe(minimum)));
    // Tabs are labelled with the docks' titles: short enough to read beside each other.
    for (QDockWidget* d : window_->findChildren<QDockWidget*>())
        QVERIFY2(d->windowTitle().size() <= 10, qPrintable(d->windowTitle()));
}

void TestScreens::aLayoutFromALargerScreenIsBroughtBack()
{
    window_->setGeometry(900, 500, 2400, 1400);  // as restoreGeometry() would from a 4K screen
    const QRect laptop(0, 0, 1366, 768);
    window_->fitInto(laptop);
    QVERIFY2(laptop.contains(window_->frameGeometry()),
             qPrintable(QStringLiteral("%1 at %2,%3").arg(describe(window_->frameGeometry().size()))
                            .arg(window_->x()).arg(window_->y())));
}

// F5 makes the window full screen: the walkthrough must fit the screen at the lecture's font
// size, and after Ctrl++ twice, or the window manager cannot make it full screen (it keeps the
// frame and cuts the graph off at the bottom).
void TestScreens::lectureModeFitsAProjectorAndAHiDpiScreen()
{
    window_->showView(QStringLiteral("walkthrough"));
    window_->walkthroughState()->setStep(11);
    window_->lectureMode()->setActive(true);
    for (int larger = 0; larger <= 2; ++larger) {
        const QSize minimum = window_->minimumSizeHint();
        QVERIFY2(minimum.width() <= 960 && minimum.height() <= 540,
                 qPrintable(QStringLiteral("%1 after %2 x Ctrl++").arg(describe(minimum)).arg(larger)));
        window_->lectureMode()->larger();
    }
    window_->lectureMode()->setActive(false);
}

void TestScreens::aLongTitleNeverWidensTheWindow()
{
    const QSize before = window_->minimumSizeHint();
    Session session = document_->session();
    session.title = std::string(400, 'T');
    session.notes = std::string(2000, 'n');
    document_->reset(session);
    window_->showView(QStringLiteral("results"));
    QCOMPARE(window_->minimumSizeHint().width(), before.width());
}

QTEST_MAIN(TestScreens)
#include "test_screens.moc"
