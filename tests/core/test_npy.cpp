// The .npy/.npz reader and the student's file kinds, on files NumPy wrote
// (tests/check/generate.py) and on hand-cut bytes for what NumPy never writes.
#include "fuzzy.h"

#include <array_file.h>
#include <csv.h>
#include <npy.h>
#include <session_json.h>
#include <session_npz.h>

#include <nlohmann/json.hpp>

#include <QtTest>

#include <zip.h>

#include <fstream>

using namespace bnflow;
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

// A .npy file's bytes with the given header dict and data.
std::string npyBytes(const std::string& dict, const std::string& data, char major = 1)
{
    std::string header = dict;
    const std::size_t prefix = major == 1 ? 10 : 12;
    while ((prefix + header.size() + 1) % 64 != 0)
        header += ' ';
    header += '\n';
    std::string out = std::string("\x93NUMPY", 6) + major + '\0';
    out += char(header.size() & 0xff);
    out += char(header.size() >> 8);
    if (major != 1)
        out += std::string(2, '\0');
    return out + header + data;
}

std::string doubles(std::initializer_list<double> values)
{
    std::string out;
    for (const double v : values)
        out.append(reinterpret_cast<const char*>(&v), sizeof v);
    return out;
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
    void sessionFromNpz();
    void sessionNpzProblems_data();
    void sessionNpzProblems();
    void npzMemberOverTheCapIsRefusedUnread();
    void sessionNpzKeys();
    void sessionNpzBadKeys_data();
    void sessionNpzBadKeys();
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
        {"object", "object array"},        {"three_dims", "3 dimensions"},
        {"not_npz", "not an .npz"}};
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

void TestNpy::sessionFromNpz()
{
    const SessionLoad fromNpz = loadSessionFile(kCases + "/random_5x3.session.npz");
    QVERIFY2(fromNpz.ok(),
             fromNpz.problems.empty() ? "" : formatProblem(fromNpz.problems[0]).c_str());
    const SessionLoad fromJson = loadSessionFile(kCases + "/random_5x3.bnflow.json");
    QVERIFY(fromJson.ok());
    const Session& a = *fromNpz.session;
    const Session& b = *fromJson.session;
    QVERIFY(test::closeTo(a.x, b.x, 1.0, 0.0, nullptr));
    QVERIFY(test::closeTo(a.dout, b.dout, 1.0, 0.0, nullptr));
    QVERIFY(test::closeTo(a.gamma, b.gamma, 1.0, 0.0, nullptr));
    QVERIFY(test::closeTo(a.beta, b.beta, 1.0, 0.0, nullptr));
    QCOMPARE(a.eps, b.eps);
}

void TestNpy::sessionNpzProblems_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("expected");
    QTest::newRow("gradients only") << QString::fromStdString(kCases + "/random_5x3.right.npz")
                                    << "x: missing from the archive (it holds 3 arrays: dx, dgamma, dbeta)";
    QTest::newRow("not an npz") << QString::fromStdString(kCases + "/random_5x3.bad.not_npz.npz")
                                << "readme.txt";
}

void TestNpy::sessionNpzProblems()
{
    QFETCH(QString, path);
    QFETCH(QString, expected);
    const SessionLoad load = loadSessionFile(path.toStdString());
    QVERIFY(!load.ok());
    const std::string message = formatProblem(load.problems.front());
    QVERIFY2(QString::fromStdString(message).contains(expected), message.c_str());
}

namespace {

// A stored zip of the given members, made with libzip in memory.
std::string zipOf(const std::vector<std::pair<std::string, std::string>>& members)
{
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* target = zip_source_buffer_create(nullptr, 0, 0, &error);
    zip_source_keep(target);
    zip_t* archive = zip_open_from_source(target, ZIP_TRUNCATE, &error);
    for (const auto& [name, bytes] : members) {
        zip_source_t* member = zip_source_buffer(archive, bytes.data(), bytes.size(), 0);
        zip_file_add(archive, name.c_str(), member, ZIP_FL_OVERWRITE);
    }
    zip_close(archive);
    zip_source_open(target);
    zip_source_seek(target, 0, SEEK_END);
    const auto size = zip_source_tell(target);
    zip_source_seek(target, 0, SEEK_SET);
    std::string out(std::size_t(size), '\0');
    zip_source_read(target, out.data(), zip_uint64_t(size));
    zip_source_close(target);
    zip_source_free(target);
    zip_error_fini(&error);
    return out;
}

}  // namespace

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

namespace {

std::string scalarNpy(const std::string& descr, const std::string& data)
{
    return npyBytes("{'descr': '" + descr + "', 'fortran_order': False, 'shape': (), }", data);
}

// NumPy's '<U' data: UTF-32LE, NUL-padded to `size` characters.
std::string unicodeNpy(const std::string& text, std::size_t size)
{
    std::string data;
    for (std::size_t k = 0; k < size; ++k) {
        const char c = k < text.size() ? text[k] : '\0';
        data += c;
        data += std::string(3, '\0');
    }
    return scalarNpy("<U" + std::to_string(size), data);
}

std::string int64Npy(std::int64_t value)
{
    return scalarNpy("<i8", std::string(reinterpret_cast<const char*>(&value), 8));
}

std::vector<std::pair<std::string, std::string>> batchMembers()
{
    const std::string x = npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }",
                                   doubles({1, 2, 3, 4, 2, 0, 5, 1, -1, 3, 2, 7}));
    const std::string row = npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }",
                                     doubles({1, 0.5, 2, 1}));
    return {{"x.npy", x}, {"gamma.npy", row}, {"beta.npy", row}};
}

}  // namespace

void TestNpy::sessionNpzKeys()
{
    // The session file's keys as np.savez writes them: strings as '<U', integers as '<i8'.
    auto members = batchMembers();
    members.push_back({"layer.npy", unicodeNpy("groupnorm", 9)});
    members.push_back({"groups.npy", int64Npy(2)});
    members.push_back({"eps.npy", scalarNpy("<f8", doubles({1e-3}))});
    const SessionLoad group = parseSessionNpz(zipOf(members));
    QVERIFY2(group.ok(), group.problems.empty() ? "" : formatProblem(group.problems[0]).c_str());
    QCOMPARE(group.session->norm.layer, std::optional(Layer::GroupNorm));
    QCOMPARE(group.session->norm.groups, std::optional<std::int64_t>(2));
    QCOMPARE(group.session->eps, 1e-3);

    members = batchMembers();
    members.push_back({"mode.npy", unicodeNpy("eval", 4)});
    const std::string stat = npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 4), }",
                                      std::string(16, '\0'));
    members.push_back({"running_mean.npy", stat});
    members.push_back({"running_var.npy", npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }",
                                                   doubles({1, 2, 0.5, 4}))});
    members.push_back({"momentum.npy", scalarNpy("<f8", doubles({0.1}))});
    const SessionLoad eval = parseSessionNpz(zipOf(members));
    QVERIFY2(!eval.ok(), "a momentum in eval mode was accepted");  // the session file's rule
    QCOMPARE(eval.problems.front().where, std::string("momentum"));
    members.pop_back();
    const SessionLoad ok = parseSessionNpz(zipOf(members));
    QVERIFY2(ok.ok(), ok.problems.empty() ? "" : formatProblem(ok.problems[0]).c_str());
    QCOMPARE(ok.session->norm.mode, std::optional(Mode::Eval));
    QCOMPARE(*ok.session->norm.runningVar, RowVector((RowVector(4) << 1, 2, 0.5, 4).finished()));
    QCOMPARE(*ok.session->norm.runningMean, RowVector(RowVector::Zero(4)));

    members.erase(members.begin() + 3);  // mode: training with running statistics
    members.push_back({"convention.npy", unicodeNpy("keras", 8)});  // NUL-padded, as in arrays
    members.push_back({"momentum.npy", scalarNpy("<f4", std::string("\x00\x00\x00\x3f", 4))});
    const SessionLoad train = parseSessionNpz(zipOf(members));
    QVERIFY2(train.ok(), train.problems.empty() ? "" : formatProblem(train.problems[0]).c_str());
    QCOMPARE(train.session->norm.convention, std::optional(Convention::Keras));
    QCOMPARE(train.session->norm.momentum, std::optional(0.5));
    QVERIFY(!train.session->norm.mode);
}

void TestNpy::sessionNpzBadKeys_data()
{
    QTest::addColumn<QString>("member");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("fragment");
    const auto row = [](const std::string& b) { return QByteArray(b.data(), qsizetype(b.size())); };
    QTest::newRow("layer misspelt") << "layer.npy" << row(unicodeNpy("groupnrom", 9))
                                    << "layer: is 'groupnrom'; expected batchnorm, layernorm";
    QTest::newRow("layer a number") << "layer.npy" << row(int64Npy(1)) << "layer: is a number";
    QTest::newRow("groups a float") << "groups.npy" << row(scalarNpy("<f8", doubles({2.0})))
                                    << "groups: expected an integer >= 1";
    QTest::newRow("groups 0") << "groups.npy" << row(int64Npy(0)) << "groups: expected an integer >= 1";
    QTest::newRow("eps a string") << "eps.npy" << row(unicodeNpy("small", 5)) << "eps: is a string";
    QTest::newRow("eps an array") << "eps.npy"
                                  << row(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }",
                                                  doubles({1, 2})))
                                  << "expected a single value";
    QTest::newRow("momentum complex") << "momentum.npy" << row(scalarNpy("<c16", std::string(16, '\0')))
                                      << "dtype '<c16'";
    QTest::newRow("running_mean short") << "running_mean.npy"
                                        << row(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }",
                                                        doubles({1, 2, 3})))
                                        << "running_mean: has shape (3,)";
}

void TestNpy::sessionNpzBadKeys()
{
    QFETCH(QString, member);
    QFETCH(QByteArray, bytes);
    QFETCH(QString, fragment);
    auto members = batchMembers();
    members.push_back({member.toStdString(), bytes.toStdString()});
    const SessionLoad load = parseSessionNpz(zipOf(members));
    QVERIFY(!load.ok());
    const std::string message = formatProblem(load.problems.front());
    QVERIFY2(message.find(fragment.toStdString()) != std::string::npos, message.c_str());
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
