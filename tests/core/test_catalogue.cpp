// The one vocabulary: the quantities and the step list that the tables, the walkthrough, the
// graph, the CLI's JSON and the handout read.
#include "fuzzy.h"

#include <core/teach/catalogue.h>
#include <core/teach/family_catalogue.h>

#include <nlohmann/json.hpp>

#include <QtTest>

#include <cmath>

#include <set>

using namespace bnflow;
using namespace bnflow::test;

class TestCatalogue : public QObject {
    Q_OBJECT
private slots:
    void quantitiesAreNamedOnce();
    void stepsAreWellFormed();
    void stagedStepsFollowTheDerivation();
    void valuesComeFromTheAnalysis();
    void gradJsonWritesCatalogueKeys();
    void pluggedInListsInputsWhereAFormulaWouldNotReadInline();
    void pluggedInShowsNegativeZeroAsZero();
    void roundingNoiseIsBelowItsLevel();
};

void TestCatalogue::quantitiesAreNamedOnce()
{
    std::set<std::string_view> ids, labels;
    for (const Quantity& q : quantities()) {
        QVERIFY2(ids.insert(q.id).second, std::string(q.id).c_str());
        QVERIFY2(labels.insert(q.label).second, std::string(q.label).c_str());
        QVERIFY(!q.symbol.empty() && !q.tex.empty() && !q.jsonKey.empty() && !q.meaning.empty());
        QCOMPARE(&quantity(q.id), &q);
        // One notation: the centred batch is never x-bar, invStd never gets a letter of its own.
        QVERIFY2(q.tex.find("\\bar") == std::string_view::npos, std::string(q.id).c_str());
    }
    QVERIFY_THROWS_EXCEPTION(std::logic_error, quantity("mu"));
    QCOMPARE(labelWithSymbol(quantity("mean")), std::string("mean (μ)"));
    QCOMPARE(labelWithSymbol(quantity("inv_std")), std::string("invStd"));
    QCOMPARE(labelWithSymbol(quantity("xmu")), std::string("x − μ"));       // not "x − μ ((x − μ))"
    QCOMPARE(labelWithSymbol(quantity("fused_dx")), std::string("dx (fused)"));  // not "... (dx)"
    QCOMPARE(labelWithSymbol(quantity("dmean_via_var")), std::string("dmean via var (dμ via σ²)"));
}

void TestCatalogue::stepsAreWellFormed()
{
    std::set<std::string_view> seen = {"x", "gamma", "beta", "eps", "dout"};  // the session
    for (const Step& step : steps()) {
        QVERIFY2(!seen.count(step.id), std::string(step.id).c_str());
        QCOMPARE(step.output().id, step.id);  // every step computes a quantity of the catalogue
        QVERIFY(!step.tex.empty() && !step.meaning.empty() && !step.formula.empty());
        QVERIFY2(step.tex.find("\\bar") == std::string_view::npos, std::string(step.id).c_str());
        for (std::string_view input : step.inputs)  // every input is computed before it is used
            QVERIFY2(seen.count(input), (std::string(step.id) + " reads " + std::string(input)).c_str());
        seen.insert(step.id);
        QCOMPARE(findStep(step.id), &step);
    }
    QCOMPARE(findStep("no such step"), nullptr);
}

void TestCatalogue::stagedStepsFollowTheDerivation()
{
    // doc/derivation.md's staged table: cell 1 dy; cell 2 dbeta, dgamma, dxhat; cell 3 dinvStd,
    // dvar, dmean; cell 4 dx.
    std::vector<std::pair<std::string_view, int>> staged;
    for (const Step& step : steps())
        if (step.phase == Phase::Staged)
            staged.emplace_back(step.id, step.cell);
    const std::vector<std::pair<std::string_view, int>> expected = {
        {"dy", 1}, {"dbeta", 2}, {"dgamma", 2}, {"dxhat", 2}, {"dinv_std", 3}, {"dvar", 3},
        {"dmean_via_xhat", 3}, {"dmean_via_var", 3}, {"dmean", 3}, {"dx_via_xhat", 4},
        {"dx_via_var", 4}, {"dxmu", 4}, {"dx_via_mean", 4}, {"dx", 4}};
    QCOMPARE(staged, expected);
    QVERIFY(findStep("dx")->meaning.find("sum") != std::string_view::npos);
    QVERIFY(findStep("dmean_via_var")->meaning.find("zero") != std::string_view::npos);
}

void TestCatalogue::valuesComeFromTheAnalysis()
{
    const Session s = exampleSession();
    const Analysis a = *analyze(s).analysis;
    const auto value = [&](std::string_view id) { return Matrix(valueOf(id, s, a)); };
    QCOMPARE(value("xhat"), a.forward.xhat);
    QCOMPARE(value("dy"), s.dout);
    QCOMPARE(value("dvar"), Matrix(a.staged.dvar));
    QCOMPARE(value("fused_dx"), a.fused.grads.dx);
    QCOMPARE(value("eps"), Matrix::Constant(1, 1, s.eps));
    // dx is the sum of its three paths (dx via mean is per feature, the same for every sample).
    const Matrix sum = (value("dx_via_xhat") + value("dx_via_var")).rowwise() + value("dx_via_mean").row(0);
    std::string report;
    QVERIFY2(closeTo(value("dx"), sum, 1, 1e-15, &report), report.c_str());
    // The fused terms rebuild the fused dx.
    const Matrix rebuilt = ((value("fused_term1") - value("fused_term3")).rowwise() -
                            value("fused_term2").row(0)).array().rowwise() *
                           (a.forward.invStd.array() / double(s.samples()));
    QVERIFY2(closeTo(value("fused_dx"), rebuilt, 1, 1e-15, &report), report.c_str());
    // Every quantity has a value of its extent's shape.
    for (const Quantity& q : quantities()) {
        const auto v = valueOf(q.id, s, a);
        const Eigen::Index rows = q.extent == Extent::PerElement ? s.samples() : 1;
        const Eigen::Index cols = q.extent == Extent::Scalar ? 1 : s.features();
        QVERIFY2(v.rows() == rows && v.cols() == cols, std::string(q.id).c_str());
    }
}

// grad's JSON lists catalogue quantities under their keys, with the values of the analysis.
void TestCatalogue::gradJsonWritesCatalogueKeys()
{
    const Session s = exampleSession();
    const FamilyAnalysis a = *analyzeFamily(s).analysis;
    const auto json = nlohmann::json::parse(familyGradJson(s, a));
    QCOMPARE(json.at("shape"), nlohmann::json({s.samples(), s.features()}));
    QCOMPARE(json.at("forward").at("inv_std").at(1).get<double>(), a.forward.invStd(0, 1));
    QCOMPARE(json.at("staged").at("dmean").at(2).get<double>(), a.staged.dmean(0, 2));
    QCOMPARE(json.at("staged").at("dxhat").at(3).at(0).get<double>(), a.staged.dxhat(3, 0));
    QCOMPARE(json.at("fused").at("dx").at(1).at(2).get<double>(), a.fused.dx(1, 2));
    QCOMPARE(json.at("fused").at("dgamma").at(0).get<double>(), a.fused.dgamma[0]);
    QCOMPARE(json.at("max_abs_diff").at("dx").get<double>(), a.maxAbsDiffDx);
    const std::vector<std::string> forward = {"mean", "var", "inv_std", "xhat", "y"};
    std::vector<std::string> keys;
    for (const auto& item : json.at("forward").items())
        keys.push_back(item.key());
    std::sort(keys.begin(), keys.end());
    std::vector<std::string> sorted = forward;
    std::sort(sorted.begin(), sorted.end());
    QCOMPARE(keys, sorted);
}

void TestCatalogue::pluggedInListsInputsWhereAFormulaWouldNotReadInline()
{
    const Session s = exampleSession();
    const Analysis a = *analyze(s).analysis;
    const std::string var = pluggedIn(*findStep("var"), s, a, 0);
    QVERIFY2(var.starts_with("σ² = (1/N) · Σ (x − μ)²,  with (x − μ) = ["), var.c_str());
    const std::string invStd = pluggedIn(*findStep("inv_std"), s, a, 0);
    QVERIFY2(invStd.starts_with("invStd = 1/√(σ² + ε) = 1/√("), invStd.c_str());
}

// A column symmetric about its mean sums x − μ to exactly 0, so dμ via σ² = dvar · (−2/N) · 0 is
// −0.0 when dvar > 0. A student reads "−0" as a sign to explain: the numbers say 0 (the JSON
// keeps −0.0).
void TestCatalogue::pluggedInShowsNegativeZeroAsZero()
{
    Session s = exampleSession();
    s.x.resize(2, 1);
    s.x << 1.0, 3.0;
    s.gamma = RowVector::Ones(1);
    s.beta = RowVector::Zero(1);
    s.dout.resize(2, 1);
    s.dout << 1.0, -1.0;  // dvar = Σ dxhat·(x − μ) · (−½ invStd³) = 2 · ... > 0
    s.doutSeed.reset();
    const Analysis a = *analyze(s).analysis;
    QVERIFY(a.staged.dvar[0] > 0);
    QVERIFY(a.staged.dmeanViaVar[0] == 0 && std::signbit(a.staged.dmeanViaVar[0]));
    const std::string shown = pluggedIn(*findStep("dmean_via_var"), s, a, 0);
    QVERIFY2(shown.ends_with("= 0"), shown.c_str());
    QVERIFY2(shown.find("\u22120 ") == std::string::npos && !shown.ends_with("\u22120"), shown.c_str());
}

// With dout = 1 everywhere, dgamma = Σ xhat and dx are 0 in exact arithmetic: what is left is
// rounding, below the level; dbeta = N and the example's own gradients are far above theirs.
void TestCatalogue::roundingNoiseIsBelowItsLevel()
{
    const auto largest = [](std::string_view id, const Session& s, const Analysis& a) {
        return valueOf(id, s, a).cwiseAbs().maxCoeff();
    };
    Session ones = exampleSession();
    ones.dout.setOnes();
    const Analysis a = *analyze(ones).analysis;
    for (const std::string_view id : {"dgamma", "dx", "fused_dx", "dmean_via_var", "dx_sum", "fused_dgamma"})
        QVERIFY2(largest(id, ones, a) <= roundingLevel(id, ones, a), std::string(id).c_str());
    QVERIFY(largest("dbeta", ones, a) > 1e6 * roundingLevel("dbeta", ones, a));

    const Session s = exampleSession();
    const Analysis b = *analyze(s).analysis;
    for (const std::string_view id : {"dgamma", "dbeta", "dx", "fused_dx", "dvar", "mean", "xhat"})
        QVERIFY2(largest(id, s, b) > 1e6 * roundingLevel(id, s, b), std::string(id).c_str());
    // What the user typed has no rounding level.
    for (const std::string_view id : {"x", "gamma", "beta", "dout"})
        QCOMPARE(roundingLevel(id, s, b), 0.0);
}

QTEST_GUILESS_MAIN(TestCatalogue)
#include "test_catalogue.moc"
