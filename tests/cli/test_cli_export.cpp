// bnflow-cli export: every plot in every format is a valid file of the asked size; every bad
// argument and bad session is exit 2 with one stderr line, nothing on stdout, no file written.
#include "bad_inputs.h"
#include "cli_runner.h"

#include <QDir>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace bnflow::test;

namespace {

const QString kSession = QStringLiteral(BNFLOW_EXAMPLES "/cs231n_offset.bnflow.json");

QStringList filesIn(const QString& folder)
{
    return QDir(folder).entryList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot);
}

}  // namespace

class TestCliExport : public QObject {
    Q_OBJECT
private slots:
    void everyPlotEveryFormat_data();
    void everyPlotEveryFormat();
    void helpListsEveryPlot();
    void helpStatesTheSizeSemantics();
    void badArguments_data();
    void badArguments();
    void badSessionFiles_data();
    void badSessionFiles();
    void failureLeavesExistingFileAlone();
    void onlyExportStartsQt();
    void darkTheme();
    void lockedExerciseIsNotExported();
};

void TestCliExport::everyPlotEveryFormat_data()
{
    QTest::addColumn<QString>("plot");
    QTest::addColumn<QString>("extension");
    for (const char* plot : {"gradients", "difference", "terms", "params", "gradcheck", "hsweep", "timings"})
        for (const char* extension : {"png", "pdf", "svg"})
            QTest::addRow("%s.%s", plot, extension) << QString(plot) << QString(extension);
}

void TestCliExport::everyPlotEveryFormat()
{
    QFETCH(QString, plot);
    QFETCH(QString, extension);
    QTemporaryDir dir;
    const QString out = dir.filePath(plot + QLatin1Char('.') + extension);
    QStringList args{"export", kSession, "--plot", plot, "--out", out, "--width", "700", "--height", "500"};
    if (plot == QLatin1String("timings"))
        args << "--shapes" << "16x4,32x4" << "--dtype" << "both";
    const Run run = runCli(args);
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.isEmpty(), run.out.constData());
    QVERIFY2(run.err.isEmpty(), run.err.constData());
    QCOMPARE(filesIn(dir.path()), QStringList{QFileInfo(out).fileName()});
    QFile file(out);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    if (extension == QLatin1String("png")) {
        QVERIFY(bytes.startsWith("\x89PNG\r\n\x1a\n"));
        QCOMPARE(QImage::fromData(bytes, "PNG").size(), QSize(700, 500));
    } else if (extension == QLatin1String("pdf")) {
        QVERIFY(bytes.startsWith("%PDF-"));
    } else {
        QVERIFY(bytes.contains("<svg"));
        QVERIFY(bytes.contains("width=\"") && bytes.trimmed().endsWith("</svg>"));
    }
}

void TestCliExport::helpListsEveryPlot()
{
    const Run run = runCli({"export", "--help"});
    QCOMPARE(run.exitCode, 0);
    for (const char* plot : {"gradients", "difference", "terms", "params", "gradcheck", "hsweep", "timings"})
        QVERIFY2(run.out.contains(QByteArray("\n  ") + plot + ' '), plot);
    QVERIFY(runCli({"--help"}).out.contains("export SESSION"));
}

// Issue 12: what --width and --height mean, per format, is said in --help (and held: the PNG
// of everyPlotEveryFormat is exactly the size asked).
void TestCliExport::helpStatesTheSizeSemantics()
{
    const Run run = runCli({"export", "--help"});
    QCOMPARE(run.exitCode, 0);
    const QString out = QString::fromUtf8(run.out).simplified();
    for (const char* fragment : {"a PNG is exactly W pixels wide", "a PDF page W points", "an SVG W px"})
        QVERIFY2(out.contains(QLatin1String(fragment)), fragment);
}

void TestCliExport::badArguments_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QStringList>("fragments");
    const QString s = kSession;
    const QString out = QStringLiteral("OUT/plot.png");
    QTest::newRow("unknown plot") << QStringList{"export", s, "--plot", "gradient", "--out", out}
                                  << QStringList{"unknown plot 'gradient'", "gradients, difference"};
    QTest::newRow("no plot") << QStringList{"export", s, "--out", out} << QStringList{"missing --plot"};
    QTest::newRow("no out") << QStringList{"export", s, "--plot", "terms"} << QStringList{"missing --out"};
    QTest::newRow("jpg") << QStringList{"export", s, "--plot", "terms", "--out", "OUT/plot.jpg"}
                         << QStringList{"OUT/plot.jpg", ".png, .pdf, .svg or .csv"};
    QTest::newRow("no extension") << QStringList{"export", s, "--plot", "terms", "--out", "OUT/plot"}
                                  << QStringList{"OUT/plot", ".png, .pdf, .svg or .csv"};
    QTest::newRow("width too small") << QStringList{"export", s, "--plot", "params", "--out", out, "--width", "10"}
                                     << QStringList{"--width", "between 200 and 8000"};
    QTest::newRow("width not a number") << QStringList{"export", s, "--plot", "params", "--out", out, "--width", "wide"}
                                        << QStringList{"--width", "'wide'"};
    QTest::newRow("height too large") << QStringList{"export", s, "--plot", "params", "--out", out, "--height", "9000"}
                                      << QStringList{"--height", "between 200 and 8000"};
    QTest::newRow("shapes off timings") << QStringList{"export", s, "--plot", "params", "--out", out, "--shapes", "16x4"}
                                        << QStringList{"--shapes applies to --plot timings only"};
    QTest::newRow("bad timing shape") << QStringList{"export", s, "--plot", "timings", "--out", out, "--shapes", "16by4"}
                                      << QStringList{"NxD"};
    QTest::newRow("bad dtype") << QStringList{"export", s, "--plot", "timings", "--out", out, "--dtype", "f16"}
                               << QStringList{"f32, f64 or both"};
    QTest::newRow("feature out of range") << QStringList{"export", s, "--plot", "terms", "--out", out, "--feature", "99"}
                                          << QStringList{s, "--feature 99", "out of range"};
    QTest::newRow("feature negative") << QStringList{"export", s, "--plot", "terms", "--out", out, "--feature", "-1"}
                                      << QStringList{"--feature", "'-1'"};
    QTest::newRow("h zero") << QStringList{"export", s, "--plot", "gradcheck", "--out", out, "--h", "0"}
                            << QStringList{"--h must be in (0, 1]"};
    QTest::newRow("missing session") << QStringList{"export", "OUT/nope.bnflow.json", "--plot", "terms", "--out", out}
                                     << QStringList{"nope.bnflow.json", "no such file"};
    QTest::newRow("missing folder") << QStringList{"export", s, "--plot", "terms", "--out", "OUT/no/such/plot.svg"}
                                    << QStringList{"OUT/no/such/plot.svg", "no such folder"};
    QTest::newRow("bad theme") << QStringList{"export", s, "--plot", "terms", "--out", out, "--theme", "blue"}
                               << QStringList{"--theme expects light or dark", "'blue'"};
    QTest::newRow("two sessions") << QStringList{"export", s, s, "--plot", "terms", "--out", out}
                                  << QStringList{"unexpected argument"};
}

void TestCliExport::badArguments()
{
    QFETCH(QStringList, args);
    QFETCH(QStringList, fragments);
    QTemporaryDir dir;
    args.replaceInStrings(QStringLiteral("OUT/"), dir.path() + QLatin1Char('/'));
    fragments.replaceInStrings(QStringLiteral("OUT/"), dir.path() + QLatin1Char('/'));
    expectBadInput(runCli(args), fragments);
    QVERIFY(filesIn(dir.path()).isEmpty());
}

void TestCliExport::badSessionFiles_data()
{
    QTest::addColumn<int>("index");
    for (std::size_t k = 0; k < badInputs().size(); ++k)
        QTest::addRow("%s", badInputs()[k].name) << static_cast<int>(k);
}

void TestCliExport::badSessionFiles()
{
    QFETCH(int, index);
    const BadInput& bad = badInputs()[static_cast<std::size_t>(index)];
    QTemporaryDir dir;
    const QString path = dir.filePath(QString(bad.name) + ".bnflow.json");
    {
        std::ofstream file(path.toStdString(), std::ios::binary);
        file << bad.content;
    }
    expectBadInput(runCli({"export", path, "--plot", "gradients", "--out", dir.filePath("plot.png")}),
                   {path, bad.where, bad.what});
    QCOMPARE(filesIn(dir.path()), QStringList{QFileInfo(path).fileName()});
}

void TestCliExport::failureLeavesExistingFileAlone()
{
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("plot.png"));
    {
        QFile file(out);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("previous");
    }
    expectBadInput(runCli({"export", dir.filePath("nope.bnflow.json"), "--plot", "terms", "--out", out}),
                   {"nope.bnflow.json"});
    QFile file(out);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), QByteArray("previous"));
    QCOMPARE(filesIn(dir.path()), QStringList{"plot.png"});
}

void TestCliExport::onlyExportStartsQt()
{
    // A platform plugin that does not exist: Qt aborts if it starts, so the commands that do
    // not need it must never construct a QApplication.
    const auto runWith = [](const QStringList& args) {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("no-such-platform"));
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(BNFLOW_CLI), args);
        process.waitForFinished(60000);
        return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    };
    QCOMPARE(runWith({"grad", kSession}), 0);
    QCOMPARE(runWith({"gradcheck", kSession}), 0);
    QCOMPARE(runWith({"bench", "--shapes", "4x3", "--min-time-ms", "1", "--dtype", "f64"}), 0);
    QTemporaryDir dir;
    QVERIFY(runWith({"export", kSession, "--plot", "params", "--out", dir.filePath("p.png")}) != 0);
}

void TestCliExport::darkTheme()
{
    QTemporaryDir dir;
    const auto corner = [&dir](const char* theme) {
        const QString out = dir.filePath(QStringLiteral("%1.png").arg(theme));
        const Run run = runCli({"export", kSession, "--plot", "params", "--out", out, "--theme", theme});
        return run.exitCode == 0 ? QImage(out).pixelColor(3, 3) : QColor();
    };
    QVERIFY(corner("dark").isValid() && corner("dark").lightnessF() < 0.25);
    QVERIFY(corner("light").isValid() && corner("light").lightnessF() > 0.9);
}

// A plot would draw the values a locked exercise hides (README, "Exercise mode"): refused, and
// nothing written; unlocked, the same session exports.
void TestCliExport::lockedExerciseIsNotExported()
{
    QTemporaryDir dir;
    const auto write = [&](const char* name, bool locked) {
        const QString path = dir.filePath(name);
        std::ofstream file(path.toStdString());
        file << R"({"format": "bnflow-session", "version": 1, "x": [[1.0, 2.0], [3.0, 5.0], [4.0, 4.5]],
                   "gamma": [1.0, 0.5], "beta": [0.0, 0.0], "eps": 1e-5,
                   "exercise": {"hidden": [{"quantity": "dx", "cells": "all"}], "locked": )"
             << (locked ? "true" : "false") << "}}";
        return path;
    };
    const QString out = dir.filePath("gradients.csv");
    expectBadInput(runCli({"export", write("locked.bnflow.json", true), "--plot", "gradients", "--out", out}),
                   {"locked.bnflow.json", "exercise", "locked"});
    QVERIFY(!QFile::exists(out));
    const Run run = runCli({"export", write("open.bnflow.json", false), "--plot", "gradients", "--out", out});
    QCOMPARE(run.exitCode, 0);
    QVERIFY(QFile::exists(out));
}

QTEST_GUILESS_MAIN(TestCliExport)
#include "test_cli_export.moc"
