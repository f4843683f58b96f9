// core/net: the network's backward pass against central differences of its own loss (every norm
// and activation, independent of PyTorch), and the seeded draws' properties (doc/depth.md).
#include <core/io/network_files.h>
#include <core/math/products.h>
#include <core/net/depth_run.h>
#include <core/net/seeded.h>

#include <QtTest>

#include <cmath>
#include <set>

using namespace bnflow;

Q_DECLARE_METATYPE(std::optional<bnflow::Layer>)
Q_DECLARE_METATYPE(bnflow::Activation)

class TestNetwork : public QObject {
    Q_OBJECT
private slots:
    void backwardMatchesDifferences_data();
    void backwardMatchesDifferences();
    void seededDataIsDeterministic();
    void seededLabelsCoverEveryClass();
    void seededWeightsHaveTheGainsScale();
    void stepMovesAgainstTheGradient();
    void productsMatchSums_data();
    void productsMatchSums();
};

namespace {

Network smallNetwork(std::optional<Layer> norm, Activation activation, Dataset& data)
{
    NetworkFile file;
    file.layers = 3;
    file.width = 5;
    file.norm = norm;
    file.activation = activation;
    file.gain = 1.3;
    file.seed = 3;
    file.data = SeededData{6, 4, 3, 8};
    NetworkInputsLoad load = buildNetworkInputs(file, nullptr, "", nullptr, "");
    data = load.inputs->data;
    Network net = std::move(load.inputs->network);
    // gamma != 1, beta != 0 and b != 0, so that no gradient term hides.
    for (std::size_t k = 0; k < net.layers.size(); ++k) {
        LayerParameters& p = net.layers[k];
        p.b = 0.1 * seededWeights(net.shape, int(k), 1.0, 99).row(0);
        if (p.gamma.size()) {
            p.gamma.array() += 0.3 * seededWeights(net.shape, int(k), 1.0, 100).row(0).array();
            p.beta = 0.2 * seededWeights(net.shape, int(k), 1.0, 101).row(0);
        }
    }
    return net;
}

double loss(const Network& net, const Dataset& data)
{
    return forwardPass(net, data).loss;
}

// The largest |analytic - central difference| / (max(|analytic|, |difference|) + 1e-4) over
// every entry of `param` (a W, b, gamma or beta of net) against `grad`: relative for the
// gradients here (1e-3 .. 1), absolute below, where the differences' rounding (about
// 1e-16 * loss / h) is what remains of batch norm's db, 0 in exact math.
template <typename M>
double worstError(Network& net, const Dataset& data, M& param, const M& grad)
{
    const double h = 1e-5;
    double worst = 0;
    for (Eigen::Index i = 0; i < param.size(); ++i) {
        const double saved = param(i);
        param(i) = saved + h;
        const double up = loss(net, data);
        param(i) = saved - h;
        const double down = loss(net, data);
        param(i) = saved;
        const double numeric = (up - down) / (2 * h);
        const double scale = std::max(std::abs(numeric), std::abs(grad(i))) + 1e-4;
        worst = std::max(worst, std::abs(numeric - grad(i)) / scale);
    }
    return worst;
}

}  // namespace

void TestNetwork::backwardMatchesDifferences_data()
{
    QTest::addColumn<std::optional<Layer>>("norm");
    QTest::addColumn<Activation>("activation");
    const std::pair<const char*, std::optional<Layer>> norms[] = {
        {"batchnorm", Layer::BatchNorm}, {"layernorm", Layer::LayerNorm},
        {"rmsnorm", Layer::RmsNorm}, {"none", std::nullopt}};
    for (const auto& [normName, norm] : norms)
        for (const Activation a : {Activation::Tanh, Activation::Relu, Activation::Linear})
            QTest::newRow((std::string(normName) + " " + std::string(activationName(a))).c_str())
                << norm << a;
}

void TestNetwork::backwardMatchesDifferences()
{
    QFETCH(std::optional<Layer>, norm);
    QFETCH(Activation, activation);
    Dataset data;
    Network net = smallNetwork(norm, activation, data);
    const NetworkBackward g = backwardPass(net, data, forwardPass(net, data));
    for (std::size_t k = 0; k < net.layers.size(); ++k) {
        LayerParameters& p = net.layers[k];
        const LayerGradients& d = g.layers[k];
        const std::string layer = "layer " + std::to_string(k);
        QVERIFY2(worstError(net, data, p.W, d.dW) < 1e-6, (layer + " W").c_str());
        QVERIFY2(worstError(net, data, p.b, d.db) < 1e-6, (layer + " b").c_str());
        QCOMPARE(p.gamma.size() > 0, norm.has_value() && k + 1 < net.layers.size());
        if (p.gamma.size()) {
            QVERIFY2(worstError(net, data, p.gamma, d.dgamma) < 1e-6, (layer + " gamma").c_str());
            QVERIFY2(worstError(net, data, p.beta, d.dbeta) < 1e-6, (layer + " beta").c_str());
        }
    }
}

void TestNetwork::seededDataIsDeterministic()
{
    const Dataset a = seededDataset(7, 3, 4, 12345);
    const Dataset b = seededDataset(7, 3, 4, 12345);
    QVERIFY(a.x == b.x);
    QVERIFY(a.labels == b.labels);
    const Dataset c = seededDataset(7, 3, 4, 12346);
    QVERIFY(a.x != c.x);
}

void TestNetwork::seededLabelsCoverEveryClass()
{
    const Dataset data = seededDataset(4000, 1, 7, 1);
    std::vector<int> counts(7, 0);
    for (const Eigen::Index label : data.labels) {
        QVERIFY(label >= 0 && label < 7);
        ++counts[std::size_t(label)];
    }
    for (const int count : counts)  // 4000 / 7 = 571; 6 standard deviations either side
        QVERIFY2(count > 571 - 130 && count < 571 + 130, std::to_string(count).c_str());
}

void TestNetwork::seededWeightsHaveTheGainsScale()
{
    NetworkShape shape;
    shape.hidden = 2;
    shape.inputs = 50;
    shape.width = 200;
    shape.classes = 10;
    for (int k = 0; k < shape.layerCount(); ++k) {
        const Matrix W = seededWeights(shape, k, 5.0 / 3.0, 42);
        QCOMPARE(W.rows(), shape.fanIn(k));
        QCOMPARE(W.cols(), shape.fanOut(k));
        const double expected = 5.0 / 3.0 / std::sqrt(double(shape.fanIn(k)));
        QVERIFY(std::abs(meanStd(W).std / expected - 1) < 0.05);
        if (k > 0)  // each layer from its own stream
            QVERIFY(W.row(0) != seededWeights(shape, k - 1, 5.0 / 3.0, 42).row(0).head(W.cols()));
    }
}

void TestNetwork::stepMovesAgainstTheGradient()
{
    Dataset data;
    Network net = smallNetwork(Layer::BatchNorm, Activation::Tanh, data);
    const Network before = net;
    const DepthResult result = runDepth(net, data, 1, 0.01);
    QVERIFY(result.ok());
    const NetworkBackward g = backwardPass(before, data, forwardPass(before, data));
    for (std::size_t k = 0; k < net.layers.size(); ++k)
        QVERIFY((net.layers[k].W - (before.layers[k].W - 0.01 * g.layers[k].dW)).cwiseAbs().maxCoeff() < 1e-15);
    QVERIFY(loss(net, data) < loss(before, data));  // a small step lowers the loss
    QCOMPARE(result.report->steps.front().loss, result.report->loss);
}

void TestNetwork::productsMatchSums_data()
{
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("inner");
    QTest::addColumn<int>("cols");
    QTest::newRow("the default network's 32 x 100 x 100") << 32 << 100 << 100;
    QTest::newRow("odd sizes 7 x 13 x 5") << 7 << 13 << 5;
    QTest::newRow("one sample") << 1 << 30 << 27;
    QTest::newRow("wider than a block, 130 x 300 x 65") << 130 << 300 << 65;
}

// Every product, in whichever copy of Eigen this processor runs (products.h), against the
// plain sums that define it, in long double.
void TestNetwork::productsMatchSums()
{
    QFETCH(int, rows);
    QFETCH(int, inner);
    QFETCH(int, cols);
    std::srand(unsigned(rows * 1000 + cols));
    const Matrix a = Matrix::Random(rows, inner);
    const Matrix b = Matrix::Random(inner, cols);
    const Matrix at = a.transpose();
    const Matrix bt = b.transpose();
    Matrix ab, atb, abt;
    multiply(Product::AB, a, b, ab);
    multiply(Product::AtB, at, b, atb);
    multiply(Product::ABt, a, bt, abt);
    for (const Matrix* out : {&ab, &atb, &abt}) {
        QCOMPARE(out->rows(), Eigen::Index(rows));
        QCOMPARE(out->cols(), Eigen::Index(cols));
    }
    double worst = 0;
    for (int i = 0; i < rows; ++i)
        for (int j = 0; j < cols; ++j) {
            long double sum = 0;
            for (int k = 0; k < inner; ++k)
                sum += static_cast<long double>(a(i, k)) * b(k, j);
            for (const Matrix* out : {&ab, &atb, &abt})
                worst = std::max(worst, double(std::fabs((*out)(i, j) - sum)));
        }
    QVERIFY2(worst <= 1e-14 * inner, qPrintable(QString("worst %1 (x86-64-v3 copy: %2)")
                                                   .arg(worst)
                                                   .arg(productsUseV3() ? "yes" : "no")));
}

QTEST_GUILESS_MAIN(TestNetwork)
#include "test_network.moc"
