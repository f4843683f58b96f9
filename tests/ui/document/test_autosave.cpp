// Autosave and crash recovery, down to a real process killed with SIGKILL mid-session.
#include <depth/network_document.h>
#include <document/autosave.h>
#include <document/display_settings.h>
#include <document/session_document.h>
#include <editors/editor_panels.h>
#include <tables/matrix_view.h>
#include <window/main_window.h>

#include <core/io/session_json.h>

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
    void networkIsAutosavedAndRestored();
    void staleLocksAreSwept();
    void survivesKillMinus9();
    void unreadableCopyIsReportedNotLoaded();
    void secondInstanceLeavesALiveOnesCopyAlone();
};

// Starts this binary as a child that edits a real window and autosaves into `directory`;
// returns once the child says its copy is written.
static bool startEditingChild(QProcess& child, const QString& directory)
{
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    child.start(QCoreApplication::applicationFilePath(), {"--child", directory});
    if (!child.waitForStarted())
        return false;
    QByteArray said;  // accumulated: QTRY_ evaluates its condition once more at the end
    (void)QTest::qWaitFor([&] {  // the state is read again below
        return (said += child.readAllStandardOutput()).contains("ready") ||
               child.state() == QProcess::NotRunning;
    }, 30000);
    return said.contains("ready") && child.state() == QProcess::Running;
}

void TestAutosave::writesOnlyUnsavedWork()
{
    QTemporaryDir dir;
    SessionDocument document;
    Autosave autosave(&document, dir.path(), 20);
    const QString copy = autosave.sessionPath();
    QTest::qWait(100);
    QVERIFY(!QFile::exists(copy));  // nothing unsaved, nothing written

    document.setCell(Which::X, 1, 1, 42.5);
    QTRY_VERIFY(QFile::exists(copy));
    QString error;
    QVERIFY(!Autosave::pending(dir.path(), &error));  // this instance runs: its copy is not a crash's
    auto recovery = Autosave::read(copy, &error);
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
    QCOMPARE(Autosave::read(copy, &error)->originalPath, dir.filePath("saved.bnflow.json"));
    autosave.finish();  // a clean exit
    QVERIFY(!QFile::exists(copy));
}

// The Depth tab's network has its own copy beside the session's, with the same rules.
void TestAutosave::networkIsAutosavedAndRestored()
{
    QTemporaryDir dir;
    QString error;
    QString copy;
    NetworkFile edited;
    {
        SessionDocument document;
        NetworkDocument network;
        Autosave autosave(&document, dir.path(), 20);
        autosaveNetwork(autosave, &network);
        copy = autosave.copyPath(1);
        QVERIFY(copy.endsWith(QLatin1String(".bnflow-net.json")));
        QTest::qWait(100);
        QVERIFY(!QFile::exists(copy));  // nothing unsaved, nothing written
        QVERIFY(network.setGain(0.5));
        QTRY_VERIFY(QFile::exists(copy));
        QVERIFY(!QFile::exists(autosave.sessionPath()));  // the session has no unsaved work
        QVERIFY(!Autosave::pendingNetwork(dir.path(), &error));  // a live instance's copy
        QVERIFY(network.save(dir.filePath("deep.bnflow-net.json"), &error));
        QVERIFY(!QFile::exists(copy));  // saved: nothing to recover
        QVERIFY(network.setLayers(3));
        QTRY_VERIFY(QFile::exists(copy));
        edited = network.file();
    }  // gone without finish(): a crash, as far as the copies are concerned

    const auto recovery = Autosave::pendingNetwork(dir.path(), &error);
    QVERIFY2(recovery, qPrintable(error));
    QCOMPARE(recovery->copyPath, copy);
    QCOMPARE(recovery->originalPath, dir.filePath("deep.bnflow-net.json"));
    QCOMPARE(QByteArray::fromStdString(networkFileJson(recovery->file)), QByteArray::fromStdString(networkFileJson(edited)));
    QVERIFY(!Autosave::pending(dir.path(), &error));  // no session copy was left
    NetworkDocument restored;
    QVERIFY2(restored.restoreUnsaved(recovery->file, recovery->originalPath, &error), qPrintable(error));
    QVERIFY(restored.isModified());
    QCOMPARE(restored.file().layers, 3);
    QCOMPARE(restored.filePath(), dir.filePath("deep.bnflow-net.json"));
    Autosave::discard(*recovery);
    QVERIFY(!QFile::exists(copy));
    QVERIFY(!Autosave::pendingNetwork(dir.path(), &error));
}

// A lock left by a killed instance with nothing unsaved is removed at the next start; a live
// instance's lock and a lock beside a copy to recover stay.
void TestAutosave::staleLocksAreSwept()
{
    QTemporaryDir dir;
    SessionDocument document;
    Autosave live(&document, dir.path(), 20);
    document.setBeta(0, 2.0);
    QTRY_VERIFY(QFile::exists(live.sessionPath()));
    const QString liveLock = live.sessionPath().chopped(12) + QStringLiteral(".lock");
    QVERIFY(QFile::exists(liveLock));
    // A dead instance's lock: this process's own, with a process id that does not run.
    QFile mine(liveLock);
    QVERIFY(mine.open(QIODevice::ReadOnly));
    QByteArray text = mine.readAll();
    text = "2147480001" + text.mid(text.indexOf('\n'));
    const QString dead = dir.filePath(QStringLiteral("autosave-2147480001-1.lock"));
    const QString deadWithCopy = dir.filePath(QStringLiteral("autosave-2147480001-2.lock"));
    for (const QString& path : {dead, deadWithCopy}) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(text);
    }
    QVERIFY(QFile::copy(live.sessionPath(), dir.filePath(QStringLiteral("autosave-2147480001-2.bnflow.json"))));
    Autosave::sweepStaleLocks(dir.path());
    QVERIFY(!QFile::exists(dead));
    QVERIFY(QFile::exists(deadWithCopy));  // its copy is still to be offered
    QVERIFY(QFile::exists(liveLock));
    QVERIFY(QFile::exists(live.sessionPath()));
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
    for (int waited = 0; !QFile::exists(autosave.sessionPath()); waited += 20) {
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
    QVERIFY(startEditingChild(child, dir.path()));
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
    // The name older bnflow used for its single copy: still found.
    const QString copy = dir.filePath("autosave.bnflow.json");
    std::ofstream(copy.toStdString()) << "{\"format\": \"bnflow-session\", \"ver";
    QString error;
    QVERIFY(!Autosave::pending(dir.path(), &error));
    QVERIFY2(error.contains("autosave.bnflow.json") && error.contains("line 1"), qPrintable(error));
    QVERIFY(QFile::exists(copy));  // left for the user to rescue
}

// Two instances at once: the second (this process) must neither offer nor delete the copy of
// the first (a child) while it runs, and must offer it once the first is killed.
void TestAutosave::secondInstanceLeavesALiveOnesCopyAlone()
{
    QTemporaryDir dir;
    QProcess first;
    QVERIFY(startEditingChild(first, dir.path()));
    const QFileInfoList copies = QDir(dir.path()).entryInfoList({"*.bnflow.json"}, QDir::Files);
    QCOMPARE(copies.size(), 1);
    const QString firstCopy = copies.front().filePath();

    QString error;
    QVERIFY(!Autosave::pending(dir.path(), &error));  // the first one runs: nothing to offer
    QVERIFY2(error.isEmpty(), qPrintable(error));
    SessionDocument document;
    Autosave second(&document, dir.path(), 20);
    document.setCell(Which::X, 0, 0, 5.5);
    QTRY_VERIFY(QFile::exists(second.sessionPath()));
    QVERIFY(second.sessionPath() != firstCopy);
    QVERIFY(!Autosave::pending(dir.path(), &error));
    Autosave::Recovery forged{document.session(), {}, {}, firstCopy};
    Autosave::discard(forged);  // what answering No did to the running instance's copy
    QVERIFY(QFile::exists(firstCopy));

    first.kill();
    QVERIFY(first.waitForFinished());
    const auto recovery = Autosave::pending(dir.path(), &error);
    QVERIFY2(recovery, qPrintable(error));
    QCOMPARE(recovery->sessionPath, firstCopy);  // the dead one's, not this instance's
    QCOMPARE(recovery->session.x(3, 2), 77.25);
    Autosave::discard(*recovery);
    QVERIFY(!QFile::exists(firstCopy));
    QVERIFY(QFile::exists(second.sessionPath()));
    second.finish();
    QVERIFY(!QFile::exists(second.sessionPath()));
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
