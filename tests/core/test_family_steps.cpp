// The family's steps as the walkthrough shows them (core/teach/family_catalogue.h): every step of every
// layer has its TeX and a formula key, and its plugged-in numbers for any set are the computed
// values, the sums over the set written out.
#include <core/teach/family_catalogue.h>

#include <family_reference.h>

#include <QtTest>

#include <cmath>
#include <set>

using namespace bnflow;
using namespace bnflow::test;

class TestFamilySteps : public QObject {
    Q_OBJECT
private slots:
    void everyStepHasItsLayersTex();
    void formulaKeysNameEveryFormulaOnce();
    void pluggedInShowsTheComputedValues_data();
    void pluggedInShowsTheComputedValues();
    void sumsAndSetSizesAreWrittenOut();
    void setsOutsideTheLayerAreRefused();
};

namespace {

struct Family {
    const char* prefix;  // its formula keys' prefix
    Layer layer;
    Mode mode;
};

const Family kFamily[] = {{"layernorm", Layer::LayerNorm, Mode::Train},
                          {"groupnorm", Layer::GroupNorm, Mode::Train},
                          {"rmsnorm", Layer::RmsNorm, Mode::Train},
                          {"batchnorm_eval", Layer::BatchNorm, Mode::Eval}};

struct Formula {
    std::string_view key;
    std::string_view tex;
};

constexpr Formula kFamilyFormulas[] = {
#include <core/teach/family_formulas.inc>
};

Session sessionOf(Layer layer, Mode mode, Eigen::Index n, Eigen::Index d, Eigen::Index groups,
                  Eigen::Index channels = 0)
{
    Session s = exampleSession();
    s.x = standardNormalMatrix(n, d, 11) * 2.0;
    s.x.array() += 0.5;
    s.gamma = RowVector::Ones(d) + 0.3 * standardNormalMatrix(1, d, 12);
    s.beta = 0.2 * standardNormalMatrix(1, d, 13);
    s.dout = standardNormalMatrix(n, d, 14);
    s.doutSeed.reset();
    s.norm.layer = layer;
    if (layer == Layer::GroupNorm)
        s.norm.groups = groups;
    if (mode == Mode::Eval) {
        s.norm.mode = mode;
        s.norm.runningMean = 0.3 * standardNormalMatrix(1, d, 15);
        s.norm.runningVar = RowVector::Constant(d, 0.7);
    }
    if (channels > 0) {  // spatial: gamma, beta and the running statistics per channel
        s.norm.channels = channels;
        s.gamma.conservativeResize(channels);
        s.beta.conservativeResize(channels);
        if (s.norm.runningMean) {
            s.norm.runningMean->conservativeResize(channels);
            s.norm.runningVar->conservativeResize(channels);
        }
    }
    return s;
}

double parse(std::string text)
{
    const std::string minus = "\u2212";
    for (std::size_t at; (at = text.find(minus)) != std::string::npos;)
        text.replace(at, minus.size(), "-");
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end == text.c_str())
        throw std::runtime_error("not a number: " + text);
    return v;
}

// What follows the last "→" or " = ": one number, or a list [a, b, …, z].
std::vector<std::string> shownResult(const std::string& line)
{
    const std::size_t arrow = line.rfind("\u2192");
    const std::size_t equals = line.rfind(" = ");
    std::string result = arrow != std::string::npos ? line.substr(arrow + std::string("\u2192").size())
                                                    : line.substr(equals + 3);
    result.erase(0, result.find_first_not_of(' '));
    if (result.empty() || result.front() != '[')
        return {result};
    std::vector<std::string> items;
    result = result.substr(1, result.size() - 2);
    for (std::size_t at = 0;;) {
        const std::size_t comma = result.find(", ", at);
        items.push_back(result.substr(at, comma - at));
        if (comma == std::string::npos)
            break;
        at = comma + 2;
    }
    return items;
}

// The set's expected values, found here without plugged.cpp's help: its statistic, its
// elements (row by row), or its features.
std::vector<double> expectedValues(const Matrix& m, const Reduction& r, Eigen::Index row, Eigen::Index col)
{
    // Batch norm: column j, or channel c's L columns.
    Eigen::Index i0 = 0, rows = r.samples, j0 = col * r.positions, cols = r.positions;
    if (r.layer == Layer::GroupNorm) {
        i0 = row, rows = 1, cols = r.count(), j0 = col * cols;
    } else if (r.layer != Layer::BatchNorm) {
        i0 = row, rows = 1, j0 = 0, cols = r.features;
    }
    if (m.rows() == r.statRows() && m.cols() == r.statCols())
        return {m(row, col)};
    std::vector<double> out;
    if (m.rows() == r.samples && m.cols() == r.features) {
        for (Eigen::Index i = i0; i < i0 + rows; ++i)
            for (Eigen::Index j = j0; j < j0 + cols; ++j)
                out.push_back(m(i, j));
    } else {  // per feature, or per channel: one value a channel the set covers
        for (Eigen::Index j = j0; j < j0 + cols; j += r.positions)
            out.push_back(m(0, j / r.positions));
    }
    return out;
}

}  // namespace

void TestFamilySteps::everyStepHasItsLayersTex()
{
    for (const Family& f : kFamily) {
        for (const Step& step : steps(f.layer, f.mode)) {
            const std::string what = std::string(f.prefix) + " " + std::string(step.id);
            QVERIFY2(!step.tex.empty(), what.c_str());
            QVERIFY2(step.tex.find("\\bar") == std::string_view::npos, what.c_str());
            // The TeX starts with the symbol of what the step computes (catalogue.h's tex), in
            // the layer's indices where it is a statistic.
            QVERIFY2(step.tex.find(" = ") != std::string_view::npos, what.c_str());
        }
    }
    const auto tex = [](Layer layer, Mode mode, std::string_view id) {
        for (const Step& step : steps(layer, mode))
            if (step.id == id)
                return std::string(step.tex);
        return std::string();
    };
    // Layer norm and group norm share their steps, not their formulas: a row against a group.
    QCOMPARE(tex(Layer::LayerNorm, Mode::Train, "mean"), std::string(R"(\mu_i = \frac{1}{D}\sum_{j=1}^{D} x_{ij})"));
    QVERIFY(tex(Layer::GroupNorm, Mode::Train, "mean").starts_with(R"(\mu_{ig} = \frac{1}{M}\sum_{j \in g} x_{ij})"));
    QVERIFY(tex(Layer::GroupNorm, Mode::Train, "fused_dx").find(R"(\mathrm{invStd}_{i\,g(j)})") != std::string::npos);
    QVERIFY(tex(Layer::RmsNorm, Mode::Train, "rrms").starts_with(R"(\mathrm{rrms}_i = )"));
    // Eval mode centres and scales with the running statistics (familyQuantities()' symbols).
    QVERIFY(tex(Layer::BatchNorm, Mode::Eval, "xmu").find(quantity("running_mean").tex) != std::string::npos);
    QVERIFY(tex(Layer::BatchNorm, Mode::Eval, "inv_std").find(quantity("running_var").tex) != std::string::npos);
    // Every statistic of a row layer is indexed by its row: no per-feature _j on the left.
    for (const Layer layer : {Layer::LayerNorm, Layer::RmsNorm})
        for (const Step& step : steps(layer))
            if (step.output().extent != Extent::PerElement && step.id != "dbeta" && step.id != "dgamma") {
                const std::string_view lhs = step.tex.substr(0, step.tex.find(" = "));
                QVERIFY2(lhs.find("_j") == std::string_view::npos, std::string(step.tex).c_str());
            }
    // The TeX sums as many terms as the template: dx is three paths, or dxmu and the mean's.
    const auto count = [](std::string_view text, std::string_view what) {
        int n = 0;
        for (std::size_t at = text.find(what); at != std::string_view::npos; at = text.find(what, at + 1))
            ++n;
        return n;
    };
    for (const Family& f : kFamily)
        for (const Step& step : steps(f.layer, f.mode)) {
            const std::string_view rhs = step.tex.substr(step.tex.find(" = ") + 3);
            QVERIFY2(count(rhs, " + ") == count(step.formula, " + "),
                     (std::string(f.prefix) + " " + std::string(step.id) + ": " + std::string(step.tex)).c_str());
        }
    // Training batch norm is unchanged.
    QCOMPARE(&steps(Layer::BatchNorm, Mode::Train), &steps());
}

void TestFamilySteps::formulaKeysNameEveryFormulaOnce()
{
    // Training batch norm: the step id, as the SVGs have always been named.
    for (const Step& step : steps())
        QCOMPARE(formulaKey(Layer::BatchNorm, Mode::Train, step.id), std::string(step.id));
    QCOMPARE(formulaKey(Layer::LayerNorm, Mode::Train, "mean"), std::string("layernorm/mean"));
    QCOMPARE(formulaKey(Layer::GroupNorm, Mode::Train, "mean"), std::string("groupnorm/mean"));
    QCOMPARE(formulaKey(Layer::BatchNorm, Mode::Eval, "inv_std"), std::string("batchnorm_eval/inv_std"));
    QCOMPARE(formulaKey(Layer::RmsNorm, Mode::Train, "ms"), std::string("rmsnorm/ms"));
    QCOMPARE(formulaKey(Layer::LayerNorm, Mode::Train, "dxmu"), std::string("dxmu"));  // batch norm's sum of two paths
    QVERIFY_THROWS_EXCEPTION(std::logic_error, formulaKey(Layer::RmsNorm, Mode::Train, "dxmu"));
    QVERIFY_THROWS_EXCEPTION(std::logic_error, formulaKey(Layer::RmsNorm, Mode::Train, "mean"));

    // Exactly these steps show batch norm's own formula; every other has one of its layer's.
    // (dxmu, where a layer has that step, is a sum of two paths with no statistic in it.)
    const std::set<std::string_view> shared = {"y", "dy", "dbeta", "dgamma", "dxhat", "dxmu"};
    std::set<std::string_view> used;
    for (const Family& f : kFamily) {
        for (const Step& step : steps(f.layer, f.mode)) {
            const std::string key = formulaKey(f.layer, f.mode, step.id);
            const bool own = key == std::string(f.prefix) + "/" + std::string(step.id);
            // Layer and group norm's dx = dxmu + dx via mean: batch norm's formula word for word.
            const bool centredDx = step.id == "dx" && (f.layer == Layer::LayerNorm || f.layer == Layer::GroupNorm);
            const bool expectShared = shared.count(step.id) || (f.mode == Mode::Eval && step.id == "xhat") || centredDx;
            QVERIFY2(own != expectShared, (std::string(f.prefix) + " " + key).c_str());
            if (own)
                used.insert(std::find_if(std::begin(kFamilyFormulas), std::end(kFamilyFormulas),
                                         [&](const Formula& x) { return x.key == key; })->key);
            else
                QCOMPARE(step.tex, findStep(step.id)->tex);
        }
    }
    // The spatial layers (core/layers/spatial.cpp): gamma and beta per channel, so only dy and
    // the sums of paths (dxmu, dx) keep batch norm's formula; a formula comes from the first of
    // the layer's prefixes that has it.
    for (const LayerSpec* spec : layerSpecs()) {
        if (!spec->spatial)
            continue;
        for (const Step& step : steps(*spec)) {
            const std::string key = formulaKey(*spec, step.id);
            const bool shared = step.id == "dy" || step.id == "dxmu" || step.id == "dx";
            QVERIFY2((key == std::string(step.id)) == (shared && !(spec->mode == Mode::Eval && step.id == "dx")),
                     (std::string(spec->key) + " " + key).c_str());
            const auto own = std::find_if(std::begin(kFamilyFormulas), std::end(kFamilyFormulas),
                                          [&](const Formula& x) { return x.key == key; });
            if (own != std::end(kFamilyFormulas))
                used.insert(own->key);
            QVERIFY2(step.tex.find(" = ") != std::string_view::npos, key.c_str());
        }
    }
    // No formula is written for nothing, none twice.
    std::set<std::string_view> written;
    for (const Formula& x : kFamilyFormulas)
        QVERIFY2(written.insert(x.key).second, std::string(x.key).c_str());
    QCOMPARE(used, written);
}

void TestFamilySteps::pluggedInShowsTheComputedValues_data()
{
    QTest::addColumn<int>("layer");
    QTest::addColumn<int>("mode");
    QTest::addColumn<int>("samples");
    QTest::addColumn<int>("features");
    QTest::addColumn<int>("groups");
    QTest::addColumn<int>("channels");  // 0: none
    QTest::newRow("layernorm 3x4") << int(Layer::LayerNorm) << int(Mode::Train) << 3 << 4 << 1 << 0;
    QTest::newRow("layernorm 2x7 (elided)") << int(Layer::LayerNorm) << int(Mode::Train) << 2 << 7 << 1 << 0;
    QTest::newRow("layernorm 1x3") << int(Layer::LayerNorm) << int(Mode::Train) << 1 << 3 << 1 << 0;
    QTest::newRow("groupnorm 3x6 G=2") << int(Layer::GroupNorm) << int(Mode::Train) << 3 << 6 << 2 << 0;
    QTest::newRow("groupnorm 2x12 G=2 (elided)") << int(Layer::GroupNorm) << int(Mode::Train) << 2 << 12 << 2 << 0;
    QTest::newRow("groupnorm 2x4 G=4") << int(Layer::GroupNorm) << int(Mode::Train) << 2 << 4 << 4 << 0;
    QTest::newRow("rmsnorm 3x5") << int(Layer::RmsNorm) << int(Mode::Train) << 3 << 5 << 1 << 0;
    QTest::newRow("rmsnorm 2x8 (elided)") << int(Layer::RmsNorm) << int(Mode::Train) << 2 << 8 << 1 << 0;
    QTest::newRow("batchnorm eval 4x3") << int(Layer::BatchNorm) << int(Mode::Eval) << 4 << 3 << 1 << 0;
    QTest::newRow("batchnorm eval 7x2 (elided)") << int(Layer::BatchNorm) << int(Mode::Eval) << 7 << 2 << 1 << 0;
    QTest::newRow("batchnorm eval 1x3") << int(Layer::BatchNorm) << int(Mode::Eval) << 1 << 3 << 1 << 0;
    // Spatial: a channel's N x L entries (batch norm), groups of C / G channels (group norm).
    QTest::newRow("spatial batchnorm 3x6 C=2") << int(Layer::BatchNorm) << int(Mode::Train) << 3 << 6 << 1 << 2;
    QTest::newRow("spatial batchnorm 1x4 C=2") << int(Layer::BatchNorm) << int(Mode::Train) << 1 << 4 << 1 << 2;
    QTest::newRow("spatial batchnorm eval 2x6 C=3") << int(Layer::BatchNorm) << int(Mode::Eval) << 2 << 6 << 1 << 3;
    QTest::newRow("spatial groupnorm 2x8 C=4 G=2") << int(Layer::GroupNorm) << int(Mode::Train) << 2 << 8 << 2 << 4;
    QTest::newRow("spatial groupnorm 2x12 C=6 G=3") << int(Layer::GroupNorm) << int(Mode::Train) << 2 << 12 << 3 << 6;
}

void TestFamilySteps::pluggedInShowsTheComputedValues()
{
    QFETCH(int, layer);
    QFETCH(int, mode);
    QFETCH(int, samples);
    QFETCH(int, features);
    QFETCH(int, groups);
    QFETCH(int, channels);
    const Session s = sessionOf(Layer(layer), Mode(mode), samples, features, groups, channels);
    const FamilyResult result = analyzeFamily(s);
    QVERIFY2(result.ok(), result.ok() ? "" : formatProblem(result.problems.front()).c_str());
    const FamilyAnalysis& a = *result.analysis;
    const Reduction& r = a.reduction;
    constexpr int kDigits = 9;
    int lines = 0;
    const auto& chain = steps(layerSpec(s.norm, s.features()));
    for (const Step& step : chain) {
        for (Eigen::Index row = 0; row < r.statRows(); ++row) {
            for (Eigen::Index col = 0; col < r.statCols(); ++col) {
                const std::string line = pluggedIn(step, s, a, row, col, kDigits);
                const std::string what = std::string(step.id) + " (" + std::to_string(row) + ", " +
                                         std::to_string(col) + "): " + line;
                QVERIFY2(line.find('{') == std::string::npos && line.find("_set") == std::string::npos &&
                             line.find('\n') == std::string::npos, what.c_str());
                const std::vector<double> expected = expectedValues(Matrix(familyValueOf(step.id, s, a)), r, row, col);
                const std::vector<std::string> shown = shownResult(line);
                // Up to five values are listed; more are elided to the first three, "…", the last.
                const bool elided = expected.size() > 5;
                QVERIFY2(shown.size() == (elided ? 5 : expected.size()), what.c_str());
                for (std::size_t k = 0; k < shown.size(); ++k) {
                    if (elided && k == 3) {
                        QVERIFY2(shown[k] == "\u2026", what.c_str());
                        continue;
                    }
                    const double want = expected[elided && k == 4 ? expected.size() - 1 : k];
                    const double got = parse(shown[k]);
                    QVERIFY2(std::abs(got - want) <= 1e-8 * std::max(1.0, std::abs(want)),
                             (what + "  expected " + std::to_string(want)).c_str());
                }
                ++lines;
            }
        }
    }
    QCOMPARE(lines, int(chain.size() * r.statRows() * r.statCols()));
}

void TestFamilySteps::sumsAndSetSizesAreWrittenOut()
{
    // Group norm, row 1, group 1 of a 3 x 6 batch in 2 groups: features 3, 4, 5, M = 3.
    const Session s = sessionOf(Layer::GroupNorm, Mode::Train, 3, 6, 2);
    const FamilyAnalysis a = *analyzeFamily(s).analysis;
    const auto stepOf = [](Layer layer, Mode mode, std::string_view id) {
        for (const Step& step : steps(layer, mode))
            if (step.id == id)
                return step;
        throw std::logic_error("no step");
    };
    const std::string mean = pluggedIn(stepOf(Layer::GroupNorm, Mode::Train, "mean"), s, a, 1, 1, 9);
    QVERIFY2(mean.starts_with("μ = (1/M) · Σ_(j∈g) x = (1/3) · ("), mean.c_str());
    // The terms of the written-out sum are the group's x, and they add up to M times the mean.
    const std::size_t open = mean.find("(", mean.find("(1/3)") + 5);
    std::string terms = mean.substr(open + 1, mean.find(')', open) - open - 1);
    double sum = 0;
    int count = 0;
    for (std::size_t at = 0;; ++count) {
        const std::size_t plus = terms.find(" + ", at);
        const double term = parse(terms.substr(at, plus - at));
        QVERIFY(std::abs(term - s.x(1, 3 + count)) <= 1e-8 * std::max(1.0, std::abs(term)));
        sum += term;
        if (plus == std::string::npos)
            break;
        at = plus + 3;
    }
    QCOMPARE(count + 1, 3);
    QVERIFY(std::abs(sum / 3 - a.forward.mean(1, 1)) < 1e-8);

    // Layer norm counts the row: (1/D) with D = 6, and dx via var divides by it too.
    const Session ln = sessionOf(Layer::LayerNorm, Mode::Train, 3, 6, 1);
    const FamilyAnalysis b = *analyzeFamily(ln).analysis;
    QVERIFY(pluggedIn(stepOf(Layer::LayerNorm, Mode::Train, "mean"), ln, b, 2, 0).starts_with("μ = (1/D) · Σ_j x = (1/6) · ("));
    QVERIFY(pluggedIn(stepOf(Layer::LayerNorm, Mode::Train, "dx_via_var"), ln, b, 0, 0).find(" / 6 = ") != std::string::npos);
    QVERIFY(pluggedIn(stepOf(Layer::LayerNorm, Mode::Train, "fused_term1"), ln, b, 0, 0).starts_with("term 1 = D · dxhat = 6 · ["));
    // A sum of products lists its inputs; dbeta's sum runs over the batch, not the row: its result only.
    QVERIFY(pluggedIn(stepOf(Layer::LayerNorm, Mode::Train, "var"), ln, b, 0, 0).starts_with("σ² = (1/D) · Σ_j (x − μ)²,  with (x − μ) = ["));
    QVERIFY(pluggedIn(stepOf(Layer::LayerNorm, Mode::Train, "dbeta"), ln, b, 0, 0).starts_with("dβ = Σ_i dy  →  ["));
    // Eval batch norm's set is a column: dbeta is its sum, written out.
    const Session ev = sessionOf(Layer::BatchNorm, Mode::Eval, 3, 2, 1);
    const FamilyAnalysis c = *analyzeFamily(ev).analysis;
    QVERIFY(pluggedIn(stepOf(Layer::BatchNorm, Mode::Eval, "dbeta"), ev, c, 0, 1).starts_with("dβ = Σ_i dy = ("));
    // Spatial batch norm's set is a channel: N x L = 3 x 2 entries, and gamma is the channel's.
    const Session sp = sessionOf(Layer::BatchNorm, Mode::Train, 3, 4, 1, 2);
    const FamilyAnalysis d = *analyzeFamily(sp).analysis;
    const auto spatialStep = [](std::string_view id) {
        for (const Step& step : steps(specs::spatialBatchNorm()))
            if (step.id == id)
                return step;
        throw std::logic_error("no step");
    };
    const std::string spatialMean = pluggedIn(spatialStep("mean"), sp, d, 0, 1, 9);
    QVERIFY2(spatialMean.starts_with("μ = (1/NL) · Σ_(i,j∈c) x = (1/6) · ("), spatialMean.c_str());
    QVERIFY(spatialMean.find(" + ", 0) != std::string::npos);
    QVERIFY(pluggedIn(spatialStep("dgamma"), sp, d, 0, 1).starts_with("dγ = Σ_(i,j∈c) dy · xhat  →  "));
    QVERIFY(pluggedIn(stepOf(Layer::BatchNorm, Mode::Eval, "inv_std"), ev, c, 0, 1).starts_with("invStd = 1/√(running σ² + ε) = 1/√(0.7 + 1e-05) = "));
}

void TestFamilySteps::setsOutsideTheLayerAreRefused()
{
    const Session s = sessionOf(Layer::GroupNorm, Mode::Train, 3, 6, 2);
    const FamilyAnalysis a = *analyzeFamily(s).analysis;
    const Step& mean = steps(Layer::GroupNorm).front();
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, pluggedIn(mean, s, a, 3, 0));
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, pluggedIn(mean, s, a, 0, 2));
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, pluggedIn(mean, s, a, -1, 0));
    // A step of another layer: RMSNorm has no mean.
    const Session rms = sessionOf(Layer::RmsNorm, Mode::Train, 3, 6, 1);
    const FamilyAnalysis b = *analyzeFamily(rms).analysis;
    QVERIFY_THROWS_EXCEPTION(std::logic_error, pluggedIn(mean, rms, b, 0, 0));
}

QTEST_GUILESS_MAIN(TestFamilySteps)
#include "test_family_steps.moc"
