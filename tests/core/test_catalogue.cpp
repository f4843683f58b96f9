// The step list that the walkthrough, the graph and the handout read.
#include "fuzzy.h"

#include <trace.h>

#include <QtTest>

#include <set>

using namespace bnflow;
using namespace bnflow::test;

class TestTrace : public QObject {
    Q_OBJECT
private slots:
    void catalogIsWellFormed();
    void stagedStepsFollowMath();
    void valuesComeFromTheAnalysis();
};

void TestTrace::catalogIsWellFormed()
{
    std::set<std::string_view> seen = {"x", "gamma", "beta", "eps", "dout"};  // session fields
    for (const StepInfo& step : stepCatalog()) {
        QVERIFY2(!seen.count(step.id), std::string(step.id).c_str());
        QVERIFY(!step.tex.empty());
        QVERIFY(!step.meaning.empty());
        QVERIFY(!step.symbol.empty());
        for (std::string_view input : step.inputs)  // every input is computed before it is used
            QVERIFY2(seen.count(input), (std::string(step.id) + " reads " + std::string(input)).c_str());
        seen.insert(step.id);
        QCOMPARE(findStep(step.id), &step);
    }
    QCOMPARE(findStep("no such step"), nullptr);
}

void TestTrace::stagedStepsFollowMath()
{
    // MATH.md's staged table: cell 1 dy; cell 2 dbeta, dgamma, dxhat; cell 3 dvar, dmu; cell 4 dx.
    std::vector<std::pair<std::string_view, int>> staged;
    for (const StepInfo& step : stepCatalog())
        if (step.phase == Phase::Staged)
            staged.emplace_back(step.id, step.cell);
    const std::vector<std::pair<std::string_view, int>> expected = {
        {"dy", 1}, {"dbeta", 2}, {"dgamma", 2}, {"dxhat", 2}, {"dinv_std", 3}, {"dvar", 3},
        {"dmu_via_xhat", 3}, {"dmu_via_var", 3}, {"dmu", 3}, {"dx_via_xhat", 4},
        {"dx_via_var", 4}, {"dxmu", 4}, {"dx_via_mu", 4}, {"dx", 4}};
    QCOMPARE(staged, expected);
    QVERIFY(findStep("dx")->meaning.find("sum") != std::string_view::npos);
    QVERIFY(findStep("dmu_via_var")->meaning.find("zero") != std::string_view::npos);
}

void TestTrace::valuesComeFromTheAnalysis()
{
    const Session s = exampleSession();
    const Analysis a = *analyze(s).analysis;
    const std::vector<TraceStep> trace = buildTrace(s, a);
    QCOMPARE(trace.size(), stepCatalog().size());
    const auto value = [&](std::string_view id) -> const Matrix& {
        for (const TraceStep& t : trace)
            if (t.info->id == id)
                return t.value;
        qFatal("missing step");
    };
    QCOMPARE(value("xhat"), a.forward.xhat);
    QCOMPARE(value("dy"), s.dout);
    QCOMPARE(value("dvar"), Matrix(a.staged.dvar));
    QCOMPARE(value("fused_dx"), a.fused.grads.dx);
    // dx is the sum of its three paths (dx_via_mu is per feature, the same for every sample).
    const Matrix sum = (value("dx_via_xhat") + value("dx_via_var")).rowwise() + value("dx_via_mu").row(0);
    std::string report;
    QVERIFY2(closeTo(value("dx"), sum, 1, 1e-15, &report), report.c_str());
    // The fused terms rebuild the fused dx.
    const Matrix rebuilt = ((value("fused_term1") - value("fused_term3")).rowwise() -
                            value("fused_term2").row(0)).array().rowwise() *
                           (a.forward.invStd.array() / double(s.samples()));
    QVERIFY2(closeTo(value("fused_dx"), rebuilt, 1, 1e-15, &report), report.c_str());
    for (const TraceStep& t : trace)
        QVERIFY(t.value.rows() == 1 || t.value.rows() == s.samples());
}

QTEST_GUILESS_MAIN(TestTrace)
#include "test_trace.moc"
