// NetworkDocument: every setting edit is one undo step that undo and redo take back and forth;
// a refused edit changes nothing; a drag of the gain is one step; the network file is saved
// whole (atomically) and read back as it was.
#include <depth/network_document.h>

#include "small_disk.h"

#include <core/io/network_json.h>
#include <core/math/family.h>

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>

#include <functional>

using namespace bnflow;
using namespace bnflow::ui;

namespace {

std::string text(const NetworkDocument& d)
{
    return networkFileJson(d.file());
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

}  // namespace

class TestNetworkDocument : public QObject {
    Q_OBJECT
private slots:
    void defaultIsMakemoresNetwork();
    void everyEditIsOneUndoStep_data();
    void everyEditIsOneUndoStep();
    void refusedEditsChangeNothing();
    void gainDragIsOneStep();
    void saveAndOpenRoundTrip();
    void failingSaveKeepsTheOldFile();
    void saveToUnwritablePlaceKeepsModified();
    void compareBuildsTheOtherNorm();
    void normSessionIsTheLayersBatch();
};

void TestNetworkDocument::defaultIsMakemoresNetwork()
{
    NetworkDocument d;
    QCOMPARE(d.file().layers, 5);
    QCOMPARE(d.file().width, Eigen::Index(100));
    QCOMPARE(d.data().x.rows(), Eigen::Index(32));
    QCOMPARE(int(d.picture().stats.size()), 6);
    QCOMPARE(int(d.picture().act.size()), 5);
    QVERIFY(!d.isModified());
}

using Edit = std::function<bool(NetworkDocument&)>;
Q_DECLARE_METATYPE(Edit)

void TestNetworkDocument::everyEditIsOneUndoStep_data()
{
    QTest::addColumn<Edit>("edit");
    QTest::newRow("layers") << Edit([](NetworkDocument& d) { return d.setLayers(3); });
    QTest::newRow("width") << Edit([](NetworkDocument& d) { return d.setWidth(40); });
    QTest::newRow("norm none") << Edit([](NetworkDocument& d) { return d.setNorm(std::nullopt); });
    QTest::newRow("norm rmsnorm") << Edit([](NetworkDocument& d) { return d.setNorm(Layer::RmsNorm); });
    QTest::newRow("activation") << Edit([](NetworkDocument& d) { return d.setActivation(Activation::Relu); });
    QTest::newRow("gain") << Edit([](NetworkDocument& d) { return d.setGain(0.5); });
    QTest::newRow("bias") << Edit([](NetworkDocument& d) { return d.setBias(false); });
    QTest::newRow("batch") << Edit([](NetworkDocument& d) { return d.setBatch(64); });
    QTest::newRow("seed") << Edit([](NetworkDocument& d) { return d.setSeed(7); });
    QTest::newRow("lr") << Edit([](NetworkDocument& d) { return d.setLr(0.05); });
}

void TestNetworkDocument::everyEditIsOneUndoStep()
{
    QFETCH(Edit, edit);
    NetworkDocument d;
    QSignalSpy changed(&d, &NetworkDocument::changed);
    const std::string before = text(d);
    const double lossBefore = d.picture().loss;
    QVERIFY(edit(d));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(d.undoStack()->count(), 1);
    QVERIFY(d.isModified());
    const std::string after = text(d);
    QVERIFY(after != before);
    // What the tab shows is the edited network's, from core.
    const DepthPass pass = depthPass(d.network(), d.data());
    QCOMPARE(d.picture().loss, pass.forward.loss);
    // lr changes no pass; nor do biases that start at 0 under a batch norm (the norm removes them)
    if (QTest::currentDataTag() != QByteArray("lr") && QTest::currentDataTag() != QByteArray("bias"))
        QVERIFY(d.picture().loss != lossBefore || d.network().shape.hidden != 5);
    d.undoStack()->undo();
    QCOMPARE(text(d), before);
    QCOMPARE(d.picture().loss, lossBefore);
    QVERIFY(!d.isModified());
    d.undoStack()->redo();
    QCOMPARE(text(d), after);
    QVERIFY(!edit(d));  // the same value again: no second step
    QCOMPARE(d.undoStack()->count(), 1);
}

void TestNetworkDocument::refusedEditsChangeNothing()
{
    NetworkDocument d;
    QSignalSpy refused(&d, &NetworkDocument::editRefused);
    const std::string before = text(d);
    QVERIFY(!d.setLayers(65));
    QVERIFY(!d.setWidth(0));
    QVERIFY(!d.setGain(-1));
    QVERIFY(!d.setBatch(0));
    QVERIFY(!d.setWidth(4096) || !d.setBatch(4096));  // N x H beyond 2^22
    QVERIFY(refused.count() >= 5);
    QVERIFY(refused.front().front().toString().contains(QLatin1String("layers")));
    d.undoStack()->setIndex(0);
    QCOMPARE(text(d), before);
}

void TestNetworkDocument::gainDragIsOneStep()
{
    NetworkDocument d;
    for (double g = 0.5; g < 3; g += 0.25)
        QVERIFY(d.setGain(g, true));
    QCOMPARE(d.undoStack()->count(), 1);
    QCOMPARE(d.file().gain, 2.75);
    QVERIFY(d.setGain(5.0 / 3.0));  // a preset: a step of its own
    QCOMPARE(d.undoStack()->count(), 2);
    d.undoStack()->undo();
    d.undoStack()->undo();
    QCOMPARE(d.file().gain, 5.0 / 3.0);
}

void TestNetworkDocument::saveAndOpenRoundTrip()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("net.bnflow-net.json");
    NetworkDocument d;
    QVERIFY(d.setGain(0.5));
    QVERIFY(d.setNorm(Layer::LayerNorm));
    QVERIFY(d.setSeed(123456789));
    QString error;
    QVERIFY2(d.save(path, &error), qPrintable(error));
    QVERIFY(!d.isModified());
    QCOMPARE(d.filePath(), path);
    const QByteArray bytes = readAll(path);
    QVERIFY(declaresNetwork(bytes.toStdString()));
    NetworkDocument e;
    QVERIFY2(e.open(path, &error), qPrintable(error));
    QCOMPARE(text(e), text(d));
    QCOMPARE(e.file().gain, 0.5);
    QCOMPARE(e.picture().loss, d.picture().loss);
    QVERIFY(!e.isModified());
    // A file that is not a network is refused, naming it, and the document stays as it was.
    QFile bad(dir.filePath("bad.bnflow-net.json"));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write(R"({"format": "bnflow-network", "version": 1, "layers": 0})");
    bad.close();
    QVERIFY(!e.open(bad.fileName(), &error));
    QVERIFY2(error.startsWith(QLatin1String("bad.bnflow-net.json: ")), qPrintable(error));
    QCOMPARE(e.filePath(), path);
}

void TestNetworkDocument::failingSaveKeepsTheOldFile()
{
    bnflow::test::SmallDisk disk;
    if (!disk.ok())
        QSKIP(qPrintable(disk.why()));
    const QString path = disk.path("old.bnflow-net.json");
    NetworkDocument d;
    QString error;
    QVERIFY2(d.save(path, &error), qPrintable(error));
    const QByteArray old = readAll(path);
    disk.fill();
    NetworkFile longer = d.file();
    longer.title = "a title longer than the full disk has room for " + std::string(4096, 'x');
    QVERIFY(d.commit(QStringLiteral("Set title"), longer));
    QVERIFY(!d.save(path, &error));
    QVERIFY2(error.startsWith(path + QStringLiteral(": cannot be written")), qPrintable(error));
    QCOMPARE(readAll(path), old);
    QVERIFY(d.isModified());
}

void TestNetworkDocument::saveToUnwritablePlaceKeepsModified()
{
    NetworkDocument d;
    QVERIFY(d.setLayers(2));
    QString error;
    QVERIFY(!d.save("/proc/bnflow-cannot-write-here.bnflow-net.json", &error));
    QVERIFY2(error.contains("bnflow-cannot-write-here"), qPrintable(error));
    QVERIFY(d.isModified());
    QVERIFY(d.filePath().isEmpty());
}

void TestNetworkDocument::compareBuildsTheOtherNorm()
{
    NetworkDocument d;
    d.setCompare(true, std::nullopt);
    QVERIFY(d.comparePicture());
    QVERIFY(!d.comparePicture()->shape.norm);
    QCOMPARE(d.undoStack()->count(), 0);  // a view, not an edit
    // The other network is this one without its norm, as core builds it.
    NetworkFile other = d.file();
    other.norm.reset();
    NetworkInputsLoad inputs = loadNetworkInputs(other, "");
    const DepthPass pass = depthPass(inputs.inputs->network, inputs.inputs->data);
    QCOMPARE(d.comparePicture()->loss, pass.forward.loss);
    // Both on the same axes.
    QCOMPARE(d.comparePicture()->ranges.grad, d.picture().ranges.grad);
    d.setCompare(false);
    QVERIFY(!d.comparePicture());
}

void TestNetworkDocument::normSessionIsTheLayersBatch()
{
    NetworkDocument d;
    for (int k = 0; k < 5; ++k) {
        const std::optional<Session> s = d.normSession(k);
        QVERIFY(s);
        QVERIFY(s->x == d.pass().forward.hidden[std::size_t(k)].pre);
        QVERIFY(s->gamma == d.network().layers[std::size_t(k)].gamma);
        QCOMPARE(s->norm.layerOrDefault(), Layer::BatchNorm);
        QVERIFY(s->validate().empty());
        // dout is the gradient that reached the norm: its backward gives the dx whose product with
        // the layer's input is core's dW_k.
        const NormConfig config = s->norm;
        const Reduction r = Reduction::of(config, s->x.rows(), s->x.cols());
        const FamilyForward f = familyForward(r, s->x, s->gamma, s->beta, s->eps, config);
        const Matrix dx = familyFused(r, s->dout, f, s->gamma).dx;
        const Matrix& input = k == 0 ? d.data().x : d.pass().forward.hidden[std::size_t(k - 1)].act;
        const Matrix dW = input.transpose() * dx;
        QVERIFY((dW - d.pass().backward.layers[std::size_t(k)].dW).cwiseAbs().maxCoeff() <
                1e-12 * d.pass().backward.layers[std::size_t(k)].dW.cwiseAbs().maxCoeff());
    }
    QVERIFY(!d.normSession(5));
    QVERIFY(d.setNorm(std::nullopt));
    QVERIFY(!d.normSession(0));
}

QTEST_MAIN(TestNetworkDocument)
#include "test_network_document.moc"
