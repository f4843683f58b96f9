// bnflow-cli grad --precision T [--accumulate A] (doc/precision.md): float64 is plain grad bit
// for bit, the narrow types keep grad's keys and add the precision object, the presets of
// tests/reference/precision/presets show their effects in the right direction, overflow is
// printed as null with exit status 0, and bad options are one-line usage errors.
#include "cli_runner.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QtTest>

#include <set>

using namespace bnflow::test;
using Json = nlohmann::json;

class TestCliPrecision : public QObject {
    Q_OBJECT
private slots:
    void float64IsPlainGrad_data();
    void float64IsPlainGrad();
    void narrowTypesKeepGradsKeys_data();
    void narrowTypesKeepGradsKeys();
    void accumulatingInBf16LosesDgamma();
    void rmsNormAtSmallStd();
    void f16VarianceOverflow();
    void badOptions_data();
    void badOptions();
};

namespace {

const QString kPresets = BNFLOW_PRECISION_DIR "/presets/";

Json gradJson(const QStringList& args)
{
    const Run run = runCli(QStringList{"grad"} + args);
    if (run.exitCode != 0 || !run.err.isEmpty())
        qFatal("grad %s failed: %s", qPrintable(args.join(' ')), run.err.constData());
    return Json::parse(run.out.constData());  // strict: throws on NaN or garbage
}

Json errors(const QString& preset, const QString& type, const QString& accumulate = "same")
{
    return gradJson({kPresets + preset, "--precision", type, "--accumulate", accumulate})
        .at("precision").at("error_vs_f64");
}

std::set<std::string> keysOf(const Json& object)
{
    std::set<std::string> keys;
    for (const auto& [key, value] : object.items())
        keys.insert(key);
    return keys;
}

// Every example session: the built-in ones, the family's and the presets.
QStringList sessions()
{
    QStringList paths;
    for (const QString& dir : {QString(BNFLOW_EXAMPLES), QString(BNFLOW_EXAMPLES "/family"), kPresets})
        for (const QString& name : QDir(dir).entryList({"*.bnflow.json"}, QDir::Files, QDir::Name))
            paths << dir + "/" + name;
    return paths;
}

}  // namespace

void TestCliPrecision::float64IsPlainGrad_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("accumulate");
    for (const QString& path : sessions())
        for (const QString accumulate : {"", "same", "f64"})
            QTest::newRow(qPrintable(QFileInfo(path).fileName() + " " + accumulate)) << path << accumulate;
}

void TestCliPrecision::float64IsPlainGrad()
{
    QFETCH(QString, path);
    QFETCH(QString, accumulate);
    const Run plain = runCli({"grad", path});
    QStringList args = {"grad", path, "--precision", "f64"};
    if (!accumulate.isEmpty())
        args << "--accumulate" << accumulate;
    const Run f64 = runCli(args);
    QCOMPARE(f64.exitCode, plain.exitCode);
    if (plain.exitCode != 0) {  // refused alike (a constant column with eps = 0, ...)
        QCOMPARE(f64.err, plain.err);
        QVERIFY(f64.out.isEmpty());
        return;
    }
    QVERIFY(plain.out.endsWith("\n}\n"));
    const QByteArray expected =
        plain.out.left(plain.out.size() - 3) +
        ",\n  \"precision\": {\"type\": \"f64\", \"accumulate\": \"" +
        (accumulate.isEmpty() ? QByteArray("same") : accumulate.toUtf8()) +
        "\", \"error_vs_f64\": {\"y\": 0.0, \"dx\": 0.0, \"dgamma\": 0.0, \"dbeta\": 0.0}, "
        "\"overflow\": null}\n}\n";
    QCOMPARE(f64.out, expected);
}

void TestCliPrecision::narrowTypesKeepGradsKeys_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("type");
    for (const QString& path : sessions())
        for (const QString type : {"bf16", "f16", "f32"})
            QTest::newRow(qPrintable(QFileInfo(path).fileName() + " " + type)) << path << type;
}

void TestCliPrecision::narrowTypesKeepGradsKeys()
{
    QFETCH(QString, path);
    QFETCH(QString, type);
    const Run plain = runCli({"grad", path});
    const Run narrow = runCli({"grad", path, "--precision", type});
    QCOMPARE(narrow.exitCode, plain.exitCode);
    if (plain.exitCode != 0)
        return;
    const Json a = Json::parse(plain.out.constData()), b = Json::parse(narrow.out.constData());
    std::set<std::string> keys = keysOf(a);
    keys.insert("precision");
    QVERIFY(keysOf(b) == keys);
    for (const std::string section : {"forward", "staged", "fused", "max_abs_diff"})
        QVERIFY2(keysOf(a.at(section)) == keysOf(b.at(section)), section.c_str());
    const Json& p = b.at("precision");
    QCOMPARE(QString::fromStdString(p.at("type").get<std::string>()), type);
    QCOMPARE(p.at("accumulate").get<std::string>(), std::string("same"));
    QVERIFY((keysOf(p.at("error_vs_f64")) == std::set<std::string>{"y", "dx", "dgamma", "dbeta"}));
    // Where nothing overflowed, every error is a finite number (not necessarily small: where the
    // float64 result is rounding noise, as dgamma with dout all ones, it is noise against noise).
    if (p.at("overflow").is_null())
        for (const auto& [key, e] : p.at("error_vs_f64").items())
            QVERIFY2(e.is_number_float() && e.get<double>() >= 0, key.c_str());
}

void TestCliPrecision::accumulatingInBf16LosesDgamma()
{
    // 4096 samples: summed in bf16, dgamma (and the mean and variance) drop the small terms.
    const Json same = errors("dgamma_bf16_accumulate.bnflow.json", "bf16");
    const Json f32 = errors("dgamma_bf16_accumulate.bnflow.json", "bf16", "f32");
    const Json f64 = errors("dgamma_bf16_accumulate.bnflow.json", "bf16", "f64");
    QVERIFY2(same.at("dgamma").get<double>() > 10 * f32.at("dgamma").get<double>(), same.dump().c_str());
    QVERIFY2(same.at("y").get<double>() > 10 * f32.at("y").get<double>(), same.dump().c_str());
    QVERIFY(f32.at("dgamma").get<double>() < 0.01);
    // A float32 accumulator is as good as a float64 one here: the sums' own error is below what
    // rounding the finished sum to bf16 leaves.
    QCOMPARE(f32.dump(), f64.dump());
}

void TestCliPrecision::rmsNormAtSmallStd()
{
    // In f16 the squares of inputs of std 1e-3 are subnormal (a few bits): y's error grows,
    // and rrms^3 (about 1e9) overflows in dms.
    const Json one = gradJson({kPresets + "rmsnorm_std1.bnflow.json", "--precision", "f16"});
    const Json small = gradJson({kPresets + "rmsnorm_std1e-3.bnflow.json", "--precision", "f16"});
    QVERIFY(one.at("precision").at("overflow").is_null());
    QCOMPARE(small.at("precision").at("overflow").get<std::string>(), std::string("dms"));
    const double e1 = one.at("precision").at("error_vs_f64").at("y").get<double>();
    const double eSmall = small.at("precision").at("error_vs_f64").at("y").get<double>();
    QVERIFY2(eSmall > 4 * e1, qPrintable(QString("y: %1 at std 1e-3, %2 at std 1").arg(eSmall).arg(e1)));
    QVERIFY(small.at("precision").at("error_vs_f64").at("dx").is_null());
    // bf16 has float32's range: no overflow, no underflow; its errors stay bf16's.
    for (const QString preset : {"rmsnorm_std1.bnflow.json", "rmsnorm_std1e-3.bnflow.json"}) {
        const Json p = gradJson({kPresets + preset, "--precision", "bf16"}).at("precision");
        QVERIFY(p.at("overflow").is_null());
        QVERIFY(p.at("error_vs_f64").at("y").get<double>() < 0.05);
    }
}

void TestCliPrecision::f16VarianceOverflow()
{
    const Run run = runCli({"grad", kPresets + "f16_variance_overflow.bnflow.json", "--precision", "f16"});
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.err.isEmpty());
    QVERIFY(!run.out.contains("inf") && !run.out.contains("nan") && !run.out.contains("NaN"));
    const Json out = Json::parse(run.out.constData());
    QCOMPARE(out.at("precision").at("overflow").get<std::string>(), std::string("var"));
    for (const Json& v : out.at("forward").at("var"))
        QVERIFY(v.is_null() || v.is_number_float());
    bool someNull = false;
    for (const Json& v : out.at("forward").at("var"))
        someNull = someNull || v.is_null();
    QVERIFY(someNull);
    // bf16 and f32 keep the range: no overflow there.
    for (const QString type : {"bf16", "f32"})
        QVERIFY(gradJson({kPresets + "f16_variance_overflow.bnflow.json", "--precision", type})
                    .at("precision").at("overflow").is_null());
}

void TestCliPrecision::badOptions_data()
{
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QStringList>("fragments");
    QTest::newRow("unknown type") << QStringList{"--precision", "f8"} << QStringList{"--precision", "f8"};
    QTest::newRow("empty type") << QStringList{"--precision", ""} << QStringList{"--precision"};
    QTest::newRow("accumulate alone") << QStringList{"--accumulate", "f32"} << QStringList{"--accumulate", "--precision"};
    QTest::newRow("narrower accumulator") << QStringList{"--precision", "f64", "--accumulate", "f32"}
                                          << QStringList{"narrower", "f32", "f64"};
    QTest::newRow("bf16 accumulator") << QStringList{"--precision", "bf16", "--accumulate", "bf16"}
                                      << QStringList{"--accumulate", "bf16"};
    QTest::newRow("unknown accumulator") << QStringList{"--precision", "f16", "--accumulate", "double"}
                                         << QStringList{"--accumulate", "double"};
    QTest::newRow("twice") << QStringList{"--precision", "f16", "--precision", "f32"} << QStringList{"--precision"};
    QTest::newRow("no value") << QStringList{"--precision"} << QStringList{"--precision"};
}

void TestCliPrecision::badOptions()
{
    QFETCH(QStringList, options);
    QFETCH(QStringList, fragments);
    expectBadInput(runCli(QStringList{"grad", kPresets + "rmsnorm_std1.bnflow.json"} + options), fragments);
}

QTEST_GUILESS_MAIN(TestCliPrecision)
#include "test_cli_precision.moc"
