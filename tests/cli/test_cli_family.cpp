// bnflow-cli grad, gradcheck and check for every layer of the normalization family, the built
// binary against PyTorch's reference cases (tests/reference/family), and the example sessions of
// File > Examples > Normalization family (export and handout: test_cli_family_export.cpp).
// The bad keys are rows of tests/common/bad_inputs.
#include "cli_runner.h"
#include "family_reference.h"
#include "fuzzy.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <set>
#include <stdexcept>

using namespace bnflow;
using namespace bnflow::test;
using Json = nlohmann::json;

class TestCliFamily : public QObject {
    Q_OBJECT
private slots:
    void gradMatchesPyTorch_data();
    void gradMatchesPyTorch();
    void statisticShapes();
    void gradcheckEveryLayer_data();
    void gradcheckEveryLayer();
    void checkJudgesEveryLayer_data();
    void checkJudgesEveryLayer();
    void examplesRun();
    void conventionExamplesUseTheirConvention();
};

namespace {

std::set<std::string> keysOf(const Json& object)
{
    std::set<std::string> keys;
    for (const auto& [key, value] : object.items())
        keys.insert(key);
    return keys;
}

Json grad(const std::string& path)
{
    const Run run = runCli({"grad", QString::fromStdString(path)});
    if (run.exitCode != 0 || !run.err.isEmpty())
        throw std::runtime_error("grad failed: " + run.err.toStdString());
    return Json::parse(run.out.constData());  // strict: throws on NaN or garbage
}

}  // namespace

void TestCliFamily::gradMatchesPyTorch_data()
{
    QTest::addColumn<QString>("name");
    for (const std::string& name : familyCaseNames())
        QTest::newRow(name.c_str()) << QString::fromStdString(name);
}

void TestCliFamily::gradMatchesPyTorch()
{
    QFETCH(QString, name);
    const FamilyCase c = loadFamilyCase(name.toStdString());
    const Json out = grad(c.sessionPath);
    QCOMPARE(out.at("shape"), Json({c.session.samples(), c.session.features()}));
    const auto check = [&](const Json& value, const std::string& key) {
        std::string report;
        QVERIFY2(closeTo(toMatrix(value), c.expected.at(key), familyTermScale(key, c), c.rtol, &report),
                 (name.toStdString() + " " + key + ": " + report).c_str());
    };
    // Every statistic of the reference, in the shape the reference stores it, plus xhat and y.
    std::set<std::string> forwardKeys = {"xhat"};
    for (const auto& [key, value] : c.expected)
        if (key.starts_with("forward.")) {
            forwardKeys.insert(key.substr(8));
            check(out.at("forward").at(key.substr(8)), key);
        }
    if (c.session.norm.layerOrDefault() == Layer::RmsNorm)
        forwardKeys.insert("ms");
    QCOMPARE(keysOf(out.at("forward")), forwardKeys);
    for (const char* section : {"staged", "fused"})
        for (const char* key : {"dx", "dgamma", "dbeta"})
            check(out.at(section).at(key), std::string("grads.") + key);
    QCOMPARE(keysOf(out.at("fused")), (std::set<std::string>{"dx", "dgamma", "dbeta"}));
    QVERIFY(out.at("staged").contains("dxhat"));
    for (const char* key : {"dx", "dgamma", "dbeta"}) {
        const double diff = out.at("max_abs_diff").at(key).get<double>();
        QVERIFY2(diff >= 0 && diff <= c.rtol * familyTermScale(std::string("grads.") + key, c), key);
    }
    QCOMPARE(out.contains("running"), c.expected.count("running.mean") == 1);
    if (out.contains("running")) {
        QCOMPARE(keysOf(out.at("running")), (std::set<std::string>{"mean", "var"}));
        check(out.at("running").at("mean"), "running.mean");
        check(out.at("running").at("var"), "running.var");
    }
}

void TestCliFamily::statisticShapes()
{
    // Layer norm: one per sample, flat [N]; group norm: N rows of G (even for N = 1 or G = 1);
    // RMSNorm: [N]; eval: one per feature, flat [D]; staged cells likewise.
    const Json ln = grad(BNFLOW_FAMILY_DIR "/layernorm_4x5.bnflow.json");
    QVERIFY(ln.at("forward").at("mean").size() == 4 && ln.at("forward").at("mean")[0].is_number());
    QVERIFY(ln.at("staged").at("dvar").size() == 4 && ln.at("staged").at("dmean")[0].is_number());
    const Json gn = grad(BNFLOW_FAMILY_DIR "/groupnorm_g3_4x6.bnflow.json");
    QCOMPARE(gn.at("forward").at("inv_std").size(), std::size_t(4));
    QCOMPARE(gn.at("forward").at("inv_std")[0].size(), std::size_t(3));
    QCOMPARE(gn.at("staged").at("dmean")[3].size(), std::size_t(3));
    const Json g1 = grad(BNFLOW_FAMILY_DIR "/groupnorm_g1_4x6.bnflow.json");
    QVERIFY(g1.at("forward").at("mean")[0].is_array());
    const Json gn1 = grad(BNFLOW_FAMILY_DIR "/groupnorm_n1_1x8.bnflow.json");
    QCOMPARE(gn1.at("forward").at("mean").size(), std::size_t(1));
    QCOMPARE(gn1.at("forward").at("mean")[0].size(), std::size_t(4));
    QVERIFY(gn1.at("forward").at("xhat")[0].is_array());  // N x D stays rows with N = 1
    const Json rms = grad(BNFLOW_FAMILY_DIR "/rmsnorm_16x8.bnflow.json");
    QCOMPARE(rms.at("forward").at("rrms").size(), std::size_t(16));
    QCOMPARE(keysOf(rms.at("staged")),
             (std::set<std::string>{"dxhat", "drrms", "dms", "dx", "dgamma", "dbeta"}));
    const Json eval = grad(BNFLOW_FAMILY_DIR "/batchnorm_eval_5x4.bnflow.json");
    QCOMPARE(eval.at("forward").at("inv_std").size(), std::size_t(4));
    QCOMPARE(keysOf(eval.at("staged")), (std::set<std::string>{"dxhat", "dx", "dgamma", "dbeta"}));
    QVERIFY(!eval.contains("running"));  // eval reads the running statistics, never updates them
}

void TestCliFamily::gradcheckEveryLayer_data()
{
    QTest::addColumn<QString>("name");
    for (const char* name : {"layernorm_16x8", "rmsnorm_16x8", "groupnorm_g2_4x6",
                             "batchnorm_eval_5x4", "running_keras_6x4"})
        QTest::newRow(name) << QString(name);
}

void TestCliFamily::gradcheckEveryLayer()
{
    QFETCH(QString, name);
    const Run run = runCli({"gradcheck", BNFLOW_FAMILY_DIR "/" + name + ".bnflow.json"});
    QCOMPARE(run.exitCode, 0);
    const Json out = Json::parse(run.out.constData());
    QCOMPARE(keysOf(out), (std::set<std::string>{"h", "max_rel_error"}));
    for (const char* key : {"dx", "dgamma", "dbeta"}) {
        const double e = out.at("max_rel_error").at(key).get<double>();
        QVERIFY2(e >= 0 && e < 1e-6, (std::string(key) + " " + std::to_string(e)).c_str());
    }
}

void TestCliFamily::checkJudgesEveryLayer_data()
{
    QTest::addColumn<QString>("name");
    for (const char* name : {"layernorm_4x5", "rmsnorm_4x5", "groupnorm_g2_4x6", "batchnorm_eval_5x4",
                             "spatial_batchnorm_4x3x5", "spatial_groupnorm_g2_3x4x3"})
        QTest::newRow(name) << QString(name);
}

// bnflow-cli check on another layer: PyTorch's own dx (from the reference case, written as a
// JSON array of rows) is correct; the same dx with one cell moved is wrong, and no batch-norm
// mistake is named for it.
void TestCliFamily::checkJudgesEveryLayer()
{
    QFETCH(QString, name);
    const FamilyCase c = loadFamilyCase(name.toStdString());
    Matrix dx = c.expected.at("grads.dx");
    QTemporaryDir dir;
    const auto write = [&](const QString& file, const Matrix& m) {
        Json rows = Json::array();
        for (Eigen::Index i = 0; i < m.rows(); ++i) {
            Json row = Json::array();
            for (Eigen::Index j = 0; j < m.cols(); ++j)
                row.push_back(m(i, j));
            rows.push_back(row);
        }
        QFile f(dir.filePath(file));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray::fromStdString(rows.dump(-1, ' ', false, Json::error_handler_t::strict)));
    };
    write("right.json", dx);
    Run run = runCli({"check", QString::fromStdString(c.sessionPath), "--dx", dir.filePath("right.json")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err + run.out));
    Json out = Json::parse(run.out.constData());
    QCOMPARE(out.at("verdict").get<std::string>(), std::string("correct"));
    dx(0, 0) += 0.5 * std::max(1.0, dx.cwiseAbs().maxCoeff());
    write("wrong.json", dx);
    run = runCli({"check", QString::fromStdString(c.sessionPath), "--dx", dir.filePath("wrong.json")});
    QCOMPARE(run.exitCode, 3);
    out = Json::parse(run.out.constData());
    QCOMPARE(out.at("verdict").get<std::string>(), std::string("wrong"));
    QCOMPARE(out.at("tensors").at("dx").at("worst"), Json({0, 0}));
    QVERIFY(out.at("diagnosis").empty());
}

// The README's example sessions, one per layer and convention (resources/examples/family).
void TestCliFamily::examplesRun()
{
    const QDir dir(BNFLOW_FAMILY_EXAMPLES);
    const QStringList files = dir.entryList({"*.bnflow.json"}, QDir::Files);
    QCOMPARE(files.size(), 9);
    for (const QString& file : files) {
        const Json out = grad(dir.filePath(file).toStdString());
        QCOMPARE(out.contains("running"), file.startsWith("running_"));
        const Run check = runCli({"gradcheck", dir.filePath(file)});
        QVERIFY2(check.exitCode == 0, qPrintable(file + check.err));
    }
}

// The three running-statistics examples use the convention their name says: the updated
// statistics that grad prints follow that convention's formula (doc/derivation.md#running-statistics),
// computed here from x: pytorch r <- (1 - m) r + m s with the unbiased variance and m = 0.1,
// keras r <- m r + (1 - m) s with the biased variance and m = 0.99, cs231n the same with m = 0.9.
void TestCliFamily::conventionExamplesUseTheirConvention()
{
    const QDir dir(BNFLOW_FAMILY_EXAMPLES);
    for (const std::string convention : {"pytorch", "keras", "cs231n"}) {
        const QString path = dir.filePath(QString::fromStdString("running_" + convention + ".bnflow.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const Json session = Json::parse(file.readAll().constData());
        QCOMPARE(session.at("convention").get<std::string>(), convention);  // said, not defaulted
        const Json& x = session.at("x");
        const std::size_t n = x.size(), d = x[0].size();
        const Json out = grad(path.toStdString());
        const double m = convention == "pytorch" ? 0.1 : convention == "keras" ? 0.99 : 0.9;
        for (std::size_t j = 0; j < d; ++j) {
            double mean = 0, squares = 0;
            for (std::size_t i = 0; i < n; ++i)
                mean += x[i][j].get<double>() / double(n);
            for (std::size_t i = 0; i < n; ++i)
                squares += (x[i][j].get<double>() - mean) * (x[i][j].get<double>() - mean);
            const double var = squares / double(convention == "pytorch" ? n - 1 : n);
            const double oldMean = session.at("running_mean")[j].get<double>();
            const double oldVar = session.at("running_var")[j].get<double>();
            const double newMean = convention == "pytorch" ? (1 - m) * oldMean + m * mean : m * oldMean + (1 - m) * mean;
            const double newVar = convention == "pytorch" ? (1 - m) * oldVar + m * var : m * oldVar + (1 - m) * var;
            const double gotMean = out.at("running").at("mean")[j].get<double>();
            const double gotVar = out.at("running").at("var")[j].get<double>();
            QVERIFY2(std::abs(gotMean - newMean) <= 1e-14 * (1 + std::abs(newMean)), convention.c_str());
            QVERIFY2(std::abs(gotVar - newVar) <= 1e-14 * (1 + std::abs(newVar)), convention.c_str());
        }
    }
}

QTEST_GUILESS_MAIN(TestCliFamily)
#include "test_cli_family.moc"
