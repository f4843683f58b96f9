// bnflow-cli depth: the built binary against PyTorch's float64 references
// (tests/reference/depth/generate.py), the seeded network's determinism, and bad input.
#include "cli_runner.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <stdexcept>

using namespace bnflow::test;
using Json = nlohmann::json;

class TestCliDepth : public QObject {
    Q_OBJECT
private slots:
    void matchesPyTorch_data();
    void matchesPyTorch();
    void seededIsDeterministic();
    void noStepsByDefault();
    void standardInputReadsRelativeToCurrentFolder();
    void badNetwork_data();
    void badNetwork();
    void badOptions_data();
    void badOptions();
    void diverging();
    void examplesRun_data();
    void examplesRun();
};

namespace {

const QString kCases = QStringLiteral(BNFLOW_DEPTH_DIR "/cases");
const QString kBad = QStringLiteral(BNFLOW_DEPTH_DIR "/bad");

Json readJson(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw std::runtime_error("cannot read " + path.toStdString());
    return Json::parse(file.readAll().toStdString());
}

Json depth(const QStringList& args)
{
    const Run run = runCli(QStringList{"depth"} + args);
    if (run.exitCode != 0 || !run.err.isEmpty())
        throw std::runtime_error("depth failed: " + run.err.toStdString());
    return Json::parse(run.out.constData());  // strict: throws on NaN or garbage
}

// Compares every number of `expected` with `actual`, keys and lengths exactly. Relative 1e-9;
// a mean that is 0 in exact math (|mean| below 1e-12 of its tensor's std in the reference, as
// the grad_act means below a batch norm are) against its tensor's std instead.
void compare(const Json& actual, const Json& expected, const std::string& path, double stdScale,
             std::string& failures)
{
    if (expected.is_object()) {
        if (!actual.is_object() || actual.size() != expected.size()) {
            failures += path + ": keys differ; ";
            return;
        }
        const double scale = expected.contains("std") ? expected.at("std").get<double>() : 0;
        for (const auto& [key, value] : expected.items()) {
            if (!actual.contains(key)) {
                failures += path + "." + key + " missing; ";
                continue;
            }
            compare(actual.at(key), value, path + "." + key, key == "mean" ? scale : 0, failures);
        }
    } else if (expected.is_array()) {
        if (!actual.is_array() || actual.size() != expected.size()) {
            failures += path + ": lengths differ; ";
            return;
        }
        for (std::size_t i = 0; i < expected.size(); ++i)
            compare(actual[i], expected[i], path + "[" + std::to_string(i) + "]", 0, failures);
    } else {
        if (!actual.is_number_float()) {  // every statistic is written as a float
            failures += path + " is not a float; ";
            return;
        }
        const double e = expected.get<double>();
        const double a = actual.get<double>();
        const double scale = std::abs(e) < 1e-12 * stdScale ? stdScale : std::abs(e);
        if (!(std::abs(a - e) <= 1e-9 * scale))
            failures += path + ": " + std::to_string(a) + " vs " + std::to_string(e) + "; ";
    }
}

const Json kSeeded = {
    {"format", "bnflow-network"}, {"version", 1}, {"layers", 2}, {"width", 3},
    {"norm", "batchnorm"}, {"activation", "tanh"},
    {"data", {{"n", 4}, {"inputs", 2}, {"classes", 3}, {"seed", 5}}}, {"seed", 11}};

// The bad-input tests' network with data and weights files from tests/reference/depth/bad.
Json withFiles(const QString& data, const QString& weights)
{
    Json net = kSeeded;
    net["data"] = (kBad + "/" + data + ".data.npz").toStdString();
    if (!weights.isEmpty())
        net["weights"] = (kBad + "/" + weights + ".weights.npz").toStdString();
    return net;
}

Run runNetwork(const Json& net, const QStringList& options = {})
{
    QTemporaryDir dir;
    const QString path = dir.filePath("n.bnflow-net.json");
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(QByteArray::fromStdString(net.dump())) < 0)
        throw std::runtime_error("cannot write the network file");
    file.close();
    return runCli(QStringList{"depth", path} + options);
}

}  // namespace

void TestCliDepth::matchesPyTorch_data()
{
    QTest::addColumn<QString>("name");
    const QStringList files = QDir(kCases).entryList({"*.bnflow-net.json"}, QDir::Files, QDir::Name);
    QVERIFY(files.size() >= 20);
    for (const QString& file : files) {
        const QString name = file.chopped(int(sizeof ".bnflow-net.json") - 1);
        QTest::newRow(qPrintable(name)) << name;
    }
}

void TestCliDepth::matchesPyTorch()
{
    QFETCH(QString, name);
    const Json expected = readJson(kCases + "/" + name + ".expected.json");
    QStringList args{kCases + "/" + name + ".bnflow-net.json"};
    for (const Json& arg : expected.at("args"))
        args << QString::fromStdString(arg.get<std::string>());
    const Json out = depth(args);
    std::string failures;
    compare(out, expected.at("output"), "", 0, failures);
    QVERIFY2(failures.empty(), failures.c_str());
}

void TestCliDepth::seededIsDeterministic()
{
    Json net = kSeeded;
    net["layers"] = 5;
    net["width"] = 20;
    net["data"] = {{"n", 16}, {"inputs", 4}, {"classes", 3}, {"seed", 9}};
    const Run first = runNetwork(net, {"--steps", "3"});
    const Run second = runNetwork(net, {"--steps", "3"});
    QCOMPARE(first.exitCode, 0);
    QCOMPARE(first.out, second.out);
    const Json out = Json::parse(first.out.constData());
    QCOMPARE(out.at("layers").size(), std::size_t(6));
    QCOMPARE(out.at("steps").size(), std::size_t(3));
    QVERIFY(!out.at("layers")[5].contains("act") && !out.at("layers")[5].contains("grad_act"));
    QVERIFY(out.at("layers")[0].at("act").contains("saturated"));
    // Another seed draws other weights; another data seed other data.
    net["seed"] = 12;
    QVERIFY(runNetwork(net, {"--steps", "3"}).out != first.out);
}

void TestCliDepth::noStepsByDefault()
{
    for (const QStringList& options : {QStringList{}, QStringList{"--steps", "0"}}) {
        const Run run = runNetwork(kSeeded, options);
        QCOMPARE(run.exitCode, 0);
        const Json out = Json::parse(run.out.constData());
        QVERIFY(out.at("steps").is_array() && out.at("steps").empty());
        QVERIFY(out.at("loss").is_number_float());
    }
}

void TestCliDepth::standardInputReadsRelativeToCurrentFolder()
{
    // Through - the file names are relative to the current folder: here, the case's folder
    // through a path that starts there.
    const Json net = readJson(kCases + "/none_tanh.bnflow-net.json");
    Json moved = net;
    moved["data"] = (kCases + "/" + QString::fromStdString(net.at("data").get<std::string>())).toStdString();
    moved["weights"] = (kCases + "/" + QString::fromStdString(net.at("weights").get<std::string>())).toStdString();
    const Run run = runCliWithInput({"depth", "-"}, QByteArray::fromStdString(moved.dump()));
    QCOMPARE(run.exitCode, 0);
    const Json fromFile = depth({kCases + "/none_tanh.bnflow-net.json"});
    QCOMPARE(Json::parse(run.out.constData()), fromFile);
    // A relative name is not found next to the network file when it comes through -.
    expectBadInput(runCliWithInput({"depth", "-"}, QByteArray::fromStdString(net.dump())),
                   {"standard input", "none_tanh.data.npz", "no such file"});
}

void TestCliDepth::badNetwork_data()
{
    QTest::addColumn<QByteArray>("network");
    QTest::addColumn<QStringList>("fragments");
    const auto row = [](const char* name, const Json& net, const QStringList& fragments) {
        QTest::newRow(name) << QByteArray::fromStdString(net.dump()) << fragments;
    };
    const auto patched = [](const Json& patch) {
        Json net = kSeeded;
        net.merge_patch(patch);
        return net;
    };
    row("missing layers", patched({{"layers", nullptr}}), {"layers", "missing"});
    row("unknown key", patched({{"depth", 3}}), {"depth", "not a key"});
    row("wrong format", patched({{"format", "bnflow-session"}}), {"format", "bnflow-network"});
    row("wrong version", patched({{"version", 2}}), {"version", "expected 1"});
    row("layers 0", patched({{"layers", 0}}), {"layers", "1 .. 64"});
    row("layers 65", patched({{"layers", 65}}), {"layers", "1 .. 64"});
    row("layers float", patched({{"layers", 2.0}}), {"layers", "integer"});
    row("width 0", patched({{"width", 0}}), {"width", "1 .. 4096"});
    row("width 4097", patched({{"width", 4097}}), {"width", "1 .. 4096"});
    row("width string", patched({{"width", "3"}}), {"width", "a string"});
    row("unknown norm", patched({{"norm", "groupnorm"}}), {"norm", "groupnorm", "rmsnorm"});
    row("unknown activation", patched({{"activation", "gelu"}}), {"activation", "gelu", "tanh"});
    row("bias not bool", patched({{"bias", 1}}), {"bias", "true or false"});
    row("gain 0", patched({{"gain", 0.0}}), {"gain", "> 0"});
    row("lr string", patched({{"lr", "fast"}}), {"lr", "number"});
    row("seed negative", patched({{"seed", -1}}), {"seed", "2^64"});
    row("title number", patched({{"title", 3}}), {"title", "text"});
    row("data number", patched({{"data", 3}}), {"data", "a number"});
    row("data n missing", patched({{"data", {{"n", nullptr}}}}), {"data.n", "missing"});
    row("data n 0", patched({{"data", {{"n", 0}}}}), {"data.n", "is 0"});
    row("data unknown key", patched({{"data", {{"rows", 3}}}}), {"data.rows", "not a key"});
    row("classes with seeded data", patched({{"classes", 3}}), {"classes", "data file"});
    row("too many entries", patched({{"data", {{"n", 5000}, {"inputs", 1000}}}}), {"data", "2^22"});
    row("too many weights", patched({{"layers", 64}, {"width", 4096}}), {"weights", "2^22"});
    row("not an object", Json::array({1, 2}), {"JSON object", "an array"});
    row("data file missing", withFiles("nonexistent", ""), {"nonexistent.data.npz", "no such file"});
    row("labels float", withFiles("labels_float", ""), {"labels_float.data.npz: labels", "integers"});
    row("labels negative", withFiles("labels_negative", ""), {"labels[1]", "is -1"});
    Json big = withFiles("labels_big", "");
    big["classes"] = 3;
    row("label beyond classes", big, {"labels[2]", "is 5", "0 .. 2"});
    row("labels short", withFiles("labels_short", ""), {"labels", "3 entries", "(4)"});
    row("labels missing", withFiles("labels_missing", ""), {"labels", "missing"});
    row("x not finite", withFiles("x_nan", ""), {"x_nan.data.npz: x", "finite"});
    row("x 1-d", withFiles("x_1d", ""), {"x_1d.data.npz: x", "(4,)"});
    row("data extra member", withFiles("extra_member", ""), {"extra_member.data.npz: y", "does not belong"});
    row("weights file missing", withFiles("good", "nonexistent"), {"nonexistent.weights.npz", "no such file"});
    row("weights not npz", withFiles("good", "not_npz"), {"not_npz.weights.npz", "zip"});
    row("W wrong shape", withFiles("good", "w_shape"), {"w_shape.weights.npz: W1", "(3, 4)", "(3, 3)"});
    row("W of layer L+1", withFiles("good", "w_extra_layer"), {"W3", "does not belong"});
    row("W not finite", withFiles("good", "w_nan"), {"W2", "finite"});
    row("b wrong shape", withFiles("good", "b_vector_shape"), {"b0", "(3, 1)", "(3,)"});
    Json noBias = withFiles("good", "b0");
    noBias["bias"] = false;
    row("b with bias false", noBias, {"b0.weights.npz: b0", "\"bias\": false"});
    Json noNorm = withFiles("good", "gamma0");
    noNorm["norm"] = "none";
    row("gamma with norm none", noNorm, {"gamma0", "\"norm\": \"none\""});
    row("gamma of the output layer", withFiles("good", "gamma2"), {"gamma2", "output layer"});
    row("unknown weights member", withFiles("good", "unknown_member"), {"kernel", "does not belong"});
    row("W constant", withFiles("good", "w_constant"), {"W1", "std 0"});
}

void TestCliDepth::badNetwork()
{
    QFETCH(QByteArray, network);
    QFETCH(QStringList, fragments);
    expectBadInput(runNetwork(Json::parse(network.toStdString())), fragments);
}

void TestCliDepth::badOptions_data()
{
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QStringList>("fragments");
    QTest::newRow("steps negative") << QStringList{"--steps", "-1"} << QStringList{"--steps", ">= 0"};
    QTest::newRow("steps huge") << QStringList{"--steps", "100001"} << QStringList{"--steps", "100000"};
    QTest::newRow("steps float") << QStringList{"--steps", "1.5"} << QStringList{"--steps"};
    QTest::newRow("lr nan") << QStringList{"--lr", "nan"} << QStringList{"--lr", "number"};
    QTest::newRow("lr inf") << QStringList{"--lr", "inf"} << QStringList{"--lr", "number"};
}

void TestCliDepth::badOptions()
{
    QFETCH(QStringList, options);
    QFETCH(QStringList, fragments);
    expectBadInput(runNetwork(kSeeded, options), fragments);
}

void TestCliDepth::diverging()
{
    // A learning rate that makes the parameters overflow: exit 2 naming the step, nothing on stdout.
    Json net = kSeeded;
    net["norm"] = "none";
    net["activation"] = "linear";
    expectBadInput(runNetwork(net, {"--steps", "50", "--lr", "1e200"}), {"step "});
}

void TestCliDepth::examplesRun_data()
{
    QTest::addColumn<QString>("path");
    const QDir dir(QStringLiteral(BNFLOW_NETWORK_EXAMPLES));
    const QStringList files = dir.entryList({"*.bnflow-net.json"}, QDir::Files, QDir::Name);
    QVERIFY(files.size() >= 3);
    for (const QString& file : files)
        QTest::newRow(qPrintable(file)) << dir.filePath(file);
}

void TestCliDepth::examplesRun()
{
    // The lesson networks of resources/examples/networks (doc/depth.md): each runs, every
    // number a float, the shape as the file says.
    QFETCH(QString, path);
    const Json net = readJson(path);
    const Json out = depth({path, "--steps", "2"});
    QCOMPARE(out.at("layers").size(), net.at("layers").get<std::size_t>() + 1);
    QCOMPARE(out.at("steps").size(), std::size_t(2));
    QCOMPARE(out.at("steps")[0].at("update_to_data").size(), out.at("layers").size());
    QVERIFY(out.at("steps")[0].at("loss").get<double>() == out.at("loss").get<double>());
}

QTEST_GUILESS_MAIN(TestCliDepth)
#include "test_cli_depth.moc"
