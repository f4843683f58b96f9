// The precision lens (core/math/rounding.h, precision.h): the roundings bit for bit against the
// exact reference of tests/reference/precision/generate.py (NumPy's float16 and float32 agree
// with it there), the emulation's values being values of their type, the errors ordered by the
// types' precision, and the first overflowing step named.
#include <core/math/family.h>
#include <core/math/precision.h>
#include <core/math/precision_lens.h>
#include <core/math/rounding.h>

#include <QtTest>

#include <bit>
#include <cstdint>
#include <fstream>
#include <sstream>

using namespace bnflow;

class TestPrecision : public QObject {
    Q_OBJECT
private slots:
    void roundingMatchesTheReference();
    void roundingByHand();
    void typeNames();
    void emulatedValuesAreValuesOfTheType_data();
    void emulatedValuesAreValuesOfTheType();
    void errorsFollowPrecision_data();
    void errorsFollowPrecision();
    void float64EmulationIsTheFamily_data();
    void float64EmulationIsTheFamily();
    void overflowNamesTheFirstStep();
    void narrowerAccumulatorIsRefused();
    void scaledErrorOfZeros();
};

namespace {

double fromBits64(std::uint64_t b) { return std::bit_cast<double>(b); }
double fromBits32(std::uint32_t b) { return static_cast<double>(std::bit_cast<float>(b)); }
double fromBf16(std::uint32_t b) { return fromBits32(b << 16); }

// IEEE binary16 bits as a double (exact): sign, 5 exponent bits, 10 fraction bits.
double fromHalf(std::uint32_t b)
{
    const double sign = (b & 0x8000) ? -1.0 : 1.0;
    const int exponent = static_cast<int>((b >> 10) & 0x1f);
    const double fraction = static_cast<double>(b & 0x3ff);
    if (exponent == 0x1f)
        return fraction == 0 ? sign * std::numeric_limits<double>::infinity()
                             : std::numeric_limits<double>::quiet_NaN();
    if (exponent == 0)
        return sign * std::ldexp(fraction, -24);
    return sign * std::ldexp(1024 + fraction, exponent - 25);
}

bool sameBits(double a, double b)
{
    return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

Session seededSession(Eigen::Index n, Eigen::Index d, std::uint64_t seed, double scale = 1.0)
{
    Session s = exampleSession();
    s.x = standardNormalMatrix(n, d, seed) * scale;
    s.x.array() += 0.25 * scale;
    s.gamma = RowVector::Ones(d) + 0.3 * standardNormalMatrix(1, d, seed + 1);
    s.beta = 0.2 * standardNormalMatrix(1, d, seed + 2);
    s.dout = standardNormalMatrix(n, d, seed + 3);
    s.doutSeed.reset();
    return s;
}

// One session of every layer and mode, 16 x 8, well scaled.
std::vector<std::pair<std::string, Session>> everyLayer()
{
    std::vector<std::pair<std::string, Session>> out;
    const auto add = [&](const char* name, auto configure) {
        Session s = seededSession(16, 8, 100 + out.size());
        configure(s.norm);
        out.emplace_back(name, s);
    };
    add("batchnorm", [](NormConfig&) {});
    add("batchnorm running", [](NormConfig& n) {
        n.runningMean = RowVector::Constant(8, 0.1);
        n.runningVar = RowVector::Constant(8, 0.9);
    });
    add("batchnorm eval", [](NormConfig& n) {
        n.mode = Mode::Eval;
        n.runningMean = 0.3 * standardNormalMatrix(1, 8, 7);
        n.runningVar = RowVector::Constant(8, 0.7);
    });
    add("layernorm", [](NormConfig& n) { n.layer = Layer::LayerNorm; });
    add("rmsnorm", [](NormConfig& n) { n.layer = Layer::RmsNorm; });
    add("groupnorm", [](NormConfig& n) { n.layer = Layer::GroupNorm; n.groups = 2; });
    add("spatial batchnorm", [](NormConfig& n) { n.channels = 2; });
    add("spatial groupnorm", [](NormConfig& n) { n.layer = Layer::GroupNorm; n.groups = 2; n.channels = 4; });
    for (auto& [name, s] : out) {  // per channel where the layer has channels
        const Eigen::Index c = s.norm.affineSize(8);
        s.gamma = s.gamma.head(c).eval();
        s.beta = s.beta.head(c).eval();
        if (!s.validate().empty())
            qFatal("the %s session is not valid", name.c_str());
    }
    return out;
}

void addLayerRows(bool withTypes)
{
    QTest::addColumn<int>("layer");
    QTest::addColumn<int>("type");
    const auto layers = everyLayer();
    for (int l = 0; l < static_cast<int>(layers.size()); ++l) {
        if (!withTypes) {
            QTest::newRow(layers[l].first.c_str()) << l << 0;
            continue;
        }
        for (const NumberType t : {NumberType::BF16, NumberType::F16, NumberType::F32})
            QTest::newRow((layers[l].first + " " + std::string(numberTypeName(t))).c_str())
                << l << static_cast<int>(t);
    }
}

// Every matrix of the analysis that the emulation stores.
std::vector<std::pair<const char*, const Matrix*>> storedMatrices(const FamilyAnalysis& a)
{
    const FamilyForward& f = a.forward;
    const FamilyStaged& s = a.staged;
    const FamilyFused& t = a.fused;
    return {{"mean", &f.mean}, {"xmu", &f.xmu}, {"var", &f.var}, {"invStd", &f.invStd},
            {"ms", &f.ms}, {"rms", &f.rms}, {"rrms", &f.rrms}, {"xhat", &f.xhat}, {"y", &f.y},
            {"dxhat", &s.dxhat}, {"dinvStd", &s.dinvStd}, {"dvar", &s.dvar}, {"drrms", &s.drrms},
            {"dms", &s.dms}, {"dmeanViaXhat", &s.dmeanViaXhat}, {"dmeanViaVar", &s.dmeanViaVar},
            {"dmean", &s.dmean}, {"dxViaXhat", &s.dxViaXhat}, {"dxViaVar", &s.dxViaVar},
            {"dxViaMs", &s.dxViaMs}, {"dxmu", &s.dxmu}, {"dxViaMean", &s.dxViaMean}, {"dx", &s.dx},
            {"term1", &t.term1}, {"term2", &t.term2}, {"sumDxhatXhat", &t.sumDxhatXhat},
            {"term3", &t.term3}, {"scale", &t.scale}, {"fused dx", &t.dx}};
}

}  // namespace

void TestPrecision::roundingMatchesTheReference()
{
    std::ifstream in(BNFLOW_PRECISION_DIR "/rounding.txt");
    QVERIFY2(in, "tests/reference/precision/rounding.txt is missing; run generate.py");
    std::string line;
    int cases = 0;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#')
            continue;
        std::istringstream fields(line);
        std::uint64_t x = 0;
        std::uint32_t bf16 = 0, f16 = 0, f32 = 0;
        fields >> std::hex >> x >> bf16 >> f16 >> f32;
        QVERIFY2(fields, line.c_str());
        const double v = fromBits64(x);
        const std::pair<NumberType, double> expected[] = {
            {NumberType::BF16, fromBf16(bf16)}, {NumberType::F16, fromHalf(f16)}, {NumberType::F32, fromBits32(f32)}};
        for (const auto& [type, want] : expected) {
            const double got = roundTo(type, v);
            if (!sameBits(got, want))
                QFAIL(qPrintable(QString("%1 of %2 (bits %3): got %4, expected %5")
                                     .arg(QString::fromUtf8(numberTypeName(type).data()))
                                     .arg(v, 0, 'g', 17).arg(x, 16, 16, QChar('0'))
                                     .arg(got, 0, 'g', 17).arg(want, 0, 'g', 17)));
        }
        ++cases;
    }
    QVERIFY(cases > 10000);
}

void TestPrecision::roundingByHand()
{
    // Ties to even at 1 + half an ulp; the largest f16 and its overflow; -0 and NaN kept.
    QCOMPARE(roundTo(NumberType::F16, 1.0 + std::ldexp(1.0, -11)), 1.0);
    QCOMPARE(roundTo(NumberType::F16, 1.0 + 3 * std::ldexp(1.0, -11)), 1.0 + std::ldexp(1.0, -9));
    QCOMPARE(roundTo(NumberType::F16, 65519.0), 65504.0);
    QVERIFY(std::isinf(roundTo(NumberType::F16, 65520.0)));
    QVERIFY(std::signbit(roundTo(NumberType::BF16, -0.0)));
    QVERIFY(std::signbit(roundTo(NumberType::F16, -1e-30)));
    QVERIFY(std::isnan(roundTo(NumberType::F32, std::nan(""))));
    QCOMPARE(roundTo(NumberType::F64, 0.1), 0.1);
    QCOMPARE(largestFinite(NumberType::F16), 65504.0);
}

void TestPrecision::typeNames()
{
    for (const NumberType t : {NumberType::BF16, NumberType::F16, NumberType::F32, NumberType::F64})
        QVERIFY(numberTypeNamed(numberTypeName(t)) == t);
    QVERIFY(!numberTypeNamed("fp16"));
    QVERIFY(fitsIn(NumberType::BF16, NumberType::F32));
    QVERIFY(fitsIn(NumberType::F16, NumberType::F32));
    QVERIFY(!fitsIn(NumberType::F16, NumberType::BF16));  // bf16 lacks f16's precision
    QVERIFY(!fitsIn(NumberType::F64, NumberType::F32));
}

void TestPrecision::emulatedValuesAreValuesOfTheType_data() { addLayerRows(true); }

void TestPrecision::emulatedValuesAreValuesOfTheType()
{
    QFETCH(int, layer);
    QFETCH(int, type);
    const auto t = static_cast<NumberType>(type);
    const Session s = everyLayer()[layer].second;
    for (const NumberType acc : {t, NumberType::F64}) {
        const PrecisionRun run = emulatePrecision(s, t, acc);
        QVERIFY(!run.overflow);
        const auto check = [&](const char* name, const Matrix& m) {
            for (Eigen::Index i = 0; i < m.rows(); ++i)
                for (Eigen::Index j = 0; j < m.cols(); ++j)
                    if (!sameBits(roundTo(t, m(i, j)), m(i, j)) || !std::isfinite(m(i, j)))
                        QFAIL(qPrintable(QString("%1(%2, %3) = %4 is not a value of the type")
                                             .arg(name).arg(i).arg(j).arg(m(i, j), 0, 'g', 17)));
        };
        for (const auto& [name, m] : storedMatrices(run.analysis))
            check(name, *m);
        check("dgamma", run.analysis.staged.dgamma);
        check("dbeta", run.analysis.staged.dbeta);
        if (run.analysis.running) {
            check("running mean", run.analysis.running->mean);
            check("running var", run.analysis.running->var);
        }
    }
}

void TestPrecision::errorsFollowPrecision_data() { addLayerRows(false); }

void TestPrecision::errorsFollowPrecision()
{
    QFETCH(int, layer);
    const Session s = everyLayer()[layer].second;
    const FamilyAnalysis reference = *analyzeFamily(s).analysis;
    const auto errors = [&](NumberType t) { return errorsAgainst(emulatePrecision(s, t, t).analysis, reference); };
    const PrecisionErrors bf16 = errors(NumberType::BF16), f16 = errors(NumberType::F16),
                          f32 = errors(NumberType::F32);
    const std::pair<const char*, double PrecisionErrors::*> fields[] = {
        {"y", &PrecisionErrors::y}, {"dx", &PrecisionErrors::dx},
        {"dgamma", &PrecisionErrors::dgamma}, {"dbeta", &PrecisionErrors::dbeta}};
    for (const auto& [name, field] : fields) {
        const QString what = QString("%1: bf16 %2, f16 %3, f32 %4")
                                 .arg(name).arg(bf16.*field).arg(f16.*field).arg(f32.*field);
        QVERIFY2(bf16.*field > f16.*field && f16.*field > f32.*field && f32.*field > 0, qPrintable(what));
        QVERIFY2(bf16.*field < 0.05 && f32.*field < 1e-5, qPrintable(what));
    }
}

void TestPrecision::float64EmulationIsTheFamily_data() { addLayerRows(false); }

void TestPrecision::float64EmulationIsTheFamily()
{
    // In float64 the emulation is the family's arithmetic up to the order of a few operations
    // (1/sqrt once rounded, the cube of inv_std): equal to rounding noise.
    QFETCH(int, layer);
    const Session s = everyLayer()[layer].second;
    const FamilyAnalysis reference = *analyzeFamily(s).analysis;
    const PrecisionRun run = emulatePrecision(s, NumberType::F64, NumberType::F64);
    const PrecisionErrors e = errorsAgainst(run.analysis, reference);
    QVERIFY(e.y < 1e-14 && e.dx < 1e-13 && e.dgamma < 1e-14 && e.dbeta < 1e-14);
    QCOMPARE(run.analysis.running.has_value(), reference.running.has_value());
    if (reference.running) {
        QVERIFY((run.analysis.running->mean - reference.running->mean).cwiseAbs().maxCoeff() < 1e-14);
        QVERIFY((run.analysis.running->var - reference.running->var).cwiseAbs().maxCoeff() < 1e-14);
    }
}

void TestPrecision::overflowNamesTheFirstStep()
{
    // x ~ 300: x - mean is finite in f16, its square (about 9e4) is not.
    Session s = seededSession(32, 4, 9, 300.0);
    PrecisionRun run = emulatePrecision(s, NumberType::F16, NumberType::F16);
    QCOMPARE(run.overflow.value_or("none"), std::string("var"));
    QVERIFY(!std::isfinite(run.analysis.forward.var.maxCoeff()));
    // A wider accumulator does not help: each square is an operation in f16.
    QCOMPARE(emulatePrecision(s, NumberType::F16, NumberType::F32).overflow.value_or("none"), std::string("var"));
    // bf16 has float32's range: nothing overflows.
    QVERIFY(!emulatePrecision(s, NumberType::BF16, NumberType::BF16).overflow);
    // An input out of range is named as the input.
    s.x(0, 0) = 1e5;
    QCOMPARE(emulatePrecision(s, NumberType::F16, NumberType::F16).overflow.value_or("none"), std::string("x"));
    // A large upstream gradient times gamma: the backward's first step that overflows.
    s = seededSession(8, 4, 3);
    s.gamma.fill(1000.0);
    s.dout *= 100.0;  // dbeta and dgamma stay in range, dout * gamma does not
    QCOMPARE(emulatePrecision(s, NumberType::F16, NumberType::F16).overflow.value_or("none"), std::string("dxhat"));
    // The lens itself: finite operands that overflow name the current step; infinite ones do not.
    PrecisionLens lens(NumberType::F16, NumberType::F16);
    lens.at("first");
    QVERIFY(std::isinf(lens.mul(std::numeric_limits<double>::infinity(), 2.0)));
    QVERIFY(!lens.overflow());
    lens.at("second");
    QVERIFY(std::isinf(lens.mul(300.0, 300.0)));
    lens.at("third");
    lens.mul(300.0, 300.0);
    QCOMPARE(lens.overflow().value_or("none"), std::string("second"));
}

void TestPrecision::narrowerAccumulatorIsRefused()
{
    const Session s = seededSession(4, 3, 1);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, emulatePrecision(s, NumberType::F32, NumberType::F16));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, emulatePrecision(s, NumberType::F16, NumberType::BF16));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, emulatePrecision(s, NumberType::F64, NumberType::F32));
}

void TestPrecision::scaledErrorOfZeros()
{
    Matrix zero = Matrix::Zero(2, 2), result(2, 2);
    result << 0.0, 0.5, -0.25, 0.0;
    QCOMPARE(scaledError(result, zero), 0.5);  // absolute where the reference is all zeros
    Matrix ref(2, 2);
    ref << 1.0, 2.0, -4.0, 0.0;
    QCOMPARE(scaledError(result, ref), 3.75 / 4.0);  // |-0.25 - -4| / |-4|
    result(0, 0) = std::numeric_limits<double>::infinity();
    QVERIFY(std::isinf(scaledError(result, ref)));
}

QTEST_GUILESS_MAIN(TestPrecision)
#include "test_precision.moc"
