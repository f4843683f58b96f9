// bnflow-cli check as a student runs it: the built binary on files NumPy wrote
// (tests/check/generate.py), its JSON parsed strictly, its exit status per the contract.
#include "cli_runner.h"

#include <core/io/array_file.h>

#include <nlohmann/json.hpp>

#include <QtTest>

#include <fstream>

using namespace bnflow::test;
using Json = nlohmann::json;

namespace {

const QString kCases = QStringLiteral(BNFLOW_CHECK_CASES);

Json manifest()
{
    std::ifstream in((kCases + "/manifest.json").toStdString());
    return Json::parse(in);
}

QString file(const Json& name)
{
    return kCases + "/" + QString::fromStdString(name.get<std::string>());
}

Json parsed(const Run& run)
{
    return Json::parse(run.out.constData());
}

}  // namespace

class TestCliCheck : public QObject {
    Q_OBJECT
private slots:
    void mistakes_data();
    void mistakes();
    void fileKinds_data();
    void fileKinds();
    void float32();
    void badInput_data();
    void badInput();
    void sessionFromNpz();
    void oneWrongTensor();
    void help();
};

void TestCliCheck::mistakes_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("mistake");
    const Json cases = manifest()["cases"];
    // One session through the binary; core's suite covers the others.
    for (const Json& c : cases) {
        if (c["session"] != "random_5x3.bnflow.json")
            continue;
        const Json& f = c["files"];
        const QString mistake =
            c["mistake"].is_null() ? QString() : QString::fromStdString(c["mistake"]);
        QTest::newRow(mistake.isEmpty() ? "right" : qPrintable(mistake))
            << QStringList{"check", file(c["session"]), "--dx", file(f["dx"]),
                           "--dgamma=" + file(f["dgamma"]), "--dbeta", file(f["dbeta"])}
            << mistake;
    }
}

void TestCliCheck::mistakes()
{
    QFETCH(QStringList, args);
    QFETCH(QString, mistake);
    const Run run = runCli(args);
    QVERIFY2(run.err.isEmpty(), run.err.constData());
    QCOMPARE(run.exitCode, mistake.isEmpty() ? 0 : 3);
    const Json out = parsed(run);
    QCOMPARE(out["verdict"], mistake.isEmpty() ? "correct" : "wrong");
    QCOMPARE(out["tensors"].size(), std::size_t(3));
    for (const char* name : {"dx", "dgamma", "dbeta"}) {
        const Json& t = out["tensors"][name];
        QVERIFY(t["status"].is_string() && t["max_abs_error"].is_number() &&
                t["max_scaled_error"].is_number() && t["worst"].size() == 2);
    }
    const Json& diagnosis = out["diagnosis"];
    QVERIFY(diagnosis.is_array());
    if (mistake.isEmpty())
        QVERIFY(diagnosis.empty());
    else
        QVERIFY2(std::find(diagnosis.begin(), diagnosis.end(), mistake.toStdString()) !=
                     diagnosis.end(),
                 run.out.constData());
}

// The 0-d dbeta (or dgamma) of np.sum without axis, beside two right tensors: judged, and
// named for that tensor alone (it was exit 2, a shape error).
void TestCliCheck::oneWrongTensor()
{
    const Json cases = manifest()["one_tensor"];  // a copy: the manifest is a temporary
    QVERIFY(cases.size() >= 4);
    for (const Json& c : cases) {
        const Json& f = c["files"];
        const Run run = runCli({"check", file(c["session"]), "--dx", file(f["dx"]), "--dgamma",
                                file(f["dgamma"]), "--dbeta", file(f["dbeta"])});
        QVERIFY2(run.err.isEmpty(), run.err.constData());
        QCOMPARE(run.exitCode, 3);
        const Json out = parsed(run);
        const std::string wrong = c["wrong"];
        for (const auto& [name, t] : out["tensors"].items()) {
            QVERIFY(t["diagnosis"].is_array());
            if (name == wrong) {
                QCOMPARE(t["status"], "wrong");
                QCOMPARE(t["diagnosis"], Json::array({c["mistake"]}));
            } else {
                QVERIFY2(t["status"] != "wrong" && t["diagnosis"].empty(), run.out.constData());
            }
        }
        QCOMPARE(out["diagnosis"], Json::array({c["mistake"]}));
    }
}

void TestCliCheck::fileKinds_data()
{
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QString>("status");
    const Json kinds = manifest()["kinds"]["files"];
    const QString dx = kCases + "/random_5x3.right.dx.npy";
    for (const auto& [kind, name] : kinds.items()) {
        if (kind == "session.npz")
            continue;
        QStringList options;
        if (kind.ends_with(".npz"))
            options = {"--npz", file(name)};
        else if (kind.starts_with("dgamma"))
            options = {"--dx", dx, "--dgamma", file(name)};
        else if (kind.starts_with("dbeta"))
            options = {"--dx", dx, "--dbeta", file(name)};
        else
            options = {"--dx", file(name)};
        QTest::newRow(kind.c_str()) << options << (kind.starts_with("f4") ? "close" : "exact");
    }
}

void TestCliCheck::fileKinds()
{
    QFETCH(QStringList, options);
    QFETCH(QString, status);
    const Run run = runCli(QStringList{"check", kCases + "/random_5x3.bnflow.json"} + options);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const Json out = parsed(run);
    QCOMPARE(out["verdict"], "correct");
    for (const auto& [name, t] : out["tensors"].items()) {
        QCOMPARE(t["status"].get<std::string>(), status.toStdString());
        // Errors are floating-point numbers to every reader, even an exact 0.
        QVERIFY(t["max_abs_error"].is_number_float() && t["max_scaled_error"].is_number_float());
    }
}

void TestCliCheck::float32()
{
    const Json c = manifest()["float32"][0];
    const Run run = runCli({"check", file(c["session"]), "--dx", file(c["files"]["dx"])});
    QCOMPARE(run.exitCode, 0);
    const Json out = parsed(run);
    QCOMPARE(out["tensors"]["dx"]["status"], "close");
    // An .npy of dtype float32 says so itself: judged with bnflow's float32 rounding.
    QCOMPARE(out["tensors"]["dx"]["reference"], "float32");
    QCOMPARE(out["reference"], "float32");

    // The same numbers as float64 text: judged as a float64 answer unless --dtype f32 says
    // otherwise; either way the reference is named.
    QTemporaryDir dir;
    const QString csv = dir.filePath("dx.csv");
    {
        const bnflow::NdArrayLoad load = bnflow::loadArrayFile(file(c["files"]["dx"]).toStdString());
        QVERIFY(load.ok());
        QFile out(csv);
        QVERIFY(out.open(QIODevice::WriteOnly));
        const bnflow::Matrix& m = load.array->values;
        for (Eigen::Index i = 0; i < m.rows(); ++i) {
            QStringList row;
            for (Eigen::Index j = 0; j < m.cols(); ++j)
                row << QString::number(m(i, j), 'g', 17);
            out.write((row.join(',') + '\n').toUtf8());
        }
    }
    const Run text = runCli({"check", file(c["session"]), "--dx", csv});
    QCOMPARE(parsed(text)["tensors"]["dx"]["reference"], "float64");
    QCOMPARE(parsed(text)["reference"], "float64");
    const Run declared = runCli({"check", file(c["session"]), "--dx", csv, "--dtype", "f32"});
    QCOMPARE(declared.exitCode, 0);
    QCOMPARE(parsed(declared)["tensors"]["dx"]["reference"], "float32");
    QCOMPARE(parsed(declared)["tensors"]["dx"]["status"], "close");
    const Run bad = runCli({"check", file(c["session"]), "--dx", csv, "--dtype", "f16"});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains("f32 or f64"), bad.err.constData());
}

void TestCliCheck::badInput_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QStringList>("fragments");
    const Json bad = manifest()["bad"]["files"];
    const QString session = kCases + "/random_5x3.bnflow.json";
    const std::map<std::string, QString> what = {
        {"truncated_header", "header: truncated"}, {"truncated_data", "(truncated)"},
        {"int64", "integer dtype '<i8'"},          {"big_endian", "big-endian"},
        {"object", "object array"},                {"three_dims", "3 dimensions"},
        {"shape_mismatch", "has shape (3, 5); expected (5, 3)"},
        {"not_npz", "not an .npz"}};
    for (const auto& [kind, fragment] : what) {
        const QString path = file(bad[kind]);
        const QString option = path.endsWith(".npz") ? "--npz" : "--dx";
        QTest::newRow(kind.c_str()) << QStringList{"check", session, option, path}
                                    << QStringList{path, fragment};
    }
    QTest::newRow("dgamma of the wrong length")
        << QStringList{"check", session, "--dx", kCases + "/random_5x3.right.dx.npy", "--dgamma",
                       kCases + "/random_5x3.right.dx.npy"}
        << QStringList{"expected (3,) or (1, 3) for dgamma"};
    QTest::newRow("npz without gradients")
        << QStringList{"check", session, "--npz", kCases + "/random_5x3.session.npz"}
        << QStringList{"holds none of dx, dgamma, dbeta"};
    QTest::newRow("no --dx") << QStringList{"check", session} << QStringList{"missing --dx"};
    QTest::newRow("--npz with --dx")
        << QStringList{"check", session, "--npz", "a.npz", "--dx", "b.npy"}
        << QStringList{"cannot be combined"};
    QTest::newRow("missing file") << QStringList{"check", session, "--dx", "no/such.npy"}
                                  << QStringList{"no/such.npy: no such file"};
}

void TestCliCheck::badInput()
{
    QFETCH(QStringList, args);
    QFETCH(QStringList, fragments);
    expectBadInput(runCli(args), fragments);
}

void TestCliCheck::sessionFromNpz()
{
    const Run fromNpz = runCli({"grad", kCases + "/random_5x3.session.npz"});
    const Run fromJson = runCli({"grad", kCases + "/random_5x3.bnflow.json"});
    QCOMPARE(fromNpz.exitCode, 0);
    QCOMPARE(fromNpz.out, fromJson.out);
    // One archive may hold the session and the student's gradients together.
    const Run check = runCli({"check", kCases + "/random_5x3.session.npz", "--npz",
                              kCases + "/random_5x3.right.npz"});
    QCOMPARE(check.exitCode, 0);
}

void TestCliCheck::help()
{
    const Run run = runCli({"check", "--help"});
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.out.contains("Usage: bnflow-cli check SESSION (--dx FILE [--dgamma FILE] [--dbeta FILE] | --npz FILE)"));
    QVERIFY(run.out.contains("3 wrong"));
    QVERIFY(runCli({"--help"}).out.contains("check SESSION"));
}

QTEST_GUILESS_MAIN(TestCliCheck)
#include "test_cli_check.moc"
