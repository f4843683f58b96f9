// bnflow --screenshot writes its PNG like every other file: whole or not at all. On a full disk
// the old picture stays and the exit status says so.
#include "small_disk.h"

#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

struct Shot {
    int exitCode = -1;
    QByteArray err;
};

Shot screenshot(const QString& png, const QStringList& more = {})
{
    QProcess bnflow;
    bnflow.start(QStringLiteral(BNFLOW_GUI), QStringList{QStringLiteral(BNFLOW_EXAMPLES "/cs231n_offset.bnflow.json"),
                                                         QStringLiteral("--screenshot"), png} + more);
    if (!bnflow.waitForFinished(60000))
        return {};
    return {bnflow.exitStatus() == QProcess::NormalExit ? bnflow.exitCode() : -2, bnflow.readAllStandardError()};
}

}  // namespace

class TestScreenshotOutput : public QObject {
    Q_OBJECT
private slots:
    void throughASymlink();
    void fullDiskKeepsTheOldPicture();
    void checkOptionLoadsTheAnswer();
};

void TestScreenshotOutput::throughASymlink()
{
    QTemporaryDir dir;
    const QString target = dir.filePath(QStringLiteral("real.png")), link = dir.filePath(QStringLiteral("link.png"));
    QVERIFY(QFile::link(target, link));
    const Shot shot = screenshot(link);
    QCOMPARE(shot.exitCode, 0);
    QVERIFY(QFileInfo(link).isSymLink());
    QVERIFY(!QImage(target).isNull());
}

void TestScreenshotOutput::fullDiskKeepsTheOldPicture()
{
    bnflow::test::SmallDisk disk;
    if (!disk.ok())
        QSKIP(qPrintable(disk.why()));
    const QString png = disk.path(QStringLiteral("old.png"));
    {
        QFile old(png);
        QVERIFY(old.open(QIODevice::WriteOnly));
        old.write("the old picture");
    }
    disk.fill();
    const Shot shot = screenshot(png);
    QCOMPARE(shot.exitCode, 1);
    QVERIFY2(shot.err.contains(png.toUtf8() + ": cannot be written (No space left on device)"), shot.err.constData());
    QFile old(png);
    QVERIFY(old.open(QIODevice::ReadOnly));
    QCOMPARE(old.readAll(), QByteArray("the old picture"));
}

// --check FILE opens Check my gradient with the answer loaded; a file that cannot be used is
// exit 2 naming it, never a picture of an empty panel.
void TestScreenshotOutput::checkOptionLoadsTheAnswer()
{
    QTemporaryDir dir;
    const QString answer = dir.filePath(QStringLiteral("dx.csv"));
    {
        QFile file(answer);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("1,2,3\n");  // the example is 50 x 5: the wrong shape
    }
    const QString png = dir.filePath(QStringLiteral("check.png"));
    const Shot bad = screenshot(png, {QStringLiteral("--check"), answer});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains("--check: ") && bad.err.contains(answer.toUtf8()), bad.err.constData());
    QVERIFY(!QFile::exists(png));
    const Shot missing = screenshot(png, {QStringLiteral("--check"), dir.filePath(QStringLiteral("none.npy"))});
    QCOMPARE(missing.exitCode, 2);
}

QTEST_GUILESS_MAIN(TestScreenshotOutput)
#include "test_screenshot_output.moc"
