// The .npy/.npz reader and the student's file kinds (sessions from .npz: test_session_npz), on files NumPy wrote
// (tests/check/generate.py) and on hand-cut bytes for what NumPy never writes.
#include "fuzzy.h"
#include "npy_bytes.h"

#include <core/io/array_file.h>
#include <core/io/csv.h>
#include <core/io/npy.h>
#include <core/io/session_json.h>

#include <nlohmann/json.hpp>

#include <QtTest>

#include <fstream>

using namespace bnflow;
using namespace bnflow::test;
using Json = nlohmann::json;

namespace {

const std::string kCases = BNFLOW_CHECK_CASES;

Json manifest()
{
    std::ifstream in(kCases + "/manifest.json");
    return Json::parse(in);
}

std::string caseFile(const Json& name)
{
    return kCases + "/" + name.get<std::string>();
}

Matrix rightDx()
{
    const NdArrayLoad load = loadArrayFile(kCases + "/random_5x3.right.dx.npy");
    if (!load.ok())
        qFatal("cannot read the reference dx: %s", load.problem.what.c_str());
    return load.array->values;
}

}  // namespace

class TestNpy : public QObject {
    Q_OBJECT
private slots:
    void acceptedKinds_data();
    void acceptedKinds();
    void handCutHeaders_data();
    void handCutHeaders();
    void malformedFiles_data();
    void malformedFiles();
    void npzMembers();
    void npzMemberOverTheCapIsRefusedUnread();
    void jsonArrayFiles_data();
    void jsonArrayFiles();
};

void TestNpy::acceptedKinds_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("path");
    const Json kinds = manifest()["kinds"]["files"];
    for (const auto& [kind, file] : kinds.items())
        if (kind != "dgamma_1xD.npy" && kind != "dbeta.json" && !kind.ends_with(".npz"))
            QTest::newRow(kind.c_str()) << QString::fromStdString(kind)
                                        << QString::fromStdString(caseFile(file));
}

void TestNpy::acceptedKinds()
{
    QFETCH(QString, kind);
    QFETCH(QString, path);
    const NdArrayLoad load = loadArrayFile(path.toStdString());
    QVERIFY2(load.ok(), formatProblem(load.problem).c_str());
    const Matrix expected = rightDx();
    QCOMPARE(load.array->shape, (std::vector<Eigen::Index>{expected.rows(), expected.cols()}));
    const bool float32 = kind.startsWith("f4");
    QCOMPARE(load.array->dtype == Dtype::F32, float32);
    // float32 files round each number once; every other kind holds the doubles exactly.
    QVERIFY(test::closeTo(load.array->values, expected, test::maxAbs(expected),
                          float32 ? 1e-7 : 0.0, nullptr));
}

void TestNpy::handCutHeaders_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected");  // a fragment of the problem, or "" when accepted
    const std::string two = doubles({1.5, -2.0});
    const auto row = [](const std::string& s) { return QByteArray(s.data(), qsizetype(s.size())); };
    QTest::newRow("0-d") << row(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (), }",
                                         doubles({3.0}))) << "";
    QTest::newRow("double quotes, no trailing comma")
        << row(npyBytes("{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (2,)}", two))
        << "";
    QTest::newRow("version 2") << row(npyBytes(
        "{'descr': '<f8', 'fortran_order': True, 'shape': (1, 2), }", two, 2)) << "";
    QTest::newRow("version 4") << row(npyBytes(
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", two, 4)) << "version 4.0";
    QTest::newRow("no magic") << QByteArray("{'descr': '<f8'}") << "\\x93NUMPY";
    QTest::newRow("missing shape") << row(npyBytes("{'descr': '<f8', 'fortran_order': False}", two))
                                   << "'shape' is missing";
    QTest::newRow("extra key") << row(npyBytes(
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 1}", two)) << "'x' is";
    QTest::newRow("structured") << row(npyBytes(
        "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,), }", two))
                                << "structured";
    QTest::newRow("negative dimension") << row(npyBytes(
        "{'descr': '<f8', 'fortran_order': False, 'shape': (-2,), }", two)) << "non-negative";
    QTest::newRow("huge shape") << row(npyBytes(
        "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", two))
                                << "too large";
    // One entry more than a session's N x D cap: refused from the header (the data is absent,
    // which before the cap was reported only as a truncation, after the allocation).
    QTest::newRow("entries over the cap") << row(npyBytes(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1048577, 4), }", two))
                                          << "has 4194308 entries; at most 4194304";
    QTest::newRow("trailing bytes") << row(npyBytes(
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", two)) << "the file has 16";
    QTest::newRow("complex") << row(npyBytes(
        "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", two)) << "complex dtype";
    QTest::newRow("float16") << row(npyBytes(
        "{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }", "ab")) << "another size";
    // A spatial (N, C, L) dx is read in C order as N rows of C * L; 4 dimensions, or 3 in
    // Fortran order (whose flattening is another), are not.
    QTest::newRow("three dimensions") << row(npyBytes(
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2, 1), }", two)) << "";
    QTest::newRow("four dimensions") << row(npyBytes(
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2, 1, 1), }", two))
                                     << "4 dimensions; expected at most 3";
    QTest::newRow("three dimensions, Fortran order") << row(npyBytes(
        "{'descr': '<f8', 'fortran_order': True, 'shape': (1, 2, 1), }", two)) << "C order only";
    QTest::newRow("not a bool") << row(npyBytes(
        "{'descr': '<f8', 'fortran_order': 0, 'shape': (2,), }", two)) << "True or False";
}

void TestNpy::handCutHeaders()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);
    const NdArrayLoad load =
        parseNpy(std::string_view(bytes.constData(), std::size_t(bytes.size())));
    if (expected.isEmpty()) {
        QVERIFY2(load.ok(), formatProblem(load.problem).c_str());
        QVERIFY(load.array->values.allFinite());
        return;
    }
    QVERIFY(!load.ok());
    QVERIFY2(QString::fromStdString(load.problem.what).contains(expected),
             load.problem.what.c_str());
}

void TestNpy::malformedFiles_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("expected");
    const Json bad = manifest()["bad"]["files"];
    const std::map<std::string, QString> fragments = {
        {"truncated_header", "truncated"}, {"truncated_data", "truncated"},
        {"int64", "integer dtype '<i8'"},  {"big_endian", "big-endian"},
        {"object", "object array"},        {"not_npz", "not an .npz"}};
    for (const auto& [kind, fragment] : fragments)
        QTest::newRow(kind.c_str()) << QString::fromStdString(caseFile(bad[kind])) << fragment;
}

void TestNpy::malformedFiles()
{
    QFETCH(QString, path);
    QFETCH(QString, expected);
    const std::string file = path.toStdString();
    Problem problem;
    const auto bytes = readFileBytes(file, kMaxArrayFileBytes, problem);
    QVERIFY(bytes.has_value());
    if (path.endsWith(".npz")) {
        const NpzRead npz = readNpz(*bytes);
        QVERIFY(!npz.ok());
        problem = npz.problem;
    } else {
        const NdArrayLoad load = parseArrayFile(*bytes, file);
        QVERIFY(!load.ok());
        problem = load.problem;
    }
    const std::string message = formatProblem(problem);
    QVERIFY2(QString::fromStdString(message).contains(expected), message.c_str());
    QVERIFY(message.find('\n') == std::string::npos);
}

void TestNpy::npzMembers()
{
    for (const char* name : {"random_5x3.right.npz", "random_5x3.right_deflated.npz"}) {
        Problem problem;
        const auto bytes = readFileBytes(kCases + "/" + name, kMaxArrayFileBytes, problem);
        QVERIFY(bytes);
        const NpzRead npz = readNpz(*bytes);
        QVERIFY2(npz.ok(), formatProblem(npz.problem).c_str());
        QCOMPARE(npz.members.front().first, std::string("dx"));
        const NdArrayLoad dx = parseNpy(npz.members.front().second);
        QVERIFY(dx.ok());
        QVERIFY(test::closeTo(dx.array->values, rightDx(), 1.0, 0.0, nullptr));
    }
    // A cut archive is refused, never half read.
    Problem problem;
    const auto bytes = readFileBytes(kCases + "/random_5x3.right_deflated.npz", kMaxArrayFileBytes,
                                     problem);
    QVERIFY(bytes);
    QVERIFY(!readNpz(bytes->substr(0, bytes->size() - 30)).ok());
    QVERIFY(!readNpz("PK\x05\x06").ok());
    QVERIFY(!readNpz("not a zip").ok());
}

void TestNpy::npzMemberOverTheCapIsRefusedUnread()
{
    // A member larger than any array of kMaxArrayEntries float64 values is refused from the
    // archive's directory: 40 MiB of zeros, deflated by libzip to a few KB, never unpacked.
    const std::string big(40u << 20, '\0');
    const std::string archive = zipOf({{"x.npy", big}, {"gamma.npy", "g"}});
    QVERIFY(archive.size() < big.size() / 100);
    const NpzRead npz = readNpz(archive);
    QVERIFY(!npz.ok());
    QCOMPARE(npz.problem.where, std::string("member 'x.npy'"));
    QVERIFY2(npz.problem.what.find("more than any array of at most 4194304") != std::string::npos,
             npz.problem.what.c_str());
}

void TestNpy::jsonArrayFiles_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("fragment");  // empty: accepted
    QTest::newRow("rows") << QByteArray("[[1, 2], [3, 4.5]]") << QString();
    QTest::newRow("vector") << QByteArray("[1, -2e-3]") << QString();
    QTest::newRow("overflow") << QByteArray("[[1, 1e999]]")
                              << "the number 1e999 is out of range for a double";
    QTest::newRow("string") << QByteArray("[[1, \"a\"]]") << "expected a number, got a string";
    QTest::newRow("deep") << QByteArray(20, '[') << "nested deeper than 8 levels";
    QTest::newRow("ragged") << QByteArray("[[1, 2], [3]]") << "expected a row of 2 numbers";
    QTest::newRow("empty") << QByteArray("  ") << "the file is empty; expected an array";
    QByteArray many = "[";
    for (int k = 0; k < (1 << 22); ++k)
        many += "0,";
    QTest::newRow("over the cap") << many + "0]" << "holds more than 4194304 numbers";
}

void TestNpy::jsonArrayFiles()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, fragment);
    const NdArrayLoad load = parseArrayFile(std::string_view(text.constData(), std::size_t(text.size())),
                                            "dx.json");
    if (fragment.isEmpty()) {
        QVERIFY2(load.ok(), load.problem.what.c_str());
        return;
    }
    QVERIFY(!load.ok());
    const std::string message = formatProblem(load.problem);
    QVERIFY2(message.find(fragment.toStdString()) != std::string::npos, message.c_str());
    QVERIFY2(message.find("json.exception") == std::string::npos, message.c_str());
}

QTEST_GUILESS_MAIN(TestNpy)
#include "test_npy.moc"
