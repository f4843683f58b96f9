// The one writer of files: whole or not at all, symlinks followed, devices and FIFOs written in
// place, and a message with the path and the operating system's reason on every failure.
#include "small_disk.h"

#include <files/atomic_write.h>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>
#include <unistd.h>

using bnflow::files::writeFileAtomically;

namespace {

QByteArray readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<unreadable>");
}

void writePlain(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(bytes), bytes.size());
}

bool isCharDevice(const QString& path)
{
    struct stat info {};
    return ::lstat(QFile::encodeName(path).constData(), &info) == 0 && S_ISCHR(info.st_mode);
}

// Nothing but the expected names: no temporary file left behind.
QStringList entries(const QString& folder)
{
    return QDir(folder).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                                  QDir::Name);
}

}  // namespace

class TestAtomicWrite : public QObject {
    Q_OBJECT
private slots:
    void writesNewAndReplacesOld_data();
    void writesNewAndReplacesOld();
    void keepsTheModeAndOwnerOfTheOldFile();
    void followsSymlinks();
    void refusesWithTheReason_data();
    void refusesWithTheReason();
    void devicesAreWrittenNotReplaced();
    void fifoWithReader();
    void fifoWithoutReaderFailsAtOnce();
    void readOnlyFolderKeepsTheOldFile();
    void fullDiskKeepsTheOldFile();
};

void TestAtomicWrite::writesNewAndReplacesOld_data()
{
    QTest::addColumn<QByteArray>("old");
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("new file") << QByteArray() << QByteArray("hello\n");
    QTest::newRow("longer over shorter") << QByteArray("a") << QByteArray(100000, 'b');
    QTest::newRow("shorter over longer") << QByteArray(100000, 'b') << QByteArray("a");
    QTest::newRow("empty over some") << QByteArray("some") << QByteArray();
}

void TestAtomicWrite::writesNewAndReplacesOld()
{
    QFETCH(QByteArray, old);
    QFETCH(QByteArray, bytes);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("out.txt"));
    if (!old.isEmpty())
        writePlain(path, old);
    QString error;
    QVERIFY2(writeFileAtomically(path, bytes, &error), qPrintable(error));
    QCOMPARE(readAll(path), bytes);
    QCOMPARE(entries(dir.path()), QStringList{QStringLiteral("out.txt")});
}

void TestAtomicWrite::keepsTheModeAndOwnerOfTheOldFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("script.sh"));
    writePlain(path, "old");
    QVERIFY(::chmod(QFile::encodeName(path).constData(), 0751) == 0);
    // As root, a file of another user (nobody) must stay theirs.
    const uid_t owner = ::geteuid() == 0 ? 65534 : ::geteuid();
    const gid_t group = ::geteuid() == 0 ? 65534 : ::getegid();
    QVERIFY(::chown(QFile::encodeName(path).constData(), owner, group) == 0);
    QVERIFY(writeFileAtomically(path, "new"));
    struct stat info {};
    QVERIFY(::stat(QFile::encodeName(path).constData(), &info) == 0);
    QCOMPARE(info.st_mode & 07777, mode_t(0751));
    QCOMPARE(info.st_uid, owner);
    QCOMPARE(info.st_gid, group);
}

void TestAtomicWrite::followsSymlinks()
{
    QTemporaryDir dir;
    const QString target = dir.filePath(QStringLiteral("target.csv"));
    const QString link = dir.filePath(QStringLiteral("link.csv"));
    const QString dangling = dir.filePath(QStringLiteral("dangling.csv"));
    writePlain(target, "old");
    QVERIFY(QFile::link(QStringLiteral("target.csv"), link));  // relative, as ln -s makes them
    QVERIFY(QFile::link(QStringLiteral("created.csv"), dangling));
    QString error;
    QVERIFY2(writeFileAtomically(link, "new", &error), qPrintable(error));
    QVERIFY(QFileInfo(link).isSymLink());
    QCOMPARE(readAll(target), QByteArray("new"));
    QVERIFY2(writeFileAtomically(dangling, "made", &error), qPrintable(error));
    QVERIFY(QFileInfo(dangling).isSymLink());
    QCOMPARE(readAll(dir.filePath(QStringLiteral("created.csv"))), QByteArray("made"));
}

void TestAtomicWrite::refusesWithTheReason_data()
{
    QTest::addColumn<QString>("setup");
    QTest::addColumn<QString>("reason");
    QTest::newRow("a folder") << "folder" << "Is a directory";
    QTest::newRow("a symlink loop") << "loop" << "Too many levels of symbolic links";
    QTest::newRow("a missing folder") << "missing" << "No such file or directory";
    QTest::newRow("a device that is full") << "/dev/full" << "No space left on device";
}

void TestAtomicWrite::refusesWithTheReason()
{
    QFETCH(QString, setup);
    QFETCH(QString, reason);
    QTemporaryDir dir;
    QString path = dir.filePath(QStringLiteral("out"));
    if (setup == QLatin1String("folder"))
        QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("out")));
    else if (setup == QLatin1String("loop"))
        QVERIFY(QFile::link(QStringLiteral("out"), path));
    else if (setup == QLatin1String("missing"))
        path = dir.filePath(QStringLiteral("no/such/out"));
    else
        path = setup;
    QString error;
    QVERIFY(!writeFileAtomically(path, "bytes", &error));
    QVERIFY2(error.startsWith(path + QStringLiteral(": cannot be written (")), qPrintable(error));
    QVERIFY2(error.contains(reason), qPrintable(error));
    QVERIFY(!error.contains(QStringLiteral("Unknown error")));
    if (path.startsWith(QLatin1String("/dev/")))
        QVERIFY(isCharDevice(path));
}

void TestAtomicWrite::devicesAreWrittenNotReplaced()
{
    QString error;
    QVERIFY2(writeFileAtomically(QStringLiteral("/dev/null"), "discarded", &error), qPrintable(error));
    QVERIFY(isCharDevice(QStringLiteral("/dev/null")));
}

void TestAtomicWrite::fifoWithReader()
{
    QTemporaryDir dir;
    const QString fifo = dir.filePath(QStringLiteral("pipe"));
    QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0600) == 0);
    // The reader copies into a file: a pipe back to this process would fill while this thread
    // blocks in the write.
    const QString copy = dir.filePath(QStringLiteral("copy"));
    QProcess reader;
    reader.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), QStringLiteral("cat \"$0\" > \"$1\""), fifo, copy});
    QVERIFY(reader.waitForStarted());
    const QByteArray bytes(200000, 'z');  // more than a pipe buffer holds
    // The reader opens the FIFO a moment after it starts; retry until it has.
    QString error;
    bool written = false;
    for (int attempt = 0; attempt < 200 && !written; ++attempt) {
        written = writeFileAtomically(fifo, bytes, &error);
        if (!written)
            QThread::msleep(10);
    }
    QVERIFY2(written, qPrintable(error));
    QVERIFY(reader.waitForFinished(10000));
    QCOMPARE(readAll(copy), bytes);
    struct stat info {};
    QVERIFY(::lstat(QFile::encodeName(fifo).constData(), &info) == 0 && S_ISFIFO(info.st_mode));
}

void TestAtomicWrite::fifoWithoutReaderFailsAtOnce()
{
    QTemporaryDir dir;
    const QString fifo = dir.filePath(QStringLiteral("pipe"));
    QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0600) == 0);
    QString error;
    QVERIFY(!writeFileAtomically(fifo, "lost", &error));
    QVERIFY2(error.contains(QStringLiteral("no process is reading")), qPrintable(error));
}

void TestAtomicWrite::readOnlyFolderKeepsTheOldFile()
{
    if (::geteuid() == 0)
        QSKIP("root writes into read-only folders; the full-disk case covers the failure path");
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("kept.txt"));
    writePlain(path, "old");
    QVERIFY(QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::ExeOwner));
    QString error;
    const bool written = writeFileAtomically(path, "new", &error);
    QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QVERIFY(!written);
    QVERIFY2(error.contains(QStringLiteral("Permission denied")), qPrintable(error));
    QCOMPARE(readAll(path), QByteArray("old"));
    QCOMPARE(entries(dir.path()), QStringList{QStringLiteral("kept.txt")});
}

void TestAtomicWrite::fullDiskKeepsTheOldFile()
{
    bnflow::test::SmallDisk disk;
    if (!disk.ok())
        QSKIP(qPrintable(disk.why()));
    const QString path = disk.path(QStringLiteral("kept.txt"));
    writePlain(path, "old");
    disk.fill();
    QString error;
    QVERIFY(!writeFileAtomically(path, QByteArray(64 * 1024, 'n'), &error));
    QVERIFY2(error.contains(QStringLiteral("No space left on device")), qPrintable(error));
    QCOMPARE(readAll(path), QByteArray("old"));
    QCOMPARE(entries(QFileInfo(path).absolutePath()),
             (QStringList{QStringLiteral("filler"), QStringLiteral("kept.txt")}));
}

QTEST_GUILESS_MAIN(TestAtomicWrite)
#include "test_atomic_write.moc"
