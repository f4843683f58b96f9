// bnflow-cli export --plot jacobian: the picture in every format, and a CSV whose numbers are
// exactly those of bnflow-cli jacobian for the same set; a set too large and bad options are
// refused with no file written.
#include "cli_runner.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <fstream>
#include <map>

using namespace bnflow::test;
using Json = nlohmann::json;

namespace {

const QString kCases = QStringLiteral(BNFLOW_JACOBIAN_CASES);

Json readJson(const QString& path)
{
    std::ifstream in(path.toStdString());
    return Json::parse(in);
}

// The CSV's cells and eigenvalues: "panel,series,x,y,low,high,label", the label last (quoted).
struct CsvNumbers {
    std::map<std::pair<int, int>, double> cells;  // (row, column)
    std::map<int, double> eigenvalues;            // by index
};

CsvNumbers readCsv(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    CsvNumbers numbers;
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (int n = 1; n < lines.size(); ++n) {
        const QList<QByteArray> fields = lines[n].split(',');
        if (fields.size() < 4)
            continue;
        const QByteArray& series = fields[1];
        if (fields[0] == "0" && series.startsWith("row "))
            numbers.cells[{series.mid(4).toInt(), fields[2].toInt()}] = std::stod(fields[3].toStdString());
        else if (fields[0] == "1" && !series.startsWith("along "))
            numbers.eigenvalues[fields[2].toInt()] = std::stod(fields[3].toStdString());
    }
    return numbers;
}

QStringList setOptions(const Json& expected)
{
    return {"--feature", QString::number(expected.at("feature").get<int>()), "--sample",
            QString::number(expected.at("sample").get<int>())};
}

}  // namespace

class TestCliJacobianExport : public QObject {
    Q_OBJECT
private slots:
    void csvEqualsTheJacobianCommand_data();
    void csvEqualsTheJacobianCommand();
    void imagesInEveryFormat();
    void refusals();
};

void TestCliJacobianExport::csvEqualsTheJacobianCommand_data()
{
    QTest::addColumn<QString>("name");
    for (const QString& file : QDir(kCases).entryList({"*.expected.json"}, QDir::Files, QDir::Name))
        QTest::newRow(qPrintable(file)) << file.chopped(int(std::strlen(".expected.json")));
}

void TestCliJacobianExport::csvEqualsTheJacobianCommand()
{
    QFETCH(QString, name);
    const QString session = kCases + "/" + name + ".bnflow.json";
    const QStringList set = setOptions(readJson(kCases + "/" + name + ".expected.json"));
    const Run jacobian = runCli(QStringList{"jacobian", session} + set);
    QCOMPARE(jacobian.exitCode, 0);
    const Json out = Json::parse(jacobian.out.constData());
    QTemporaryDir dir;
    const QString csv = dir.filePath("j.csv");
    const Run exported = runCli(QStringList{"export", session, "--plot", "jacobian", "--out", csv} + set);
    QVERIFY2(exported.exitCode == 0, exported.err.constData());
    QVERIFY(exported.out.isEmpty());
    const CsvNumbers numbers = readCsv(csv);
    const std::size_t m = out.at("size").get<std::size_t>();
    QCOMPARE(numbers.cells.size(), m * m);
    for (std::size_t a = 0; a < m; ++a)
        for (std::size_t b = 0; b < m; ++b)  // both shortest round-trip: the same doubles
            QCOMPARE(numbers.cells.at({int(a), int(b)}), out.at("matrix")[a][b].get<double>());
    QCOMPARE(numbers.eigenvalues.size(), m);
    for (std::size_t k = 0; k < m; ++k)
        QCOMPARE(numbers.eigenvalues.at(int(k)), out.at("eigenvalues")[k].get<double>());
}

void TestCliJacobianExport::imagesInEveryFormat()
{
    QTemporaryDir dir;
    const QString session = kCases + "/groupnorm_g2_3x8.bnflow.json";
    const std::map<QString, QByteArray> magic = {
        {"png", "\x89PNG"}, {"pdf", "%PDF-"}, {"svg", "<?xml"}};
    for (const auto& [suffix, bytes] : magic) {
        const QString path = dir.filePath("j." + suffix);
        const Run run = runCli({"export", session, "--plot", "jacobian", "--out", path, "--sample", "2",
                                "--feature", "5"});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.read(bytes.size()) == bytes);
    }
    QFile svg(dir.filePath("j.svg"));
    QVERIFY(svg.open(QIODevice::ReadOnly));
    QVERIFY(svg.readAll().contains("sample 2, group 1"));
}

void TestCliJacobianExport::refusals()
{
    QTemporaryDir dir;
    const QString tall = dir.filePath("tall.bnflow.json");
    {
        std::ofstream out(tall.toStdString());
        out << R"({"format": "bnflow-session", "version": 1, "gamma": [1.5], "beta": [0.0], "eps": 1e-5, "x": [)";
        for (int i = 0; i < 4097; ++i)
            out << (i ? ", " : "") << "[" << (i % 7) * 0.25 << "]";
        out << "]}\n";
    }
    const QString png = dir.filePath("big.png");
    expectBadInput(runCli({"export", tall, "--plot", "jacobian", "--out", png}),
                   {"tall.bnflow.json", "--plot jacobian", "4097", "at most 4096"});
    QVERIFY(!QFile::exists(png));
    const QString session = kCases + "/layernorm_4x5.bnflow.json";
    const QString csv = dir.filePath("j.csv");
    expectBadInput(runCli({"export", session, "--plot", "jacobian", "--out", csv, "--sample", "4"}),
                   {"--sample 4", "out of range", "4 samples"});
    expectBadInput(runCli({"export", session, "--plot", "jacobian", "--out", csv, "--feature", "5"}),
                   {"--feature 5", "out of range"});
    expectBadInput(runCli({"export", session, "--plot", "jacobian", "--out", csv, "--h", "1e-3"}),
                   {"--h", "gradcheck only"});
    QVERIFY(!QFile::exists(csv));
}

QTEST_MAIN(TestCliJacobianExport)
#include "test_cli_jacobian_export.moc"
