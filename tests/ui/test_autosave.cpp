// Autosave and crash recovery, down to a real process killed with SIGKILL mid-session.
#include <document/autosave.h>
#include <document/display_settings.h>
#include <document/session_document.h>
#include <editors/editor_panels.h>
#include <tables/matrix_view.h>
#include <window/main_window.h>

#include <session_json.h>

#include <QProcess>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>

#include <fstream>

using namespace bnflow;
using namespace bnflow::ui;

class TestAutosave : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void writesOnlyUnsavedWork();
    void survivesKillMinus9();
    void unreadableCopyIsReportedNotLoaded();
};

void TestAutosave::writesOnlyUnsavedWork()
{
    QTemporaryDir dir;
    SessionDocument document;
    Autosave autosave(&document, dir.path(), 20);
    const QString copy = Autosave::sessionPath(dir.path());
    QTest::qWait(100);
    QVERIFY(!QFile::exists(copy));  // nothing unsaved, nothing written

    document.setCell(Which::X, 1, 1, 42.5);
    QTRY_VERIFY(QFile::exists(copy));
    QString error;
    auto recovery = Autosave::pending(dir.path(), &error);
    QVERIFY(recovery);
    QCOMPARE(recovery->session.x, document.session().x);

    document.undoStack()->undo();  // back to the state on disk: the copy goes
    QTRY_VERIFY(!QFile::exists(copy));
    document.setBeta(0, 2.0);
    QTRY_VERIFY(QFile::exists(copy));
    QVERIFY(document.save(dir.filePath("saved.bnflow.json"), &error));
    QVERIFY(!QFile::exists(copy));
    document.setBeta(0, 3.0);
    QTRY_VERIFY(QFile::exists(copy));
    QCOMPARE(Autosave::pending(dir.path(), &error)->originalPath, dir.filePath("saved.bnflow.json"));
    autosave.finish();  // a clean exit
    QVERIFY(!QFile::exists(copy));
}

// The child: a real window, an edit typed into the batch editor, then it waits to be killed.
static int runChild(const QString& directory)
{
    DisplaySettings display;
    SessionDocument document;
    MainWindow window(&document, &display);
    Autosave autosave(&document, directory, 50);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window))
        return 2;
    MatrixView* x = window.batchPanel()->view();
    x->setFocus();
    x->setCurrentIndex(x->model()->index(3, 2));
    QTest::keyClick(x, Qt::Key_F2);
    QTest::keyClicks(QApplication::focusWidget(), "77.25");
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
    for (int waited = 0; !QFile::exists(Autosave::sessionPath(directory)); waited += 20) {
        if (waited > 10000 || (document.session().x(3, 2) != 77.25 && waited > 2000))
            return 1;  // the edit or the autosave never happened: the parent sees no "ready"
        QTest::qWait(20);
    }
    std::printf("ready\n");
    std::fflush(stdout);
    for (;;)
        QTest::qWait(1000);  // killed here, with unsaved work
}

void TestAutosave::survivesKillMinus9()
{
    QTemporaryDir dir;
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    child.start(QCoreApplication::applicationFilePath(), {"--child", dir.path()});
    QVERIFY(child.waitForStarted());
    QByteArray said;  // accumulated: QTRY_ evaluates its condition once more at the end
    QTRY_VERIFY_WITH_TIMEOUT((said += child.readAllStandardOutput()).contains("ready") ||
                                 child.state() == QProcess::NotRunning, 30000);
    QCOMPARE(child.state(), QProcess::Running);
    child.kill();  // SIGKILL: no destructor, no clean-up runs
    QVERIFY(child.waitForFinished());
    QCOMPARE(child.exitStatus(), QProcess::CrashExit);

    QString error;
    const auto recovery = Autosave::pending(dir.path(), &error);
    QVERIFY2(recovery, qPrintable(error));
    QCOMPARE(recovery->session.x(3, 2), 77.25);
    SessionDocument restored;
    restored.restoreUnsaved(recovery->session, recovery->originalPath);
    QVERIFY(restored.isModified());  // restored work is unsaved work
    QCOMPARE(restored.session().x(3, 2), 77.25);
}

void TestAutosave::unreadableCopyIsReportedNotLoaded()
{
    QTemporaryDir dir;
    std::ofstream(Autosave::sessionPath(dir.path()).toStdString()) << "{\"format\": \"bnflow-session\", \"ver";
    QString error;
    QVERIFY(!Autosave::pending(dir.path(), &error));
    QVERIFY2(error.contains("autosave.bnflow.json") && error.contains("line 1"), qPrintable(error));
    QVERIFY(QFile::exists(Autosave::sessionPath(dir.path())));  // left for the user to rescue
}

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    if (argc == 3 && QByteArray(argv[1]) == "--child")
        return runChild(QString::fromLocal8Bit(argv[2]));
    TestAutosave test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_autosave.moc"
