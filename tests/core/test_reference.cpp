// bnflow against PyTorch: every reference case of tests/reference, every tensor, staged and fused.
#include "fuzzy.h"
#include "reference.h"

#include <core/math/analysis.h>
#include <core/math/batchnorm.h>

#include <QtTest>

using namespace bnflow;
using namespace bnflow::test;

class TestReference : public QObject {
    Q_OBJECT
private slots:
    void enoughCases();
    void againstPyTorch_data();
    void againstPyTorch();
    void float32AgainstPyTorch_data();
    void float32AgainstPyTorch();

private:
    static void addCaseRows();
};

void TestReference::addCaseRows()
{
    QTest::addColumn<QString>("name");
    for (const std::string& name : referenceCaseNames())
        QTest::newRow(name.c_str()) << QString::fromStdString(name);
}

void TestReference::enoughCases()
{
    const auto names = referenceCaseNames();
    QVERIFY2(names.size() >= 20, "tests/reference/generate.py writes at least 20 cases");
    for (const char* required : {"n1_1x4", "n2_2x3", "d1_10x1", "offset_1e6_randn_16x4",
                                 "cs231n_offset_8x5", "zero_gamma_columns_6x4",
                                 "eps_keras_1e-3_5x5", "large_scale_1e30_8x3"})
        QVERIFY2(std::find(names.begin(), names.end(), required) != names.end(), required);
}

void TestReference::againstPyTorch_data()
{
    addCaseRows();
}

void TestReference::againstPyTorch()
{
    QFETCH(QString, name);
    const ReferenceCase c = loadReferenceCase(name.toStdString());
    const AnalysisResult result = analyze(c.session);
    QVERIFY2(result.ok(), result.ok() ? "" : formatProblem(result.problems.front()).c_str());
    const Analysis& a = *result.analysis;

    const std::pair<const char*, Matrix> actual[] = {
        {"mean", a.forward.mean},        {"var", a.forward.var},
        {"inv_std", a.forward.invStd},   {"xhat", a.forward.xhat},
        {"y", a.forward.y},              {"dxhat", a.staged.dxhat},
        {"dvar", a.staged.dvar},         {"dmean", a.staged.dmean},
        {"dx", a.staged.dx},             {"dgamma", a.staged.dgamma},
        {"dbeta", a.staged.dbeta},
    };
    for (const auto& [key, value] : actual) {
        std::string report;
        QVERIFY2(closeTo(value, c.expected.at(key), termScale(key, c), c.rtol, &report),
                 (std::string("staged ") + key + " " + report).c_str());
    }
    const std::pair<const char*, Matrix> fused[] = {
        {"dx", a.fused.grads.dx}, {"dgamma", a.fused.grads.dgamma}, {"dbeta", a.fused.grads.dbeta}};
    for (const auto& [key, value] : fused) {
        std::string report;
        QVERIFY2(closeTo(value, c.expected.at(key), termScale(key, c), c.rtol, &report),
                 (std::string("fused ") + key + " " + report).c_str());
    }
    // The allocation-free kernel is the same computation as backwardFused's.
    Matrix dx(c.session.samples(), c.session.features());
    RowVector dgamma(c.session.features()), dbeta(c.session.features());
    fusedBackwardKernel<double>(c.session.dout, a.forward.xhat, a.forward.invStd, c.session.gamma,
                                dx, dgamma, dbeta);
    std::string report;
    QVERIFY2(closeTo(dx, c.expected.at("dx"), termScale("dx", c), c.rtol, &report), report.c_str());
}

void TestReference::float32AgainstPyTorch_data()
{
    addCaseRows();
}

void TestReference::float32AgainstPyTorch()
{
    QFETCH(QString, name);
    const ReferenceCase c = loadReferenceCase(name.toStdString());
    const Session& s = c.session;
    // Centring loses log10(max|x| / std) digits; float32 has about 7.
    const double conditioning = (s.x.cwiseAbs().colwise().maxCoeff().array() *
                                 c.expected.at("inv_std").row(0).array()).maxCoeff();
    if (conditioning > 100 || s.x.cwiseAbs().maxCoeff() > 1e30 || maxAbs(s.dout) > 1e30)
        QSKIP("float32 cannot represent this case's centring or range");
    const Mat<float> x = s.x.cast<float>();
    const RowVec<float> gamma = s.gamma.cast<float>();
    const ForwardCache<float> cache =
        forward<float>(x, gamma, s.beta.cast<float>(), static_cast<float>(s.eps));
    const Mat<float> dout = s.dout.cast<float>();
    const Gradients<float> fused = backwardFused<float>(dout, cache, gamma);
    const StagedGradients<float> staged = backwardStaged<float>(dout, cache, gamma);
    const double rtol = 1e-5 * std::max(1.0, conditioning);
    for (const auto& [key, value] : {std::pair<const char*, Matrix>{"y", cache.y.cast<double>()},
                                     {"dx", fused.dx.cast<double>()},
                                     {"dx", staged.dx.cast<double>()},
                                     {"dgamma", fused.dgamma.cast<double>()},
                                     {"dbeta", fused.dbeta.cast<double>()}}) {
        std::string report;
        QVERIFY2(closeTo(value, c.expected.at(key), termScale(key, c), rtol, &report),
                 (std::string(key) + " " + report).c_str());
    }
}

QTEST_GUILESS_MAIN(TestReference)
#include "test_reference.moc"
