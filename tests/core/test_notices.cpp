// The plain-language notes on sessions whose right numbers look wrong.
#include <core/teach/notices.h>

#include <QtTest>

using namespace bnflow;

class TestNotices : public QObject {
    Q_OBJECT
private slots:
    void notices_data();
    void notices();
    void varianceThreeWays();
};

void TestNotices::notices_data()
{
    QTest::addColumn<QString>("change");
    QTest::addColumn<QString>("expected");  // empty: no notice at all
    QTest::newRow("an ordinary batch") << "" << "";
    QTest::newRow("one sample") << "n1" << "One sample";
    QTest::newRow("two samples") << "n2" << "Two samples";
    QTest::newRow("dout all ones") << "ones" << "dout = 1 everywhere";
    QTest::newRow("constant feature") << "constant" << "Feature 1: constant";
    QTest::newRow("var below eps") << "tiny" << "Feature 2: var";
    QTest::newRow("gamma zero") << "gamma0" << "Feature 0: gamma = 0";
    QTest::newRow("huge offset") << "offset" << "Feature 1: in float32, the one-pass";
    QTest::newRow("float32 cancellation at 1e4") << "f32" << "Feature 0: in float32, the one-pass";
}

void TestNotices::notices()
{
    QFETCH(QString, change);
    QFETCH(QString, expected);
    Session s = exampleSession();
    if (change == "n1") { s.x = s.x.topRows(1).eval(); s.dout = s.dout.topRows(1).eval(); }
    if (change == "n2") { s.x = s.x.topRows(2).eval(); s.dout = s.dout.topRows(2).eval(); }
    if (change == "ones") s.dout.setOnes();
    if (change == "constant") s.x.col(1).setConstant(3);
    if (change == "tiny") s.x.col(2) << 1, 1 + 1e-4, 1 - 1e-4, 1;
    if (change == "gamma0") s.gamma[0] = 0;
    if (change == "offset") s.x.col(1) << 1e9 + 1, 1e9 - 1, 1e9 + 2, 1e9;
    if (change == "f32") s.x.col(0) << 1e4 + 0.01, 1e4 - 0.02, 1e4 + 0.015, 1e4 - 0.005;
    const FamilyResult r = analyzeFamily(s);
    QVERIFY(r.ok());
    const std::vector<std::string> found = bnflow::notices(s, *r.analysis);
    if (expected.isEmpty()) {
        QVERIFY2(found.empty(), found.empty() ? "" : found.front().c_str());
        return;
    }
    QVERIFY(!found.empty());
    QVERIFY2(QString::fromStdString(found.front()).startsWith(expected), found.front().c_str());
}

// One pass in float32 cancels on 1e4 + noise; two passes do not (doc/derivation.md#conventions).
void TestNotices::varianceThreeWays()
{
    Matrix x(64, 1);
    x.col(0) = (1e4 + 0.01 * standardNormalMatrix(64, 1, 5).array()).matrix();
    const VarianceComparison v = compareVariance(x, 0);
    QVERIFY2(std::abs(v.twoPassF32 - v.twoPassF64) < 0.05 * v.twoPassF64, std::to_string(v.twoPassF32).c_str());
    QVERIFY2(std::abs(v.onePassF32 - v.twoPassF64) > 10 * v.twoPassF64, std::to_string(v.onePassF32).c_str());
}

QTEST_GUILESS_MAIN(TestNotices)
#include "test_notices.moc"
