// bnflow-cli export NETWORK --plot depth-...: every depth plot in every format is a whole file
// (a network is told from a session by its "format"); a bad plot name, a session's plot of a
// network and a depth plot of a session are exit 2 with one line and no file.
#include "cli_runner.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QtTest>

using namespace bnflow::test;

namespace {

const QString kNetwork = QStringLiteral(BNFLOW_NETWORK_EXAMPLES "/tanh_kaiming.bnflow-net.json");
const QString kSession = QStringLiteral(BNFLOW_EXAMPLES "/contract.bnflow.json");

}  // namespace

class TestCliDepthExport : public QObject {
    Q_OBJECT
private slots:
    void everyPlotEveryFormat_data();
    void everyPlotEveryFormat();
    void anyNameWithTheFormatIsANetwork();
    void networkFromStandardInput();
    void badArguments_data();
    void badArguments();
    void helpListsTheDepthPlots();
};

void TestCliDepthExport::everyPlotEveryFormat_data()
{
    QTest::addColumn<QString>("plot");
    QTest::addColumn<QString>("extension");
    for (const char* plot : {"depth-activations", "depth-gradients", "depth-ratios", "depth-updates"})
        for (const char* extension : {"png", "svg", "pdf", "csv"})
            QTest::addRow("%s.%s", plot, extension) << QString(plot) << QString(extension);
}

void TestCliDepthExport::everyPlotEveryFormat()
{
    QFETCH(QString, plot);
    QFETCH(QString, extension);
    QTemporaryDir dir;
    const QString out = dir.filePath(plot + QLatin1Char('.') + extension);
    QStringList args{"export", kNetwork, "--plot", plot, "--out", out, "--width", "700", "--height", "900"};
    if (plot == QLatin1String("depth-updates"))
        args << "--steps" << "50";
    const Run run = runCli(args);
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.isEmpty() && run.err.isEmpty(), run.err.constData());
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QFileInfo(out).fileName()});
    QFile file(out);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    if (extension == QLatin1String("png")) {
        QCOMPARE(QImage::fromData(bytes, "PNG").size(), QSize(700, 900));
    } else if (extension == QLatin1String("pdf")) {
        QVERIFY(bytes.startsWith("%PDF-"));
        QVERIFY(bytes.trimmed().endsWith("%%EOF"));
    } else if (extension == QLatin1String("svg")) {
        QVERIFY(bytes.contains("<svg"));
        QVERIFY(bytes.trimmed().endsWith("</svg>"));
    } else {
        const QList<QByteArray> lines = bytes.trimmed().split('\n');
        QVERIFY(lines.front().startsWith("panel,series,x,y"));
        QVERIFY(lines.size() > 20);
        if (plot == QLatin1String("depth-updates"))  // 6 layers x 50 steps, and the guide's two ends
            QCOMPARE(lines.size(), 1 + 6 * 50 + 2);
    }
}

void TestCliDepthExport::anyNameWithTheFormatIsANetwork()
{
    QTemporaryDir dir;
    const QString renamed = dir.filePath("net.json");
    QVERIFY(QFile::copy(kNetwork, renamed));
    const QString out = dir.filePath("r.csv");
    const Run run = runCli({"export", renamed, "--plot", "depth-ratios", "--out", out});
    QCOMPARE(run.exitCode, 0);
    QVERIFY(QFile(out).size() > 100);
}

// NETWORK "-" is standard input, as for depth: the same CSV as from the file.
void TestCliDepthExport::networkFromStandardInput()
{
    QTemporaryDir dir;
    QFile network(kNetwork);
    QVERIFY(network.open(QIODevice::ReadOnly));
    const QByteArray text = network.readAll();
    const QString fromFile = dir.filePath("file.csv"), fromInput = dir.filePath("stdin.csv");
    QCOMPARE(runCli({"export", kNetwork, "--plot", "depth-ratios", "--out", fromFile}).exitCode, 0);
    const Run run = runCliWithInput({"export", "-", "--plot", "depth-ratios", "--out", fromInput}, text);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QFile a(fromFile), b(fromInput);
    QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
    QVERIFY(a.size() > 100);
    QCOMPARE(b.readAll(), a.readAll());
    // Bad input from standard input is named so.
    const Run bad = runCliWithInput({"export", "-", "--plot", "depth-ratios", "--out", fromInput}, "{\"format\": \"bnflow-network\"}");
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.startsWith("bnflow-cli export: standard input: "), bad.err.constData());
}

void TestCliDepthExport::badArguments_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QStringList>("fragments");
    const QString out = QStringLiteral("OUT/p.png");
    QTest::newRow("unknown depth plot") << QStringList{"export", kNetwork, "--plot", "depth-histogram", "--out", out}
                                        << QStringList{"unknown plot 'depth-histogram'", "depth-activations"};
    QTest::newRow("session plot of a network") << QStringList{"export", kNetwork, "--plot", "gradients", "--out", out}
                                               << QStringList{"tanh_kaiming.bnflow-net.json", "bnflow-network", "depth-ratios"};
    QTest::newRow("depth plot of a session") << QStringList{"export", kSession, "--plot", "depth-ratios", "--out", out}
                                             << QStringList{"contract.bnflow.json", "not a network file"};
    QTest::newRow("steps elsewhere") << QStringList{"export", kNetwork, "--plot", "depth-ratios", "--steps", "3", "--out", out}
                                     << QStringList{"--steps applies to --plot depth-updates only"};
    QTest::newRow("steps 0") << QStringList{"export", kNetwork, "--plot", "depth-updates", "--steps", "0", "--out", out}
                             << QStringList{"--steps must be 1 .. 100000"};
    QTest::newRow("feature on a network") << QStringList{"export", kNetwork, "--plot", "depth-gradients", "--feature", "1", "--out", out}
                                          << QStringList{"--feature applies to a session's plots"};
    QTest::newRow("steps on a session") << QStringList{"export", kSession, "--plot", "gradients", "--steps", "3", "--out", out}
                                        << QStringList{"--steps applies to a network's"};
    QTest::newRow("lr overflows") << QStringList{"export", kNetwork, "--plot", "depth-updates", "--lr", "1e300", "--out", out}
                                  << QStringList{"tanh_kaiming.bnflow-net.json", "step 1", "lower lr"};
}

void TestCliDepthExport::badArguments()
{
    QFETCH(QStringList, args);
    QFETCH(QStringList, fragments);
    QTemporaryDir dir;
    args.replaceInStrings(QStringLiteral("OUT"), dir.path());
    expectBadInput(runCli(args), fragments);
    QVERIFY(QDir(dir.path()).entryList(QDir::Files | QDir::NoDotAndDotDot).isEmpty());
}

void TestCliDepthExport::helpListsTheDepthPlots()
{
    const Run run = runCli({"export", "--help"});
    QCOMPARE(run.exitCode, 0);
    for (const char* plot : {"depth-activations", "depth-gradients", "depth-ratios", "depth-updates"})
        QVERIFY2(run.out.contains(QByteArray("\n  ") + plot + ' '), plot);
}

QTEST_GUILESS_MAIN(TestCliDepthExport)
#include "test_cli_depth_export.moc"
