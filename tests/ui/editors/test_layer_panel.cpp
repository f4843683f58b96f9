// The layer selector and the keys of the normalization family, driven through the real widgets
// of the Parameters panel: each change is one undo step, the results follow the layer with
// core's numbers (analyzeFamily), and a combination that does not apply is refused with its
// reason and changes nothing.
#include <document/session_document.h>
#include <editors/layer_panel.h>
#include <editors/parameter_panel.h>
#include <results/results_panel.h>
#include <tables/matrix_view.h>
#include <window/main_window.h>

#include "window_fixture.h"

#include <core/math/family.h>
#include <core/io/session_json.h>

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QStatusBar>
#include <QTableWidget>
#include <QUndoStack>
#include <QtTest>

using namespace bnflow;
using namespace bnflow::ui;

class TestLayerPanel : public QObject, private bnflow::test::WindowFixture {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void init() { openWindow(); }
    void cleanup() { closeWindow(); }
    void layerNormFromTheSelectorWithUndo();
    void groupNormGroupsAreCheckedAndUndoable();
    void evalModeUsesTheRunningStatistics();
    void runningStatisticsConventionAndMomentum();
    void editorsThatDoNotApplyAreHidden();
    void aShapeEditThatBreaksTheKeysIsRefused();
    void spatialChannelsRegroupTheParametersWithUndo();

private:
    LayerPanel* panel() const { return window_->parameterPanel()->layerPanel(); }
    void choose(QComboBox* box, int data);
    QString statusMessage() const;
    // The value the results table `view` shows at (row, column), as the number it stands for.
    double shown(const QString& view, int row, int column) const;
};

void TestLayerPanel::choose(QComboBox* box, int data)
{
    const int index = box->findData(data);
    QVERIFY(index >= 0);
    box->setCurrentIndex(index);
    emit box->activated(index);  // what a click on the item sends
}

QString TestLayerPanel::statusMessage() const
{
    QString text;
    for (QLabel* label : window_->statusBar()->findChildren<QLabel*>())
        text += label->text() + "\n";
    return text;
}

double TestLayerPanel::shown(const QString& view, int row, int column) const
{
    const QAbstractItemModel* model = window_->resultsPanel()->view(view)->model();
    return model->index(row, column).data(Qt::EditRole).toString().toDouble();
}

void TestLayerPanel::layerNormFromTheSelectorWithUndo()
{
    const std::string before = writeSession(document_->session());
    choose(panel()->layerBox(), int(Layer::LayerNorm));
    QCOMPARE(document_->norm().layerOrDefault(), Layer::LayerNorm);
    QCOMPARE(document_->undoStack()->count(), 1);
    QVERIFY(document_->analysis());

    // The statistics are per sample now: a row each, with core's values.
    const FamilyResult reference = analyzeFamily(document_->session());
    QVERIFY(reference.ok());
    MatrixView* statistics = window_->resultsPanel()->view("statistics");
    QVERIFY(statistics && !statistics->isHidden());
    QCOMPARE(statistics->model()->rowCount(), int(document_->session().samples()));
    QCOMPARE(statistics->model()->columnCount(), 3);  // mean, var, invStd
    for (int i = 0; i < statistics->model()->rowCount(); ++i) {
        QCOMPARE(shown("statistics", i, 0), reference.analysis->forward.mean(i, 0));
        QCOMPARE(shown("statistics", i, 2), reference.analysis->forward.invStd(i, 0));
    }
    QCOMPARE(shown("dx", 1, 2), reference.analysis->staged.dx(1, 2));
    QCOMPARE(shown("fused_dx", 3, 0), reference.analysis->fused.dx(3, 0));
    // The per-feature table keeps gamma and beta only: no batch statistics under this layer.
    QCOMPARE(window_->resultsPanel()->view("forward")->model()->rowCount(), 2);

    document_->undoStack()->undo();
    QCOMPARE(writeSession(document_->session()), before);
    QCOMPARE(panel()->layerBox()->currentData().toInt(), int(Layer::BatchNorm));
    QVERIFY(document_->analysis());
    QVERIFY(window_->resultsPanel()->view("statistics")->isHidden());
    QCOMPARE(window_->resultsPanel()->view("forward")->model()->rowCount(), 5);
}

void TestLayerPanel::groupNormGroupsAreCheckedAndUndoable()
{
    // The example has D = 3: G = 1 divides it, G = 2 does not.
    QCOMPARE(document_->session().features(), Eigen::Index(3));
    choose(panel()->layerBox(), int(Layer::GroupNorm));
    QCOMPARE(document_->norm().layerOrDefault(), Layer::GroupNorm);
    QCOMPARE(document_->norm().groups.value_or(0), 1);  // D odd: one group
    QVERIFY(panel()->groupsBox()->isVisibleTo(panel()));
    const std::string before = writeSession(document_->session());
    const int commands = document_->undoStack()->count();

    panel()->groupsBox()->setValue(2);
    emit panel()->groupsBox()->editingFinished();
    QCOMPARE(writeSession(document_->session()), before);  // refused: nothing changed
    QCOMPARE(document_->undoStack()->count(), commands);
    QCOMPARE(panel()->groupsBox()->value(), 1);  // the editor shows the document's G again
    QVERIFY2(statusMessage().contains("groups") && statusMessage().contains("does not divide"),
             qPrintable(statusMessage()));

    panel()->groupsBox()->setValue(3);
    emit panel()->groupsBox()->editingFinished();
    QCOMPARE(document_->norm().groups.value_or(0), 3);
    QCOMPARE(document_->undoStack()->count(), commands + 1);
    const FamilyResult reference = analyzeFamily(document_->session());
    QVERIFY(reference.ok());
    // N x G statistics: a column per quantity and group.
    QCOMPARE(window_->resultsPanel()->view("statistics")->model()->columnCount(), 3 * 3);
    QCOMPARE(shown("statistics", 2, 1), reference.analysis->forward.mean(2, 1));
    document_->undoStack()->undo();
    QCOMPARE(writeSession(document_->session()), before);
}

void TestLayerPanel::evalModeUsesTheRunningStatistics()
{
    choose(panel()->modeBox(), int(Mode::Eval));
    const NormConfig& norm = document_->norm();
    QVERIFY(norm.isEval());
    QVERIFY(norm.runningMean && norm.runningMean->isZero());  // every library's initial values
    QVERIFY(norm.runningVar && norm.runningVar->isOnes());
    QCOMPARE(document_->undoStack()->count(), 1);
    QVERIFY(panel()->runningTable()->isVisibleTo(panel()));

    // Typing a running variance: one undo step; dx = dout * gamma / sqrt(running_var + eps).
    QTableWidgetItem* item = panel()->runningTable()->item(1, 0);
    QVERIFY(item);
    item->setText("4");
    QCOMPARE((*document_->norm().runningVar)[0], 4.0);
    QCOMPARE(document_->undoStack()->count(), 2);
    const Session& s = document_->session();
    for (Eigen::Index i = 0; i < s.samples(); ++i)
        QVERIFY(qFuzzyCompare(shown("dx", int(i), 0), s.dout(i, 0) * s.gamma[0] / std::sqrt(4.0 + s.eps)));

    // A negative variance is refused, named, and the table shows the value kept.
    panel()->runningTable()->item(1, 1)->setText("-1");
    QCOMPARE((*document_->norm().runningVar)[1], 1.0);
    QCOMPARE(document_->undoStack()->count(), 2);
    QVERIFY2(statusMessage().contains("running_var[1]"), qPrintable(statusMessage()));
    QCOMPARE(panel()->runningTable()->item(1, 1)->text(), QString("1"));

    document_->undoStack()->undo();
    document_->undoStack()->undo();
    QVERIFY(!document_->norm().isEval());
    QVERIFY(!document_->norm().runningMean);
}

void TestLayerPanel::runningStatisticsConventionAndMomentum()
{
    panel()->runningBox()->click();
    QVERIFY(document_->norm().updatesRunning());
    QVERIFY(document_->runningUpdate());
    QVERIFY(panel()->conventionBox()->isVisibleTo(panel()));
    choose(panel()->conventionBox(), int(Convention::Keras));
    QCOMPARE(document_->norm().conventionOrDefault(), Convention::Keras);
    // Keras: moving = m * moving + (1 - m) * batch, m = 0.99 by default, biased variance.
    const FamilyResult reference = analyzeFamily(document_->session());
    QVERIFY(reference.ok() && reference.analysis->running);
    QCOMPARE(Matrix(*document_->value("updated_running_var")), Matrix(reference.analysis->running->var));
    QVERIFY(qFuzzyCompare((*document_->value("updated_running_mean"))(0, 0),
                          0.01 * document_->session().x.col(0).mean()));

    panel()->momentumEdit()->setText("0.5");
    emit panel()->momentumEdit()->editingFinished();
    QCOMPARE(document_->norm().momentum.value_or(-1), 0.5);
    const int commands = document_->undoStack()->count();
    panel()->momentumEdit()->setText("1.5");
    emit panel()->momentumEdit()->editingFinished();
    QCOMPARE(document_->norm().momentum.value_or(-1), 0.5);  // outside [0, 1]: refused
    QCOMPARE(document_->undoStack()->count(), commands);
    QVERIFY2(statusMessage().contains("momentum"), qPrintable(statusMessage()));
    QCOMPARE(panel()->momentumEdit()->text(), QString("0.5"));
}

void TestLayerPanel::editorsThatDoNotApplyAreHidden()
{
    QVERIFY(!panel()->groupsBox()->isVisibleTo(panel()));
    QVERIFY(panel()->modeBox()->isVisibleTo(panel()));
    QVERIFY(!panel()->conventionBox()->isVisibleTo(panel()));  // no running statistics yet
    QVERIFY(panel()->runningBox()->isVisibleTo(panel()));
    choose(panel()->modeBox(), int(Mode::Eval));  // eval reads the running statistics: no box to tick
    QVERIFY(document_->norm().isEval());
    QVERIFY(!panel()->runningBox()->isVisibleTo(panel()));
    QVERIFY(panel()->runningTable()->isVisibleTo(panel()));
    document_->undoStack()->undo();
    QVERIFY(panel()->runningBox()->isVisibleTo(panel()));
    choose(panel()->layerBox(), int(Layer::RmsNorm));
    QVERIFY(!panel()->modeBox()->isVisibleTo(panel()));  // eval mode is batch norm's
    QVERIFY(!panel()->runningTable()->isVisibleTo(panel()));
    QCOMPARE(window_->resultsPanel()->view("statistics")->model()->columnCount(), 2);  // ms, rrms
    // Back to batch norm from a layer that had running statistics drops nothing it should keep:
    // undo is the way back.
    document_->undoStack()->undo();
    QVERIFY(panel()->modeBox()->isVisibleTo(panel()));
}

// Group norm with G = 3 on D = 3: removing a feature would leave G not dividing D. The edit is
// refused with the key's reason and the batch keeps its shape (never computed half-valid).
void TestLayerPanel::aShapeEditThatBreaksTheKeysIsRefused()
{
    NormConfig groups;
    groups.layer = Layer::GroupNorm;
    groups.groups = 3;
    QVERIFY(document_->setNorm(groups, "G = 3"));
    const std::string before = writeSession(document_->session());
    QVERIFY(!document_->removeFeatures(0, 1));
    QCOMPARE(writeSession(document_->session()), before);
    QVERIFY2(statusMessage().contains("groups") && statusMessage().contains("refused"), qPrintable(statusMessage()));
    QVERIFY(document_->insertSamples(0, 1));  // samples do not touch G
    QVERIFY(document_->setNorm(LayerPanel::withLayer(document_->norm(), Layer::LayerNorm, 3), "layer norm"));
    QVERIFY(document_->removeFeatures(0, 1));  // and layer norm has no G
}

// The channels box (spatial normalization): C must divide D; a new C regroups gamma and beta
// (a channel takes its first feature's value, and back to per feature each feature gets its
// channel's), is one undo step, and the tables follow with one column per channel.
void TestLayerPanel::spatialChannelsRegroupTheParametersWithUndo()
{
    QVERIFY(document_->insertFeatures(3, 3));  // D = 6
    for (int j = 0; j < 6; ++j)
        QVERIFY(document_->setGamma(j, 1.0 + j));
    QVERIFY(panel()->channelsBox()->isVisibleTo(panel()));
    const std::string before = writeSession(document_->session());
    const int commands = document_->undoStack()->count();

    panel()->channelsBox()->setValue(4);
    emit panel()->channelsBox()->editingFinished();
    QCOMPARE(writeSession(document_->session()), before);
    QVERIFY2(statusMessage().contains("channels") && statusMessage().contains("does not divide D = 6"),
             qPrintable(statusMessage()));
    QCOMPARE(panel()->channelsBox()->value(), 0);  // "none" again

    panel()->channelsBox()->setValue(2);
    emit panel()->channelsBox()->editingFinished();
    QCOMPARE(document_->norm().channels.value_or(0), 2);
    QCOMPARE(document_->undoStack()->count(), commands + 1);
    QCOMPARE(document_->session().gamma.size(), Eigen::Index(2));
    QCOMPARE(document_->session().gamma[0], 1.0);
    QCOMPARE(document_->session().gamma[1], 4.0);
    QCOMPARE(document_->session().beta.size(), Eigen::Index(2));
    const FamilyResult reference = analyzeFamily(document_->session());
    QVERIFY(reference.ok());
    QCOMPARE(reference.analysis->forward.mean.cols(), Eigen::Index(2));
    QCOMPARE(window_->resultsPanel()->view("forward")->model()->columnCount(), 2);
    QCOMPARE(shown("forward", 2, 1), reference.analysis->forward.mean(0, 1));  // gamma, beta, mean
    QCOMPARE(window_->resultsPanel()->view("forward")->model()->headerData(1, Qt::Horizontal).toString(),
             QStringLiteral("c=1"));

    // D is C x L now: a feature inserted would leave a channel without its gamma.
    QVERIFY(!document_->insertFeatures(0, 1));
    QVERIFY2(statusMessage().contains("spatial session"), qPrintable(statusMessage()));

    panel()->channelsBox()->setValue(0);
    emit panel()->channelsBox()->editingFinished();
    QVERIFY(!document_->norm().channels);
    const RowVector spread = (RowVector(6) << 1, 1, 1, 4, 4, 4).finished();
    QCOMPARE(document_->session().gamma, spread);

    document_->undoStack()->undo();
    document_->undoStack()->undo();
    QCOMPARE(writeSession(document_->session()), before);
}


QTEST_MAIN(TestLayerPanel)
#include "test_layer_panel.moc"
