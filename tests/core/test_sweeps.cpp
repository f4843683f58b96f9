// The sweeps behind the hsweep and timings plots: each point is exactly what gradientCheck() or
// timeBackward() returns, in the documented order; cancel and progress behave.
#include <core/math/sweeps.h>

#include <QtTest>

#include <cmath>

using namespace bnflow;

class TestSweeps : public QObject {
    Q_OBJECT
private slots:
    void logSpacedSteps_data();
    void logSpacedSteps();
    void gradCheckSweepIsGradientCheck_data();
    void gradCheckSweepIsGradientCheck();
    void timingSweepOrderAndProgress();
    void timingSweepStopsWhenCancelled();
    void defaultShapes();
};

void TestSweeps::logSpacedSteps_data()
{
    QTest::addColumn<double>("largest");
    QTest::addColumn<double>("smallest");
    QTest::addColumn<int>("count");
    QTest::newRow("1e-1 to 1e-10, 10") << 1e-1 << 1e-10 << 10;
    QTest::newRow("1e-1 to 1e-10, 37") << 1e-1 << 1e-10 << 37;
    QTest::newRow("two") << 1.0 << 1e-3 << 2;
}

void TestSweeps::logSpacedSteps()
{
    QFETCH(double, largest);
    QFETCH(double, smallest);
    QFETCH(int, count);
    const std::vector<double> steps = bnflow::logSpacedSteps(largest, smallest, count);
    QCOMPARE(int(steps.size()), count);
    QVERIFY(std::abs(steps.front() / largest - 1) < 1e-12);
    QVERIFY(std::abs(steps.back() / smallest - 1) < 1e-12);
    const double ratio = steps[1] / steps[0];
    for (std::size_t k = 1; k < steps.size(); ++k)
        QVERIFY(std::abs(steps[k] / steps[k - 1] / ratio - 1) < 1e-12);  // evenly spaced in log
}

void TestSweeps::gradCheckSweepIsGradientCheck_data()
{
    QTest::addColumn<int>("dtype");
    QTest::newRow("float64") << int(Dtype::F64);
    QTest::newRow("float32") << int(Dtype::F32);
}

void TestSweeps::gradCheckSweepIsGradientCheck()
{
    QFETCH(int, dtype);
    const Session session = exampleSession();
    const std::vector<double> steps{1e-2, 1e-5, 1e-8};
    const auto points = gradCheckSweep(session, steps, Dtype(dtype));
    QCOMPARE(points.size(), steps.size());
    for (std::size_t k = 0; k < steps.size(); ++k) {
        const GradCheckReport report = gradientCheck(session, steps[k], Dtype(dtype));
        QCOMPARE(points[k].h, steps[k]);
        QCOMPARE(points[k].scaledDx, report.scaledDx);  // deterministic: the same computation
        QCOMPARE(points[k].maxRelDx, report.maxRelDx);
    }
}

void TestSweeps::timingSweepOrderAndProgress()
{
    TimingSweepSettings settings;
    settings.shapes = {{8, 3}, {16, 3}};
    settings.dtypes = {Dtype::F64, Dtype::F32};
    settings.minTimeSeconds = 0.001;
    std::vector<std::pair<int, int>> progress;
    settings.progress = [&progress](int done, int total) { progress.emplace_back(done, total); };
    const auto points = timingSweep(settings);
    QCOMPARE(points.size(), std::size_t(8));
    QCOMPARE(progress.size(), std::size_t(8));
    QCOMPARE(progress.back(), std::make_pair(8, 8));
    for (std::size_t k = 0; k < points.size(); ++k) {
        const TimingPoint& p = points[k];
        QCOMPARE(p.dtype, k < 4 ? Dtype::F64 : Dtype::F32);
        QCOMPARE(p.rows, (k / 2) % 2 == 0 ? Eigen::Index(8) : Eigen::Index(16));
        QCOMPARE(p.cols, Eigen::Index(3));
        QCOMPARE(p.variant, k % 2 == 0 ? Variant::Staged : Variant::Fused);
        QVERIFY(p.result.status == TimingResult::Status::Ok);
        QVERIFY(p.result.samples >= 5 && p.result.minUs > 0 && p.result.minUs <= p.result.medianUs);
    }
}

void TestSweeps::timingSweepStopsWhenCancelled()
{
    std::atomic<bool> cancel{true};
    TimingSweepSettings settings;
    settings.shapes = {{8, 3}};
    settings.cancel = &cancel;
    QVERIFY(timingSweep(settings).empty());

    // Cancelled from the progress callback after the first measurement: one point, no more.
    cancel = false;
    settings.shapes = {{8, 3}, {16, 3}};
    settings.minTimeSeconds = 0.001;
    settings.progress = [&cancel](int, int) { cancel = true; };
    const auto points = timingSweep(settings);
    QCOMPARE(points.size(), std::size_t(1));
    QVERIFY(points.front().result.status == TimingResult::Status::Ok);
}

void TestSweeps::defaultShapes()
{
    const auto shapes = defaultTimingShapes(64, 16384);
    QCOMPARE(shapes.size(), std::size_t(6));
    QCOMPARE(shapes.front(), std::make_pair(Eigen::Index(16), Eigen::Index(64)));
    QCOMPARE(shapes.back(), std::make_pair(Eigen::Index(16384), Eigen::Index(64)));
}

QTEST_GUILESS_MAIN(TestSweeps)
#include "test_sweeps.moc"
