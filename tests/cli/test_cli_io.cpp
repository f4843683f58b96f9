// bnflow-cli's command line and its output channels: the parser (--, --opt=value, unknown
// options, generated help), SESSION "-", numbers that read as floats, and writes that fail
// loudly (a full stdout, a closed stdout, a full disk) without ever leaving a corrupt file.
#include "cli_runner.h"
#include "small_disk.h"

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

using namespace bnflow::test;

namespace {

const QString kSession = QStringLiteral(BNFLOW_REFERENCE_DIR "/small_4x3.bnflow.json");

QByteArray readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Exit 1, nothing on stdout, one line on stderr naming the reason.
void expectFailure(const Run& run, const QString& reason)
{
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.out.isEmpty(), run.out.constData());
    QVERIFY2(run.err.endsWith('\n') && run.err.count('\n') == 1, run.err.constData());
    QVERIFY2(run.err.contains(reason.toUtf8()), run.err.constData());
}

}  // namespace

class TestCliIo : public QObject {
    Q_OBJECT
private slots:
    void sameOutput_data();
    void sameOutput();
    void refusedUsage_data();
    void refusedUsage();
    void helpPerCommand_data();
    void helpPerCommand();
    void standardInput_data();
    void standardInput();
    void standardInputBadSession();
    void numbersReadAsFloats_data();
    void numbersReadAsFloats();
    void stdoutWriteErrors_data();
    void stdoutWriteErrors();
    void benchCsvToDevicesAndLinks();
    void exportCsv_data();
    void exportCsv();
    void fullDiskKeepsOldFiles_data();
    void fullDiskKeepsOldFiles();
    void fullTmpdirStillMakesAWholePdf();
};

// Spellings that mean the same command line give the very same output.
void TestCliIo::sameOutput_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QStringList>("same");
    QTest::newRow("-- ends the options") << QStringList{"grad", "--", kSession} << QStringList{"grad", kSession};
    QTest::newRow("--h=H equals --h H") << QStringList{"gradcheck", kSession, "--h=1e-6"}
                                        << QStringList{"gradcheck", "--h", "1e-6", kSession};
    QTest::newRow("options after --") << QStringList{"gradcheck", "--h", "1e-6", "--", kSession}
                                      << QStringList{"gradcheck", kSession, "--h", "1e-6"};
}

void TestCliIo::sameOutput()
{
    QFETCH(QStringList, args);
    QFETCH(QStringList, same);
    const Run a = runCli(args), b = runCli(same);
    QCOMPARE(a.exitCode, 0);
    QVERIFY2(a.err.isEmpty(), a.err.constData());
    QCOMPARE(a.out, b.out);
    QVERIFY(a.out.startsWith('{'));
}

void TestCliIo::refusedUsage_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unknown flag") << QStringList{"grad", kSession, "--json"} << "unknown option '--json'";
    QTest::newRow("unknown option with value") << QStringList{"grad", "--fast=3", kSession} << "unknown option '--fast'";
    QTest::newRow("-h is not help") << QStringList{"grad", "-x", kSession} << "unknown option '-x'";
    QTest::newRow("a flag with a value") << QStringList{"bench", "--json=yes"} << "--json takes no value";
    QTest::newRow("an option given twice") << QStringList{"gradcheck", kSession, "--h", "1e-5", "--h=1e-6"} << "given twice";
    QTest::newRow("after -- an option is a file") << QStringList{"grad", "--", "--help"} << "--help: no such file";
    QTest::newRow("two sessions after --") << QStringList{"grad", "--", kSession, kSession} << "unexpected argument";
    QTest::newRow("--variants empty") << QStringList{"bench", "--variants", ""} << "--variants is empty";
}

void TestCliIo::refusedUsage()
{
    QFETCH(QStringList, args);
    QFETCH(QString, expected);
    expectBadInput(runCli(args), {expected});
}

void TestCliIo::helpPerCommand_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QString>("option");
    QTest::newRow("grad") << "grad" << "--help";
    QTest::newRow("gradcheck") << "gradcheck" << "--h H";
    QTest::newRow("bench") << "bench" << "--csv FILE";
    QTest::newRow("export") << "export" << "--plot NAME";
    QTest::newRow("handout") << "handout" << "--out FILE.pdf";
    QTest::newRow("depth") << "depth" << "--steps K";
}

// Generated from each command's declared options; --help wins over anything else given.
void TestCliIo::helpPerCommand()
{
    QFETCH(QString, command);
    QFETCH(QString, option);
    const Run run = runCli({command, "--no-such-option", "--help"});
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.err.isEmpty());
    QVERIFY2(run.out.startsWith(("Usage: bnflow-cli " + command).toUtf8()), run.out.constData());
    QVERIFY2(run.out.contains("\nOptions:\n") && run.out.contains(option.toUtf8()), run.out.constData());
    const Run top = runCli({"--help"});
    QVERIFY2(top.out.contains(("\n  " + command).toUtf8()), top.out.constData());
}

void TestCliIo::standardInput_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::newRow("grad -") << QStringList{"grad", "-"};
    QTest::newRow("grad -- -") << QStringList{"grad", "--", "-"};
    QTest::newRow("gradcheck -") << QStringList{"gradcheck", "-", "--h", "1e-6"};
}

void TestCliIo::standardInput()
{
    QFETCH(QStringList, args);
    QStringList fromFile = args;
    fromFile.replace(fromFile.indexOf("-"), kSession);
    const Run piped = runCliWithInput(args, readAll(kSession));
    QCOMPARE(piped.exitCode, 0);
    QVERIFY2(piped.err.isEmpty(), piped.err.constData());
    QCOMPARE(piped.out, runCli(fromFile).out);
}

void TestCliIo::standardInputBadSession()
{
    expectBadInput(runCliWithInput({"grad", "-"}, "{\"format\": \"bnflow-session\""), {"standard input:"});
    QTemporaryDir dir;
    const QString pdf = dir.filePath("h.pdf");
    const Run run = runCliWithInput({"handout", "-", "--out", pdf}, readAll(kSession));
    QCOMPARE(run.exitCode, 0);
    QVERIFY(readAll(pdf).startsWith("%PDF-"));
}

void TestCliIo::numbersReadAsFloats_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("input");
    // gamma of ones, beta of zeros and a dout with -0: the integers and the signed zero that
    // Python read as int (losing the sign) before.
    const QByteArray ones = R"({"format": "bnflow-session", "version": 1,
        "x": [[1, 2], [3, 5], [0, 1]], "gamma": [1, 1], "beta": [0, -0.0], "eps": 0,
        "dout": [[1, -0.0], [0, 2], [-1, 0]]})";
    QTest::newRow("grad") << QStringList{"grad", "-"} << ones;
    QTest::newRow("gradcheck") << QStringList{"gradcheck", "-"} << ones;
    QTest::newRow("bench --json") << QStringList{"bench", "--shapes", "4x3", "--dtype", "f64", "--min-time-ms", "1", "--json"}
                                  << QByteArray();
}

void TestCliIo::numbersReadAsFloats()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, input);
    const QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    if (python.isEmpty())
        QSKIP("python3 is not installed");
    const Run run = runCliWithInput(args, input);
    QCOMPARE(run.exitCode, 0);
    if (args.front() == QLatin1String("grad"))
        QVERIFY2(run.out.contains("-0.0"), run.out.constData());
    if (args.front() == QLatin1String("bench"))
        QVERIFY2(run.out.contains("\"calls_per_sample\": "), run.out.constData());
    QProcess check;
    check.start(python, {QStringLiteral(BNFLOW_JSON_FLOATS)});
    check.write(run.out);
    check.closeWriteChannel();
    QVERIFY(check.waitForFinished(30000));
    QVERIFY2(check.exitCode() == 0, (check.readAllStandardOutput() + check.readAllStandardError()).constData());
}

void TestCliIo::stdoutWriteErrors_data()
{
    QTest::addColumn<QString>("redirection");
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("reason");
    const QStringList bench{"bench", "--shapes", "4x3", "--dtype", "f64", "--min-time-ms", "1"};
    for (const auto& [name, args] : {std::pair{"grad", QStringList{"grad", kSession}},
                                     std::pair{"gradcheck", QStringList{"gradcheck", kSession}},
                                     std::pair{"bench", bench}, std::pair{"--help", QStringList{"--help"}}}) {
        QTest::addRow("%s > /dev/full", name) << ">/dev/full" << args << "No space left on device";
        QTest::addRow("%s, stdout closed", name) << ">&-" << args << "Bad file descriptor";
    }
}

// A write error on stdout is exit 1 with one line on stderr, never a silent success.
void TestCliIo::stdoutWriteErrors()
{
    QFETCH(QString, redirection);
    QFETCH(QStringList, args);
    QFETCH(QString, reason);
    const Run run = runCliRedirected(redirection, args);
    expectFailure(run, QStringLiteral("cannot write to standard output (") + reason);
}

void TestCliIo::benchCsvToDevicesAndLinks()
{
    const QStringList bench{"bench", "--shapes", "4x3", "--dtype", "f64", "--variants", "fused",
                            "--min-time-ms", "1", "--csv"};
    const Run toNull = runCli(bench + QStringList{"/dev/null"});
    QCOMPARE(toNull.exitCode, 0);
    struct stat info {};
    QVERIFY(::lstat("/dev/null", &info) == 0 && S_ISCHR(info.st_mode));

    QTemporaryDir dir;
    const QString target = dir.filePath("real.csv"), link = dir.filePath("link.csv");
    QVERIFY(QFile::link(target, link));
    const Run throughLink = runCli(bench + QStringList{link});
    QCOMPARE(throughLink.exitCode, 0);
    QVERIFY(QFileInfo(link).isSymLink());
    QVERIFY(readAll(target).startsWith("n,d,dtype,variant,"));

    expectFailure(runCli(bench + QStringList{"/dev/full"}), "/dev/full: cannot be written (No space left on device)");
}

void TestCliIo::exportCsv_data()
{
    QTest::addColumn<QString>("plot");
    QTest::addColumn<int>("points");
    QTest::newRow("params") << "params" << 2 * 3;          // dgamma and dbeta for 3 features
    QTest::newRow("terms") << "terms" << 4 * 4;            // 3 terms and their sum, 4 samples
    QTest::newRow("gradients") << "gradients" << -1;       // labels with line breaks in the plot
}

// The numbers behind a plot, by the GUI's own CSV writer: one line per point, the label's line
// breaks turned into spaces.
void TestCliIo::exportCsv()
{
    QFETCH(QString, plot);
    QFETCH(int, points);
    QTemporaryDir dir;
    const QString csv = dir.filePath(plot + ".csv");
    const Run run = runCli({"export", kSession, "--plot", plot, "--out", csv});
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.err.isEmpty(), run.err.constData());
    const QList<QByteArray> lines = readAll(csv).trimmed().split('\n');
    QCOMPARE(lines.front(), QByteArray("panel,series,x,y,low,high,label"));
    if (points >= 0)
        QCOMPARE(lines.size(), 1 + points);
    static const QRegularExpression record(QStringLiteral("^[0-9]+,"));
    for (const QByteArray& line : lines.mid(1))
        QVERIFY2(record.match(QString::fromUtf8(line)).hasMatch(), line.constData());
}

void TestCliIo::fullDiskKeepsOldFiles_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("file");
    QTest::newRow("handout") << QStringList{"handout", kSession, "--out"} << "old.pdf";
    QTest::newRow("export pdf") << QStringList{"export", kSession, "--plot", "gradients", "--out"} << "old.pdf";
    QTest::newRow("export png") << QStringList{"export", kSession, "--plot", "params", "--out"} << "old.png";
    QTest::newRow("export csv") << QStringList{"export", kSession, "--plot", "params", "--out"} << "old.csv";
}

// On a full disk the command fails with exit 1 and the old file is untouched (as root only:
// mounting the small disk needs it).
void TestCliIo::fullDiskKeepsOldFiles()
{
    QFETCH(QStringList, args);
    QFETCH(QString, file);
    SmallDisk disk;
    if (!disk.ok())
        QSKIP(qPrintable(disk.why()));
    const QString path = disk.path(file);
    {
        QFile old(path);
        QVERIFY(old.open(QIODevice::WriteOnly));
        old.write("the old file");
    }
    disk.fill();
    const Run run = runCli(args << path);
    expectFailure(run, path + QStringLiteral(": cannot be written (No space left on device)"));
    QCOMPARE(readAll(path), QByteArray("the old file"));
}

// The plot PDF used to go through a temporary file in TMPDIR whose write errors went unnoticed:
// with TMPDIR full, export said success over a corrupt PDF. It is rendered in memory now.
void TestCliIo::fullTmpdirStillMakesAWholePdf()
{
    SmallDisk disk;
    if (!disk.ok())
        QSKIP(qPrintable(disk.why()));
    disk.fill();
    QTemporaryDir dir;
    const QString pdf = dir.filePath("g.pdf");
    const QByteArray previous = qgetenv("TMPDIR");
    qputenv("TMPDIR", QFileInfo(disk.path("x")).absolutePath().toUtf8());
    const Run run = runCli({"export", kSession, "--plot", "gradients", "--out", pdf});
    qputenv("TMPDIR", previous);
    QCOMPARE(run.exitCode, 0);
    const QByteArray bytes = readAll(pdf);
    QVERIFY(bytes.startsWith("%PDF-"));
    QVERIFY2(bytes.trimmed().endsWith("%%EOF"), bytes.right(40).constData());
}

QTEST_GUILESS_MAIN(TestCliIo)
#include "test_cli_io.moc"
