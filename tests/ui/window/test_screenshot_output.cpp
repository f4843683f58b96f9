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

Shot screenshot(const QString& png)
{
    QProcess bnflow;
    bnflow.start(QStringLiteral(BNFLOW_GUI), {QStringLiteral(BNFLOW_EXAMPLES "/cs231n_offset.bnflow.json"),
                                              QStringLiteral("--screenshot"), png});
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

QTEST_GUILESS_MAIN(TestScreenshotOutput)
#include "test_screenshot_output.moc"
