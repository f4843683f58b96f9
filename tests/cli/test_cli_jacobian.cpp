// bnflow-cli jacobian: the built binary against PyTorch's autograd Jacobians
// (tests/reference/jacobian/generate.py), its JSON parsed strictly, and its bad input.
#include "cli_runner.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <set>

using namespace bnflow::test;
using Json = nlohmann::json;

namespace {

const QString kCases = QStringLiteral(BNFLOW_JACOBIAN_CASES);

Json readJson(const QString& path)
{
    std::ifstream in(path.toStdString());
    return Json::parse(in);
}

Json parsed(const Run& run)
{
    return Json::parse(run.out.constData());  // strict: throws on NaN or garbage
}

double maxAbs(const Json& values)
{
    double m = 0;
    for (const Json& v : values)
        m = std::max(m, v.is_array() ? maxAbs(v) : std::abs(v.get<double>()));
    return m;
}

// A batch norm session of N samples and one feature, written to `path`.
void writeColumnSession(const QString& path, int samples)
{
    std::ofstream out(path.toStdString());
    out << R"({"format": "bnflow-session", "version": 1, "gamma": [1.5], "beta": [0.0], "eps": 1e-5, "x": [)";
    for (int i = 0; i < samples; ++i)
        out << (i ? ", " : "") << "[" << (i % 7) * 0.25 << "]";
    out << "]}\n";
}

}  // namespace

class TestCliJacobian : public QObject {
    Q_OBJECT
private slots:
    void matchesPyTorch_data();
    void matchesPyTorch();
    void everyLayerHasCases();
    void integersAndFloats();
    void optionSpellings();
    void badInput_data();
    void badInput();
    void tooLargeASet();
    void help();
};

void TestCliJacobian::matchesPyTorch_data()
{
    QTest::addColumn<QString>("name");
    const QStringList files = QDir(kCases).entryList({"*.expected.json"}, QDir::Files, QDir::Name);
    QVERIFY(files.size() >= 20);
    for (const QString& file : files) {
        const QString name = file.chopped(int(std::strlen(".expected.json")));
        QTest::newRow(qPrintable(name)) << name;
    }
}

void TestCliJacobian::matchesPyTorch()
{
    QFETCH(QString, name);
    const Json expected = readJson(kCases + "/" + name + ".expected.json");
    const Run run = runCli({"jacobian", kCases + "/" + name + ".bnflow.json", "--feature",
                            QString::number(expected.at("feature").get<int>()), "--sample",
                            QString::number(expected.at("sample").get<int>())});
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.err.isEmpty(), run.err.constData());
    const Json out = parsed(run);
    QCOMPARE(out.at("layer"), expected.at("layer"));
    QCOMPARE(out.at("set"), expected.at("set"));
    QCOMPARE(out.at("size"), expected.at("size"));
    QCOMPARE(out.at("null_space_dim"), expected.at("null_space_dim"));

    const Json& matrix = out.at("matrix");
    const Json& want = expected.at("matrix");
    const std::size_t m = expected.at("size").get<std::size_t>();
    QCOMPARE(matrix.size(), m);
    const double scale = maxAbs(want);
    double worst = 0;
    for (std::size_t a = 0; a < m; ++a) {
        QCOMPARE(matrix.at(a).size(), m);
        for (std::size_t b = 0; b < m; ++b)
            worst = std::max(worst, std::abs(matrix[a][b].get<double>() - want[a][b].get<double>()) / scale);
    }
    QVERIFY2(worst <= 1e-12, qPrintable(QStringLiteral("matrix: scaled error %1").arg(worst)));

    const Json& eigenvalues = out.at("eigenvalues");
    const Json& wantEigen = expected.at("eigenvalues");
    QCOMPARE(eigenvalues.size(), m);
    const double eigenScale = maxAbs(wantEigen);
    worst = 0;
    for (std::size_t k = 0; k < m; ++k) {
        if (k > 0)
            QVERIFY(eigenvalues[k].get<double>() >= eigenvalues[k - 1].get<double>());  // ascending
        worst = std::max(worst, std::abs(eigenvalues[k].get<double>() - wantEigen[k].get<double>()) / eigenScale);
    }
    QVERIFY2(worst <= 1e-10, qPrintable(QStringLiteral("eigenvalues: scaled error %1").arg(worst)));
}

void TestCliJacobian::everyLayerHasCases()
{
    std::set<std::string> sets;
    std::set<int> nullDims;
    for (const QString& file : QDir(kCases).entryList({"*.expected.json"}, QDir::Files)) {
        const Json e = readJson(kCases + "/" + file);
        const std::string set = e.at("set").get<std::string>();
        const bool group = set.find(", group ") != std::string::npos;
        sets.insert(e.at("layer").get<std::string>() + ": " +
                    (group ? std::string("sample, group") : set.substr(0, set.find(' '))));
        nullDims.insert(e.at("null_space_dim").get<int>());
    }
    for (const char* kind : {"batchnorm: feature", "batchnorm: channel", "layernorm: sample",
                             "rmsnorm: sample", "groupnorm: sample, group"})
        QVERIFY2(sets.count(kind), kind);
    QVERIFY(nullDims.count(0) && nullDims.count(1) && nullDims.count(2));
}

void TestCliJacobian::integersAndFloats()
{
    const Run run = runCli({"jacobian", kCases + "/batchnorm_constant_4x3.bnflow.json"});
    QCOMPARE(run.exitCode, 0);
    const Json out = parsed(run);
    std::vector<std::string> keys;
    for (const auto& [key, value] : out.items())
        keys.push_back(key);
    std::sort(keys.begin(), keys.end());
    QCOMPARE(keys, (std::vector<std::string>{"eigenvalues", "layer", "matrix", "null_space_dim", "set", "size"}));
    QVERIFY(out.at("size").is_number_integer());
    QVERIFY(out.at("null_space_dim").is_number_integer());
    QCOMPARE(out.at("set").get<std::string>(), std::string("feature 0"));  // the defaults J = I = 0
    for (const Json& row : out.at("matrix"))
        for (const Json& v : row)
            QVERIFY(v.is_number_float());  // 0 is written 0.0
    for (const Json& v : out.at("eigenvalues"))
        QVERIFY(v.is_number_float());
}

void TestCliJacobian::optionSpellings()
{
    const QString session = kCases + "/groupnorm_g2_3x8.bnflow.json";
    const Run spaced = runCli({"jacobian", session, "--feature", "5", "--sample", "1"});
    const Run joined = runCli({"jacobian", session, "--feature=5", "--sample=1"});
    QCOMPARE(spaced.exitCode, 0);
    QCOMPARE(joined.out, spaced.out);
    QFile file(session);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const Run piped = runCliWithInput({"jacobian", "-", "--sample=1", "--feature=5"}, file.readAll());
    QCOMPARE(piped.out, spaced.out);
}

void TestCliJacobian::badInput_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QStringList>("fragments");
    const QString gn = kCases + "/groupnorm_g2_3x8.bnflow.json";  // 3 x 8
    QTest::newRow("feature beyond D") << QStringList{gn, "--feature", "8"}
                                      << QStringList{"--feature", "0..7", "got 8"};
    QTest::newRow("sample beyond N") << QStringList{gn, "--sample=3"} << QStringList{"--sample", "0..2", "got 3"};
    QTest::newRow("feature not a number") << QStringList{gn, "--feature", "two"}
                                          << QStringList{"--feature", "whole number", "two"};
    QTest::newRow("sample not whole") << QStringList{gn, "--sample", "1.5"}
                                      << QStringList{"--sample", "whole number", "1.5"};
    QTest::newRow("negative feature") << QStringList{gn, "--feature=-1"} << QStringList{"--feature", "-1"};
    QTest::newRow("no session") << QStringList{} << QStringList{"SESSION"};
    QTest::newRow("unknown option") << QStringList{gn, "--channel", "1"} << QStringList{"--channel"};
}

void TestCliJacobian::badInput()
{
    QFETCH(QStringList, args);
    QFETCH(QStringList, fragments);
    expectBadInput(runCli(QStringList{"jacobian"} + args), fragments);
}

void TestCliJacobian::tooLargeASet()
{
    QTemporaryDir dir;
    const QString big = dir.filePath("tall.bnflow.json");
    writeColumnSession(big, 4097);  // batch norm: feature 0's column, M = N = 4097
    expectBadInput(runCli({"jacobian", big}), {"tall.bnflow.json", "feature 0", "4097", "at most 4096"});
    const QString fits = dir.filePath("fits.bnflow.json");
    writeColumnSession(fits, 300);
    const Run run = runCli({"jacobian", fits});
    QCOMPARE(run.exitCode, 0);
    const Json out = parsed(run);
    QCOMPARE(out.at("size").get<int>(), 300);
    QCOMPARE(out.at("null_space_dim").get<int>(), 1);
}

void TestCliJacobian::help()
{
    const Run run = runCli({"jacobian", "--help"});
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.out.contains("Usage: bnflow-cli jacobian SESSION [--feature J] [--sample I]"));
    const Run all = runCli({"--help"});
    QVERIFY(all.out.contains("jacobian SESSION"));
}

QTEST_GUILESS_MAIN(TestCliJacobian)
#include "test_cli_jacobian.moc"
