// The timing module: statistics, settings, cancellation. (Timings themselves are measured by
// bnflow-cli bench, never asserted on: the machines are shared and noisy.)
#include <core/model/session.h>
#include <core/math/timing.h>

#include <QtTest>

#include <thread>

using namespace bnflow;

class TestTiming : public QObject {
    Q_OBJECT
private slots:
    void quantiles_data();
    void quantiles();
    void measuresEveryVariant_data();
    void measuresEveryVariant();
    void cancelStopsPromptly();
    void slowCallsEndSamplingAtTheCeiling();
    void sharedInputsAreTheSeedsInputs();
    void badShapeFails();
    void machineIsDescribed();
};

void TestTiming::quantiles_data()
{
    QTest::addColumn<QList<double>>("sorted");
    QTest::addColumn<double>("q");
    QTest::addColumn<double>("expected");
    QTest::newRow("single") << QList<double>{4} << 0.5 << 4.0;
    QTest::newRow("median of odd") << QList<double>{1, 2, 10} << 0.5 << 2.0;
    QTest::newRow("median of even") << QList<double>{1, 2, 4, 10} << 0.5 << 3.0;
    QTest::newRow("p25 interpolates") << QList<double>{0, 4, 8, 12, 16} << 0.25 << 4.0;
    QTest::newRow("p75 between") << QList<double>{0, 10} << 0.75 << 7.5;
    QTest::newRow("min") << QList<double>{3, 5} << 0.0 << 3.0;
    QTest::newRow("max") << QList<double>{3, 5} << 1.0 << 5.0;
}

void TestTiming::quantiles()
{
    QFETCH(QList<double>, sorted);
    QFETCH(double, q);
    QFETCH(double, expected);
    QCOMPARE(sortedQuantile(std::vector<double>(sorted.begin(), sorted.end()), q), expected);
}

void TestTiming::measuresEveryVariant_data()
{
    QTest::addColumn<int>("dtype");
    QTest::addColumn<int>("variant");
    QTest::newRow("f64 fused") << int(Dtype::F64) << int(Variant::Fused);
    QTest::newRow("f64 staged") << int(Dtype::F64) << int(Variant::Staged);
    QTest::newRow("f32 fused") << int(Dtype::F32) << int(Variant::Fused);
    QTest::newRow("f32 staged") << int(Dtype::F32) << int(Variant::Staged);
}

void TestTiming::measuresEveryVariant()
{
    QFETCH(int, dtype);
    QFETCH(int, variant);
    TimingSettings s;
    s.rows = 32;
    s.cols = 8;
    s.dtype = Dtype(dtype);
    s.variant = Variant(variant);
    s.minTimeSeconds = 0.01;
    s.minSamples = 7;
    s.minSampleSeconds = 2e-4;
    const TimingResult r = timeBackward(s);
    QCOMPARE(r.status, TimingResult::Status::Ok);
    QVERIFY(r.samples >= 7);
    QVERIFY(r.callsPerSample >= 1);
    QVERIFY(r.minUs > 0);
    QVERIFY(r.minUs <= r.p25Us && r.p25Us <= r.medianUs && r.medianUs <= r.p75Us);
    // Each sample batched enough calls to last at least minSampleSeconds.
    QVERIFY(r.minUs * 1e-6 * double(r.callsPerSample) >= 0.5 * s.minSampleSeconds);
}

void TestTiming::cancelStopsPromptly()
{
    std::atomic<bool> cancel{false};
    TimingSettings s;
    s.rows = 256;
    s.cols = 256;
    s.variant = Variant::Staged;
    s.minTimeSeconds = 30;  // would run for half a minute
    s.maxSamples = 100000;
    s.cancel = &cancel;
    TimingResult r;
    std::thread worker([&] { r = timeBackward(s); });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto asked = std::chrono::steady_clock::now();
    cancel = true;
    worker.join();
    const double latency = std::chrono::duration<double>(std::chrono::steady_clock::now() - asked).count();
    QCOMPARE(r.status, TimingResult::Status::Cancelled);
    QVERIFY2(latency < 2.0, std::to_string(latency).c_str());  // generous: the box is shared
}

void TestTiming::slowCallsEndSamplingAtTheCeiling()
{
    // Asked for 1000 samples of calls each batched to 20 ms: 20 s. The sampling ceiling (here
    // 0.1 s, one second by default) ends it after a few samples instead.
    TimingSettings s;
    s.rows = 64;
    s.cols = 64;
    s.minTimeSeconds = 0;
    s.minSamples = 1000;
    s.minSampleSeconds = 0.02;
    s.maxSamplingSeconds = 0.1;
    const TimingResult r = timeBackward(s);
    QCOMPARE(r.status, TimingResult::Status::Ok);
    QVERIFY2(r.samples >= 1 && r.samples < 50, std::to_string(r.samples).c_str());
    QVERIFY2(r.elapsedSeconds < 2.0, std::to_string(r.elapsedSeconds).c_str());
}

void TestTiming::sharedInputsAreTheSeedsInputs()
{
    // bench draws a shape's inputs once for every dtype and variant; they are the ones the
    // settings' seed draws, so a shared and an own measurement time the same numbers.
    const TimingInputs in = timingInputs(5, 3, 42);
    QCOMPARE(in.x, standardNormalMatrix(5, 3, 42));
    QCOMPARE(in.dout, standardNormalMatrix(5, 3, 43));
    QCOMPARE(Matrix(in.gamma), standardNormalMatrix(1, 3, 44));
    QCOMPARE(Matrix(in.beta), standardNormalMatrix(1, 3, 45));
    TimingSettings s;
    s.rows = 4;
    s.cols = 3;
    QCOMPARE(timeBackward(s, in).status, TimingResult::Status::Failed);  // the wrong shape
}

void TestTiming::badShapeFails()
{
    TimingSettings s;
    s.rows = 0;
    const TimingResult r = timeBackward(s);
    QCOMPARE(r.status, TimingResult::Status::Failed);
    QVERIFY(!r.error.empty());
}

void TestTiming::machineIsDescribed()
{
    const std::string m = machineDescription();
    QVERIFY2(m.find("core") != std::string::npos, m.c_str());
    QVERIFY(m.find("unknown CPU") == std::string::npos);
}

QTEST_GUILESS_MAIN(TestTiming)
#include "test_timing.moc"
