// The session file: the contract's example, round trips, defaults, and every kind of bad input.
#include "bad_inputs.h"

#include <core/math/analysis.h>
#include <core/io/session_json.h>

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

#include <sys/stat.h>

using namespace bnflow;
using namespace bnflow::test;

class TestSessionJson : public QObject {
    Q_OBJECT
private slots:
    void contractExample();
    void roundTripIsExact();
    void unknownKeysAreKept();
    void doutDefaultsToSeededNormal();
    void doutSeedIsReproducible();
    void badInput_data();
    void badInput();
    void severalProblemsAreAllReported();
    void files_data();
    void files();
    void manyUnknownKeysKeptInOrder();
    void tooManyEntriesRefusedBeforeAllocating();
    void familyKeysRoundTrip_data();
    void familyKeysRoundTrip();
    void noFamilyKeysWrittenByDefault();
    void familyDefaults();
};

static const char* kContractExample = R"({
  "format": "bnflow-session",
  "version": 1,
  "title": "optional text",
  "x":     [[1.0, 2.0, 3.0], [4.0, 5.5, 6.0]],
  "gamma": [1.0, 0.5, 2.0],
  "beta":  [0.0, 0.1, -0.3],
  "eps":   1e-5,
  "dout":  [[0.1, -0.2, 0.3], [0.4, 0.0, -0.1]]
})";

void TestSessionJson::contractExample()
{
    const SessionLoad load = parseSession(kContractExample);
    QVERIFY(load.ok());
    const Session& s = *load.session;
    QCOMPARE(s.title, std::string("optional text"));
    QCOMPARE(s.samples(), Eigen::Index(2));
    QCOMPARE(s.features(), Eigen::Index(3));
    QCOMPARE(s.x(1, 1), 5.5);
    QCOMPARE(s.beta[2], -0.3);
    QCOMPARE(s.eps, 1e-5);
    QCOMPARE(s.dout(0, 1), -0.2);
    QVERIFY(!s.doutSeed.has_value());
}

void TestSessionJson::roundTripIsExact()
{
    Session s = exampleSession();
    s.x(0, 0) = 0.1 + 0.2;  // needs all 17 digits
    s.x(1, 2) = -1.2345678901234567e-300;
    s.gamma[1] = 6.02214076e23;
    s.doutSeed.reset();
    s.title = "quotes \" and \\ and a\nnewline, and ünïcode";
    const SessionLoad back = parseSession(writeSession(s));
    QVERIFY2(back.ok(), back.ok() ? "" : formatProblem(back.problems.front()).c_str());
    QCOMPARE(back.session->x, s.x);  // bit-for-bit
    QCOMPARE(back.session->gamma, s.gamma);
    QCOMPARE(back.session->beta, s.beta);
    QCOMPARE(back.session->dout, s.dout);
    QCOMPARE(back.session->eps, s.eps);
    QCOMPARE(back.session->title, s.title);
    QCOMPARE(back.session->notes, s.notes);
    QCOMPARE(writeSession(*back.session), writeSession(s));
}

void TestSessionJson::unknownKeysAreKept()
{
    std::string text = kContractExample;
    text.insert(text.rfind('}'), ",\n  \"lecture\": {\"slide\": 3, \"tags\": [\"bn\", 1.5]}, \"dout_seed\": 7\n");
    const SessionLoad load = parseSession(text);
    QVERIFY(load.ok());
    const std::string written = writeSession(*load.session);
    QVERIFY2(written.find("\"lecture\": {\"slide\":3,\"tags\":[\"bn\",1.5]}") != std::string::npos,
             written.c_str());
    // A seed beside an explicit dout is not used, but it is not lost either.
    QVERIFY2(written.find("\"dout_seed\": 7") != std::string::npos, written.c_str());
    QCOMPARE(parseSession(written).session->dout, load.session->dout);
}

void TestSessionJson::doutDefaultsToSeededNormal()
{
    const SessionLoad load = parseSession(R"({"format": "bnflow-session", "version": 1,
        "x": [[1, 2], [3, 4], [5, 7]], "gamma": [1, 2], "beta": [0, 1], "eps": 1e-5})");
    QVERIFY(load.ok());
    QCOMPARE(load.session->doutSeed, std::optional<std::uint64_t>(0));
    QCOMPARE(load.session->dout, standardNormalMatrix(3, 2, 0));
    QVERIFY(!load.session->dout.isOnes());
    // Saved again, it stays a seed rather than turning into typed-in numbers.
    const std::string written = writeSession(*load.session);
    QVERIFY(written.find("\"dout_seed\": 0") != std::string::npos);
    QVERIFY(written.find("\"dout\"") == std::string::npos);
}

void TestSessionJson::doutSeedIsReproducible()
{
    QCOMPARE(standardNormalMatrix(5, 4, 123), standardNormalMatrix(5, 4, 123));
    QVERIFY(standardNormalMatrix(5, 4, 123) != standardNormalMatrix(5, 4, 124));
    // It is a standard normal: moments over many draws.
    const Matrix m = standardNormalMatrix(200, 200, 9);
    const double mean = m.mean();
    const double var = (m.array() - mean).square().mean();
    const double kurtosis = (m.array() - mean).pow(4).mean() / (var * var);
    QVERIFY2(std::abs(mean) < 0.02, std::to_string(mean).c_str());
    QVERIFY2(std::abs(var - 1) < 0.03, std::to_string(var).c_str());
    QVERIFY2(std::abs(kurtosis - 3) < 0.15, std::to_string(kurtosis).c_str());
}

void TestSessionJson::badInput_data()
{
    QTest::addColumn<int>("index");
    for (std::size_t k = 0; k < badInputs().size(); ++k)
        QTest::newRow(badInputs()[k].name) << static_cast<int>(k);
}

void TestSessionJson::badInput()
{
    QFETCH(int, index);
    const BadInput& bad = badInputs()[static_cast<std::size_t>(index)];
    const SessionLoad load = parseSession(bad.content);
    Problems problems = load.problems;
    if (bad.computation) {
        QVERIFY2(load.ok(), "a computation-only problem must parse");
        const AnalysisResult result = analyze(*load.session);
        QVERIFY(!result.ok());
        problems = result.problems;
    } else {
        QVERIFY(!load.ok());
    }
    QVERIFY(!problems.empty());
    const std::string message = formatProblem(problems.front());
    QVERIFY2(message.find(bad.where) != std::string::npos, message.c_str());
    QVERIFY2(message.find(bad.what) != std::string::npos, message.c_str());
    QVERIFY2(message.find('\n') == std::string::npos, "one line");
    QVERIFY2(message.size() < 300, "quoted input is cut short");
    for (const char c : message)
        QVERIFY2(static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f,
                 "printable ASCII only");
}

void TestSessionJson::severalProblemsAreAllReported()
{
    const SessionLoad load = parseSession(R"({"format": "bnflow-session", "version": 1,
        "x": [[1, "a"], [3, 4]], "gamma": [1, null], "beta": [0, 1], "eps": "small"})");
    QVERIFY(!load.ok());
    QCOMPARE(load.problems.size(), std::size_t(3));
    QCOMPARE(load.problems[0].where, std::string("x[0][1]"));
    QCOMPARE(load.problems[1].where, std::string("gamma[1]"));
    QCOMPARE(load.problems[2].where, std::string("eps"));
}

void TestSessionJson::files_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("what");
    QTest::newRow("missing file") << "missing" << "no such file";
    QTest::newRow("directory") << "directory" << "is a directory";
    QTest::newRow("too large") << "large" << "larger than 64 MiB";
    QTest::newRow("unreadable") << "unreadable" << "cannot be read";
    QTest::newRow("FIFO with no writer") << "fifo" << "is a FIFO (named pipe)";
    QTest::newRow("character device") << "device" << "is a character device";
    QTest::newRow("symlink loop") << "loop" << "too many levels of symbolic links";
    QTest::newRow("name too long") << "long name" << "the file name is too long";
    QTest::newRow("folder without permission") << "closed folder" << "permission denied";
    QTest::newRow("good file") << "good" << "";
}

void TestSessionJson::files()
{
    QFETCH(QString, kind);
    QFETCH(QString, what);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    std::string path = dir.filePath("s.bnflow.json").toStdString();
    if (kind == "directory")
        path = dir.path().toStdString();
    if (kind == "large") {
        std::ofstream out(path);
        out << std::string(kMaxSessionBytes + 10, ' ');
    }
    if (kind == "good" || kind == "unreadable") {
        std::ofstream out(path);
        out << kContractExample;
    }
    if (kind == "fifo")
        QCOMPARE(::mkfifo(path.c_str(), 0600), 0);  // nobody writes: a blocking open would hang
    if (kind == "device")
        path = "/dev/zero";  // never ends: reading it until the size cap is not the answer
    if (kind == "loop") {
        std::filesystem::create_symlink(dir.filePath("b").toStdString(), dir.filePath("a").toStdString());
        std::filesystem::create_symlink(dir.filePath("a").toStdString(), dir.filePath("b").toStdString());
        path = dir.filePath("a").toStdString();
    }
    if (kind == "long name")
        path = dir.filePath(QString(5000, 'n')).toStdString();
    struct Reopen {  // so that the temporary folder can be removed again
        std::string folder;
        ~Reopen()
        {
            if (!folder.empty())
                std::filesystem::permissions(folder, std::filesystem::perms::owner_all);
        }
    } reopen;
    if (kind == "closed folder") {
        const std::string folder = dir.filePath("closed").toStdString();
        std::filesystem::create_directory(folder);
        path = folder + "/s.bnflow.json";
        std::ofstream(path) << kContractExample;
        std::filesystem::permissions(folder, std::filesystem::perms::none);
        reopen.folder = folder;
        if (std::ifstream(path).good())
            QSKIP("running as root: permissions do not stop reading");
    }
    if (kind == "unreadable") {
        std::filesystem::permissions(path, std::filesystem::perms::none);
        if (std::ifstream(path).good())
            QSKIP("running as root: permissions do not stop reading");
    }
    const SessionLoad load = loadSessionFile(path);
    if (what.isEmpty()) {
        QVERIFY(load.ok());
        return;
    }
    QVERIFY(!load.ok());
    QVERIFY2(QString::fromStdString(load.problems.front().what).contains(what),
             load.problems.front().what.c_str());
}

// 50 000 unknown keys: all kept, in file order (the reader keeps a hash of keys per object
// instead of the linear search that made 200 000 keys take 24 s).
void TestSessionJson::manyUnknownKeysKeptInOrder()
{
    std::string text(kContractExample);
    text.erase(text.rfind('}'));  // the closing brace, and what follows it
    constexpr int kKeys = 50000;
    for (int k = 0; k < kKeys; ++k)
        text += ", \"k" + std::to_string(k) + "\": {\"b\": 1, \"a\": [" + std::to_string(k) + "]}";
    text += "}";
    const SessionLoad load = parseSession(text);
    QVERIFY2(load.ok(), load.ok() ? "" : formatProblem(load.problems.front()).c_str());
    QCOMPARE(load.session->extraFields.size(), std::size_t(kKeys));
    QCOMPARE(load.session->extraFields[7].first, std::string("k7"));
    QCOMPARE(load.session->extraFields[7].second, std::string("{\"b\":1,\"a\":[7]}"));
    QCOMPARE(load.session->extraFields.back().first, "k" + std::to_string(kKeys - 1));
}

void TestSessionJson::tooManyEntriesRefusedBeforeAllocating()
{
    const std::size_t d = kMaxSessionElements / 2 + 1;
    std::string row = "[";
    for (std::size_t j = 0; j < d; ++j)
        row += j ? ",0" : "0";
    row += "]";
    const std::string text = "{\"format\": \"bnflow-session\", \"version\": 1, \"x\": [" + row +
                             "," + row + "], \"gamma\": [1], \"beta\": [0], \"eps\": 1e-5}";
    const SessionLoad load = parseSession(text);
    QVERIFY(!load.ok());
    const std::string message = formatProblem(load.problems.front());
    QVERIFY2(message.find("x: is 2 x " + std::to_string(d)) == 0, message.c_str());
    QVERIFY2(message.find("at most " + std::to_string(kMaxSessionElements)) != std::string::npos,
             message.c_str());
}

void TestSessionJson::familyKeysRoundTrip_data()
{
    QTest::addColumn<QString>("keys");
    QTest::addColumn<int>("layer");
    QTest::newRow("layernorm") << R"("layer": "layernorm")" << int(Layer::LayerNorm);
    QTest::newRow("rmsnorm") << R"("layer": "rmsnorm")" << int(Layer::RmsNorm);
    QTest::newRow("groupnorm") << R"("layer": "groupnorm", "groups": 3)" << int(Layer::GroupNorm);
    QTest::newRow("eval") << R"("mode": "eval", "running_mean": [0.5, 1, 2], "running_var": [1, 0, 3.25])"
                          << int(Layer::BatchNorm);
    QTest::newRow("running keras") << R"("running_mean": [0.5, 1, 2], "running_var": [1, 0, 3.25], "momentum": 0.75, "convention": "keras")"
                                   << int(Layer::BatchNorm);
    QTest::newRow("explicit defaults") << R"("layer": "batchnorm", "mode": "train")" << int(Layer::BatchNorm);
}

void TestSessionJson::familyKeysRoundTrip()
{
    QFETCH(QString, keys);
    QFETCH(int, layer);
    std::string text = kContractExample;
    text.insert(text.rfind('}'), ",\n  " + keys.toStdString() + ", \"lecture\": 1\n");
    const SessionLoad load = parseSession(text);
    QVERIFY2(load.ok(), load.ok() ? "" : formatProblem(load.problems.front()).c_str());
    QCOMPARE(int(load.session->norm.layerOrDefault()), layer);
    const std::string written = writeSession(*load.session);
    const SessionLoad back = parseSession(written);
    QVERIFY2(back.ok(), written.c_str());
    QVERIFY(back.session->norm == load.session->norm);
    QCOMPARE(writeSession(*back.session), written);
    // The family's keys are known: written once each, not also kept as unknown keys.
    QCOMPARE(load.session->extraFields.size(), std::size_t(1));
    QVERIFY2(written.find("\"lecture\": 1") != std::string::npos, written.c_str());
}

void TestSessionJson::noFamilyKeysWrittenByDefault()
{
    const SessionLoad load = parseSession(kContractExample);
    QVERIFY(load.ok());
    QVERIFY(load.session->norm == NormConfig{});
    const std::string written = writeSession(*load.session);
    for (const char* key : {"layer", "groups", "mode", "running_mean", "running_var", "momentum",
                            "convention"})
        QVERIFY2(written.find(std::string("\"") + key + "\"") == std::string::npos, key);
}

void TestSessionJson::familyDefaults()
{
    NormConfig c;
    QCOMPARE(c.momentumOrDefault(), 0.1);
    c.convention = Convention::Keras;
    QCOMPARE(c.momentumOrDefault(), 0.99);
    c.convention = Convention::Cs231n;
    QCOMPARE(c.momentumOrDefault(), 0.9);
    c.momentum = 0.5;
    QCOMPARE(c.momentumOrDefault(), 0.5);
    QVERIFY(NormConfig{}.isTrainingBatchNorm());
    QVERIFY(!NormConfig{}.updatesRunning());
}

QTEST_GUILESS_MAIN(TestSessionJson)
#include "test_session_json.moc"
