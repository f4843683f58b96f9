// Sessions from NumPy archives (session_npz.h): the case NumPy wrote, archives that are not
// sessions, and every key of the session file as np.savez writes it.
#include "fuzzy.h"
#include "npy_bytes.h"

#include <core/io/npy.h>
#include <core/io/session_json.h>
#include <core/io/session_npz.h>

#include <QDir>
#include <QFile>
#include <QtTest>

using namespace bnflow;
using namespace bnflow::test;

namespace {

const std::string kCases = BNFLOW_CHECK_CASES;

std::vector<std::pair<std::string, std::string>> batchMembers()
{
    const std::string x = npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }",
                                   doubles({1, 2, 3, 4, 2, 0, 5, 1, -1, 3, 2, 7}));
    const std::string row = npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }",
                                     doubles({1, 0.5, 2, 1}));
    return {{"x.npy", x}, {"gamma.npy", row}, {"beta.npy", row}};
}

}  // namespace

class TestSessionNpz : public QObject {
    Q_OBJECT
private slots:
    void sessionFromNpz();
    void sessionNpzProblems_data();
    void sessionNpzProblems();
    void sessionNpzKeys();
    void sessionNpzBadKeys_data();
    void sessionNpzBadKeys();
    void writtenSessionReadsBack();
};

void TestSessionNpz::sessionFromNpz()
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

void TestSessionNpz::sessionNpzProblems_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("expected");
    QTest::newRow("gradients only") << QString::fromStdString(kCases + "/random_5x3.right.npz")
                                    << "x: missing from the archive (it holds 3 arrays: dx, dgamma, dbeta)";
    QTest::newRow("not an npz") << QString::fromStdString(kCases + "/random_5x3.bad.not_npz.npz")
                                << "readme.txt";
}

void TestSessionNpz::sessionNpzProblems()
{
    QFETCH(QString, path);
    QFETCH(QString, expected);
    const SessionLoad load = loadSessionFile(path.toStdString());
    QVERIFY(!load.ok());
    const std::string message = formatProblem(load.problems.front());
    QVERIFY2(QString::fromStdString(message).contains(expected), message.c_str());
}

void TestSessionNpz::sessionNpzKeys()
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

void TestSessionNpz::sessionNpzBadKeys_data()
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

void TestSessionNpz::sessionNpzBadKeys()
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

// writeSessionNpz, for NumPy: every PyTorch reference session of the family (each layer, mode,
// convention, spatial keys, running statistics) reads back as the same computation; a seeded dout
// is written out as its numbers.
void TestSessionNpz::writtenSessionReadsBack()
{
    const QDir dir(QStringLiteral(BNFLOW_FAMILY_DIR));
    const QStringList files = dir.entryList({QStringLiteral("*.bnflow.json")});
    QVERIFY(files.size() >= 10);
    for (const QString& name : files) {
        QFile file(dir.filePath(name));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const SessionLoad load = parseSession(file.readAll().toStdString());
        QVERIFY2(load.ok(), qPrintable(name));
        Session s = *load.session;
        const std::string bytes = writeSessionNpz(s);
        QVERIFY2(!bytes.empty(), qPrintable(name));
        const SessionLoad back = parseSessionNpz(bytes);
        QVERIFY2(back.ok(), qPrintable(name + ": " + (back.problems.empty() ? QString() : QString::fromStdString(formatProblem(back.problems[0])))));
        const Session& r = *back.session;
        QVERIFY2(r.x == s.x && r.gamma == s.gamma && r.beta == s.beta && r.dout == s.dout && r.eps == s.eps, qPrintable(name));
        QVERIFY2(r.norm == s.norm, qPrintable(name));
        QVERIFY(!r.doutSeed);  // the numbers themselves: NumPy has no bnflow generator
    }
}

QTEST_GUILESS_MAIN(TestSessionNpz)
#include "test_session_npz.moc"
