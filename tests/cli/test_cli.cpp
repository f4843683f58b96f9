// bnflow-cli as other tools use it: the built binary, run on files, output parsed strictly.
#include "bad_inputs.h"
#include "cli_runner.h"
#include "fuzzy.h"
#include "reference.h"

#include <core/math/analysis.h>

#include <nlohmann/json.hpp>

#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <set>

using namespace bnflow;
using namespace bnflow::test;
using Json = nlohmann::json;

namespace {

Matrix toMatrix(const Json& value)
{
    return matrixFromJsonText(value.dump());
}

}  // namespace

class TestCli : public QObject {
    Q_OBJECT
private slots:
    void helpAndVersion_data();
    void helpAndVersion();
    void usageErrors_data();
    void usageErrors();
    void badInputFiles_data();
    void badInputFiles();
    void missingFileAndDirectory();
    void gradMatchesPyTorch_data();
    void gradMatchesPyTorch();
    void gradNumbersRoundTrip();
    void gradcheckReport();
    void benchJson();
    void benchLayerNormKernels();
    void benchCsvAndTable();
    void handout();
    void handoutBadInput_data();
    void handoutBadInput();
};

void TestCli::helpAndVersion_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("expected");
    QTest::newRow("--help") << QStringList{"--help"} << "Commands:";
    QTest::newRow("--version") << QStringList{"--version"} << "bnflow-cli 0.1.0";
    QTest::newRow("grad --help") << QStringList{"grad", "--help"} << "Usage: bnflow-cli grad SESSION";
    QTest::newRow("gradcheck --help") << QStringList{"gradcheck", "--help"} << "--h H";
    QTest::newRow("bench --help") << QStringList{"bench", "--help"} << "--min-time-ms";
}

void TestCli::helpAndVersion()
{
    QFETCH(QStringList, args);
    QFETCH(QString, expected);
    const Run run = runCli(args);
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains(expected.toUtf8()), run.out.constData());
    QVERIFY(run.err.isEmpty());
}

void TestCli::usageErrors_data()
{
    const QString session = QStringLiteral(BNFLOW_REFERENCE_DIR "/small_4x3.bnflow.json");
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("expected");
    QTest::newRow("no command") << QStringList{} << "no command";
    QTest::newRow("unknown command") << QStringList{"gard", session} << "unknown command 'gard'";
    QTest::newRow("grad without session") << QStringList{"grad"} << "missing SESSION";
    QTest::newRow("grad two sessions") << QStringList{"grad", session, session} << "unexpected argument";
    QTest::newRow("unknown option") << QStringList{"grad", session, "--fast"} << "unknown option '--fast'";
    QTest::newRow("--h not a number") << QStringList{"gradcheck", session, "--h", "small"} << "--h expects a number";
    QTest::newRow("--h zero") << QStringList{"gradcheck", session, "--h=0"} << "--h must be in (0, 1]";
    QTest::newRow("--h nan") << QStringList{"gradcheck", session, "--h", "nan"} << "--h expects a number";
    QTest::newRow("--h without value") << QStringList{"gradcheck", session, "--h"} << "--h needs a value";
    QTest::newRow("bad shape") << QStringList{"bench", "--shapes", "64by64"} << "NxD";
    QTest::newRow("zero rows") << QStringList{"bench", "--shapes", "0x4"} << "whole number >= 1";
    QTest::newRow("huge shape") << QStringList{"bench", "--shapes", "100000x100000"} << "too large";
    QTest::newRow("bad dtype") << QStringList{"bench", "--dtype", "f16"} << "f32, f64 or both";
    QTest::newRow("bad variant") << QStringList{"bench", "--variants", "staged,magic"} << "'magic'";
    QTest::newRow("empty variants") << QStringList{"bench", "--variants", ""} << "option --variants is empty; expected V,...: staged, fused or both";
    QTest::newRow("--samples zero") << QStringList{"gradcheck", session, "--samples", "0"} << "--samples expects a whole number >= 1";
    QTest::newRow("--h of 100000 digits") << QStringList{"gradcheck", session, "--h", QString(100000, '9')} << "...'";
    QTest::newRow("json and csv") << QStringList{"bench", "--json", "--csv", "x.csv"} << "cannot be used together";
    QTest::newRow("bench unknown layer") << QStringList{"bench", "--layer", "instancenorm"} << "batchnorm, layernorm or rmsnorm";
    QTest::newRow("bench staged layer norm") << QStringList{"bench", "--layer", "layernorm", "--variants", "staged"} << "batchnorm only";
    QTest::newRow("negative min time") << QStringList{"bench", "--min-time-ms", "-5"} << "between 0";
    QTest::newRow("csv in missing folder") << QStringList{"bench", "--csv", "/no/such/dir/x.csv"} << "no such folder";
}

void TestCli::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, expected);
    expectBadInput(runCli(args), {expected});
}

void TestCli::badInputFiles_data()
{
    QTest::addColumn<int>("index");
    QTest::addColumn<QString>("command");
    for (std::size_t k = 0; k < badInputs().size(); ++k)
        for (const char* command : {"grad", "gradcheck"})
            QTest::addRow("%s %s", command, badInputs()[k].name) << static_cast<int>(k) << QString(command);
}

void TestCli::badInputFiles()
{
    QFETCH(int, index);
    QFETCH(QString, command);
    const BadInput& bad = badInputs()[static_cast<std::size_t>(index)];
    QTemporaryDir dir;
    const QString path = dir.filePath(QString(bad.name) + ".bnflow.json");
    {
        std::ofstream file(path.toStdString(), std::ios::binary);
        file << bad.content;
    }
    expectBadInput(runCli({command, path}), {path, bad.where, bad.what});
}

void TestCli::missingFileAndDirectory()
{
    QTemporaryDir dir;
    expectBadInput(runCli({"grad", dir.filePath("nope.bnflow.json")}), {"nope.bnflow.json", "no such file"});
    expectBadInput(runCli({"gradcheck", dir.path()}), {dir.path(), "is a directory"});
}

void TestCli::gradMatchesPyTorch_data()
{
    QTest::addColumn<QString>("name");
    for (const std::string& name : referenceCaseNames())
        QTest::newRow(name.c_str()) << QString::fromStdString(name);
}

void TestCli::gradMatchesPyTorch()
{
    QFETCH(QString, name);
    const ReferenceCase c = loadReferenceCase(name.toStdString());
    const Run run = runCli({"grad", QString::fromStdString(c.sessionPath)});
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.err.isEmpty());
    const Json out = Json::parse(run.out.constData());  // strict: throws on NaN or garbage
    QCOMPARE(out.at("shape"), Json({c.session.samples(), c.session.features()}));

    const auto check = [&](const char* group, const char* key, const char* expectedKey) {
        std::string report;
        const bool ok = closeTo(toMatrix(out.at(group).at(key)), c.expected.at(expectedKey),
                                termScale(expectedKey, c), c.rtol, &report);
        QVERIFY2(ok, (std::string(group) + "." + key + " " + report).c_str());
    };
    for (const char* key : {"mean", "var", "inv_std", "xhat", "y"})
        check("forward", key, key);
    for (const char* key : {"dxhat", "dvar", "dmean", "dx", "dgamma", "dbeta"})
        check("staged", key, key);
    for (const char* key : {"dx", "dgamma", "dbeta"})
        check("fused", key, key);
    for (const char* key : {"dx", "dgamma", "dbeta"}) {
        const double diff = out.at("max_abs_diff").at(key).get<double>();
        QVERIFY2(diff >= 0 && diff <= c.rtol * termScale(key, c), key);
    }
}

// Shortest round-trip numbers: what grad prints parses back to the very same doubles.
void TestCli::gradNumbersRoundTrip()
{
    const ReferenceCase c = loadReferenceCase("medium_16x8");
    const Run run = runCli({"grad", QString::fromStdString(c.sessionPath)});
    QCOMPARE(run.exitCode, 0);
    const Json out = Json::parse(run.out.constData());
    const Analysis a = *analyze(c.session).analysis;
    QCOMPARE(toMatrix(out.at("fused").at("dx")), a.fused.grads.dx);
    QCOMPARE(toMatrix(out.at("staged").at("dvar")), Matrix(a.staged.dvar));
    QCOMPARE(toMatrix(out.at("forward").at("xhat")), a.forward.xhat);
}

void TestCli::gradcheckReport()
{
    const QString session = QStringLiteral(BNFLOW_REFERENCE_DIR "/small_4x3.bnflow.json");
    for (const QString& h : {QStringLiteral("1e-05"), QStringLiteral("1e-06")}) {
        const Run run = runCli({"gradcheck", session, "--h", h});
        QCOMPARE(run.exitCode, 0);
        const Json out = Json::parse(run.out.constData());
        QCOMPARE(out.at("h").get<double>(), h.toDouble());
        QCOMPARE(out.size(), std::size_t(2));
        for (const char* key : {"dx", "dgamma", "dbeta"}) {
            const double e = out.at("max_rel_error").at(key).get<double>();
            QVERIFY2(e >= 0 && e < 1e-7, key);
        }
    }
}

// Layer norm and RMSNorm time their fused kernels (core/math/row_norm_kernel.h), in both dtypes.
void TestCli::benchLayerNormKernels()
{
    for (const char* layer : {"layernorm", "rmsnorm"}) {
        const Run run = runCli({"bench", "--layer", layer, "--shapes", "8x4", "--min-time-ms", "5", "--json"});
        QCOMPARE(run.exitCode, 0);
        const Json results = Json::parse(run.out.constData()).at("results");
        QCOMPARE(results.size(), std::size_t(2));
        for (const Json& r : results) {
            QCOMPARE(r.at("layer").get<std::string>(), std::string(layer));
            QCOMPARE(r.at("variant").get<std::string>(), std::string("fused"));
            QVERIFY(r.at("min_us").get<double>() > 0);
        }
    }
}

void TestCli::benchJson()
{
    const Run run = runCli({"bench", "--shapes", "8x4,32x2", "--dtype", "both", "--min-time-ms", "5", "--json"});
    QCOMPARE(run.exitCode, 0);
    const Json out = Json::parse(run.out.constData());
    const Json& results = out.at("results");
    QCOMPARE(results.size(), std::size_t(2 * 2 * 2));
    std::set<std::string> seen;
    for (const Json& r : results) {
        seen.insert(r.at("dtype").get<std::string>() + r.at("variant").get<std::string>());
        QVERIFY(r.at("shape") == Json({8, 4}) || r.at("shape") == Json({32, 2}));
        const double minUs = r.at("min_us"), p25 = r.at("p25_us"), median = r.at("median_us"),
                     p75 = r.at("p75_us");
        QVERIFY(0 < minUs && minUs <= p25 && p25 <= median && median <= p75);
        QVERIFY(r.at("samples").get<int>() >= 5);
        // The bytes a call moves, s (3 N D + 4 D), as an integer, and the rate at the min time.
        const std::int64_t n = r.at("shape")[0], d = r.at("shape")[1];
        const std::int64_t size = r.at("dtype") == "f32" ? 4 : 8;
        QVERIFY(r.at("bytes").is_number_integer());
        QCOMPARE(r.at("bytes").get<std::int64_t>(), size * (3 * n * d + 4 * d));
        const double gbps = r.at("gbps");
        QVERIFY(std::abs(gbps - double(size * (3 * n * d + 4 * d)) / (minUs * 1e-6) / 1e9) <= 1e-12 * gbps);
    }
    QCOMPARE(seen, (std::set<std::string>{"f32fused", "f32staged", "f64fused", "f64staged"}));
    // One core's copy bandwidth, measured in the same run: a positive float.
    QVERIFY(out.at("stream_gbps").is_number_float());
    QVERIFY(out.at("stream_gbps").get<double>() > 0.1);
    QVERIFY(out.at("stream_array_bytes").get<std::int64_t>() >= (std::int64_t(64) << 20));
}

void TestCli::benchCsvAndTable()
{
    QTemporaryDir dir;
    const QString csv = dir.filePath("bench.csv");
    const Run run = runCli({"bench", "--shapes", "16x4", "--dtype", "f64", "--variants", "staged,fused",
                            "--min-time-ms", "5", "--csv", csv});
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains("16x4") && run.out.contains("staged/fused"), run.out.constData());
    QFile file(csv);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), 3);
    QVERIFY(lines[0].startsWith("n,d,dtype,variant,min_us"));
    QVERIFY(lines[0].endsWith(",bytes,gbps"));
    QVERIFY(lines[1].startsWith("16,4,f64,staged,"));
    QVERIFY(lines[2].startsWith("16,4,f64,fused,"));
    const QByteArray bytes = QByteArray::number(8 * (3 * 16 * 4 + 4 * 4));
    QCOMPARE(lines[1].split(',').at(11), bytes);
    QVERIFY(lines[1].split(',').at(12).toDouble() > 0);
    QVERIFY2(run.out.contains("GB/s") && run.out.contains("copy bandwidth"), run.out.constData());
    QVERIFY(!QFile::exists(csv + ".part"));
}

void TestCli::handout()
{
    QTemporaryDir dir;
    const QString pdf = dir.filePath("steps.pdf");
    const Run run = runCli({"handout", QStringLiteral(BNFLOW_REFERENCE_DIR "/small_4x3.bnflow.json"),
                            "--out", pdf, "--feature", "2"});
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.out.isEmpty());
    QFile file(pdf);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    QVERIFY(bytes.startsWith("%PDF-"));
    const qsizetype pages = QString::fromLatin1(bytes).count(QRegularExpression(QStringLiteral("/Type\\s*/Page[^s]")));
    QCOMPARE(pages, qsizetype(1 + 25 + 1));  // a cover, one page per step, the Jacobian of the set
}

void TestCli::handoutBadInput_data()
{
    const QString good = QStringLiteral(BNFLOW_REFERENCE_DIR "/small_4x3.bnflow.json");
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("expected");
    QTest::newRow("no --out") << QStringList{"handout", good} << "missing --out";
    QTest::newRow("not a pdf") << QStringList{"handout", good, "--out", "x.png"} << "must name a .pdf";
    QTest::newRow("no such feature") << QStringList{"handout", good, "--out", "x.pdf", "--feature", "9"} << "is not a feature";
    QTest::newRow("negative feature") << QStringList{"handout", good, "--out", "x.pdf", "--feature", "-1"} << ">= 0";
    QTest::newRow("missing session") << QStringList{"handout", "/no/such.bnflow.json", "--out", "x.pdf"} << "no such file";
}

void TestCli::handoutBadInput()
{
    QFETCH(QStringList, args);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    for (QString& arg : args)
        if (arg == "x.pdf" || arg == "x.png")
            arg = dir.filePath(arg);
    expectBadInput(runCli(args), {expected});
    QVERIFY(!QFile::exists(dir.filePath("x.pdf")));
}

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
