// SessionDocument: every edit is one undo step and one recomputation; refused edits and bad
// files change nothing; saving is atomic and tracks the unsaved state.
#include <document/display_settings.h>
#include <document/session_document.h>
#include <tables/result_models.h>
#include <tables/editable_model.h>

#include <core/teach/family_catalogue.h>
#include <core/io/session_json.h>

#include <QAbstractItemModelTester>
#include <QDir>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>

#include <cmath>
#include <fstream>
#include <limits>

using namespace bnflow;
using namespace bnflow::ui;

Q_DECLARE_METATYPE(std::function<bool(SessionDocument&)>)
Q_DECLARE_METATYPE(bnflow::Which)

class TestDocument : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void everyEditUndoesAndRedoes_data();
    void everyEditUndoesAndRedoes();
    void refusedEditsChangeNothing_data();
    void refusedEditsChangeNothing();
    void sliderDragIsOneUndoStep();
    void modelsStayConsistent();
    void typingChangesOneNumber_data();
    void typingChangesOneNumber();
    void saveAndOpen();
    void badFileLeavesDocumentAlone();
    void saveToUnwritablePlaceKeepsModified();
    void fileVanishesBetweenOpenAndSave();
    void negativeZeroIsShownAsZero();
};

using Edit = std::function<bool(SessionDocument&)>;

void TestDocument::everyEditUndoesAndRedoes_data()
{
    QTest::addColumn<Edit>("edit");
    QTest::newRow("cell of x") << Edit([](SessionDocument& d) { return d.setCell(Which::X, 1, 2, 7.5); });
    QTest::newRow("cell of dout") << Edit([](SessionDocument& d) { return d.setCell(Which::Dout, 0, 0, -3); });
    QTest::newRow("gamma") << Edit([](SessionDocument& d) { return d.setGamma(1, 2.5); });
    QTest::newRow("beta") << Edit([](SessionDocument& d) { return d.setBeta(2, -1); });
    QTest::newRow("reset gamma") << Edit([](SessionDocument& d) { return d.resetGamma(); });
    QTest::newRow("reset beta") << Edit([](SessionDocument& d) { return d.resetBeta(); });
    QTest::newRow("eps") << Edit([](SessionDocument& d) { return d.setEps(1e-3); });
    QTest::newRow("insert sample") << Edit([](SessionDocument& d) { return d.insertSamples(2, 1); });
    QTest::newRow("remove samples") << Edit([](SessionDocument& d) { return d.removeSamples(0, 2); });
    QTest::newRow("insert feature") << Edit([](SessionDocument& d) { return d.insertFeatures(0, 2); });
    QTest::newRow("remove feature") << Edit([](SessionDocument& d) { return d.removeFeatures(1, 1); });
    QTest::newRow("paste growing x") << Edit([](SessionDocument& d) { return d.pasteBlock(Which::X, 3, 2, Matrix::Constant(2, 2, 9)); });
    QTest::newRow("replace batch") << Edit([](SessionDocument& d) { return d.replaceBatch(Matrix::Random(6, 2), "import"); });
    QTest::newRow("randomize") << Edit([](SessionDocument& d) { return d.randomizeBatch(Distribution::Cs231nOffset, 4); });
    QTest::newRow("dout seeded") << Edit([](SessionDocument& d) { return d.setDoutFromSeed(17); });
    QTest::newRow("dout ones") << Edit([](SessionDocument& d) { return d.setDoutAllOnes(); });
    QTest::newRow("dout one-hot") << Edit([](SessionDocument& d) { return d.setDoutOneHot(1, 1); });
    QTest::newRow("dout from loss") << Edit([](SessionDocument& d) { return d.setDoutFromHalfSquareLoss(); });
}

void TestDocument::everyEditUndoesAndRedoes()
{
    QFETCH(Edit, edit);
    SessionDocument document;
    const std::string before = writeSession(document.session());
    QSignalSpy changed(&document, &SessionDocument::resultsChanged);
    QVERIFY(edit(document));
    QCOMPARE(changed.count(), 1);  // one edit, one recomputation, one signal
    const std::string after = writeSession(document.session());
    QVERIFY(after != before);
    QVERIFY(document.session().validate().empty());
    QVERIFY(document.analysis());
    QVERIFY(document.isModified());
    QCOMPARE(document.undoStack()->count(), 1);

    document.undoStack()->undo();
    QCOMPARE(writeSession(document.session()), before);
    QVERIFY(!document.isModified());
    document.undoStack()->redo();
    QCOMPARE(writeSession(document.session()), after);
    QCOMPARE(changed.count(), 3);
}

void TestDocument::refusedEditsChangeNothing_data()
{
    QTest::addColumn<Edit>("edit");
    QTest::addColumn<QString>("message");
    QTest::newRow("remove every sample") << Edit([](SessionDocument& d) { return d.removeSamples(0, 4); }) << "sample";
    QTest::newRow("remove every feature") << Edit([](SessionDocument& d) { return d.removeFeatures(0, 3); }) << "feature";
    QTest::newRow("too many samples") << Edit([](SessionDocument& d) { return d.insertSamples(0, 400); }) << "256";
    QTest::newRow("paste past the limit") << Edit([](SessionDocument& d) { return d.pasteBlock(Which::X, 0, 2, Matrix::Ones(1, 31)); }) << "32";
    QTest::newRow("paste detached from the batch") << Edit([](SessionDocument& d) { return d.pasteBlock(Which::X, 0, 30, Matrix::Ones(1, 1)); }) << "x[0][30]";
    QTest::newRow("negative eps") << Edit([](SessionDocument& d) { return d.setEps(-1); }) << "eps";
    QTest::newRow("gamma of no feature") << Edit([](SessionDocument& d) { return d.setGamma(7, 1); }) << "gamma[7]";
    QTest::newRow("infinite beta") << Edit([](SessionDocument& d) { return d.setBeta(0, INFINITY); }) << "beta[0]";
}

void TestDocument::refusedEditsChangeNothing()
{
    QFETCH(Edit, edit);
    QFETCH(QString, message);
    SessionDocument document;
    const std::string before = writeSession(document.session());
    QSignalSpy refused(&document, &SessionDocument::editRefused);
    QSignalSpy changed(&document, &SessionDocument::resultsChanged);
    QVERIFY(!edit(document));
    QCOMPARE(refused.count(), 1);
    QVERIFY2(refused.front().front().toString().contains(message), qPrintable(refused.front().front().toString()));
    QCOMPARE(changed.count(), 0);
    QCOMPARE(writeSession(document.session()), before);
    QCOMPARE(document.undoStack()->count(), 0);
}

void TestDocument::sliderDragIsOneUndoStep()
{
    SessionDocument document;
    const double original = document.session().gamma[0];
    for (double v = 0.0; v <= 2.0; v += 0.25)
        document.setGamma(0, v);
    document.setBeta(0, 0.5);  // a different parameter: a new step
    QCOMPARE(document.undoStack()->count(), 2);
    document.undoStack()->undo();
    QCOMPARE(document.session().gamma[0], 2.0);
    document.undoStack()->undo();
    QCOMPARE(document.session().gamma[0], original);
}

// Regression: typing one number ran a 1 x 1 paste that reallocated the session's matrices,
// redrew a seeded dout, and had both editors announce every cell as changed.
void TestDocument::typingChangesOneNumber_data()
{
    QTest::addColumn<Which>("which");
    QTest::newRow("x") << Which::X;
    QTest::newRow("dout") << Which::Dout;
}

void TestDocument::typingChangesOneNumber()
{
    QFETCH(Which, which);
    SessionDocument document;
    Session seeded = exampleSession();
    seeded.doutSeed = 7;
    seeded.dout = standardNormalMatrix(seeded.samples(), seeded.features(), 7);
    document.reset(seeded);
    DisplaySettings display;
    EditableMatrixModel x(&document, &display, Which::X), dout(&document, &display, Which::Dout);
    QSignalSpy xChanged(&x, &QAbstractItemModel::dataChanged), doutChanged(&dout, &QAbstractItemModel::dataChanged);
    QSignalSpy xReset(&x, &QAbstractItemModel::modelReset), doutReset(&dout, &QAbstractItemModel::modelReset);
    const double* xData = document.session().x.data();
    const double* doutData = document.session().dout.data();
    const Matrix& edited = which == Which::X ? document.session().x : document.session().dout;
    Matrix expected = edited;
    expected(2, 1) = 4.25;

    QVERIFY(document.setCell(which, 2, 1, 4.25));
    QCOMPARE(edited, expected);
    QCOMPARE(document.session().x.data(), xData);  // written in place
    QCOMPARE(document.session().dout.data(), doutData);
    if (which == Which::X) {
        QCOMPARE(document.session().dout, seeded.dout);  // dout is not redrawn
        QCOMPARE(document.session().doutSeed, std::optional<std::uint64_t>(7));
    } else {
        QCOMPARE(document.session().doutSeed, std::nullopt);  // typed into: no longer the seeded one
    }
    QSignalSpy& changed = which == Which::X ? xChanged : doutChanged;
    QSignalSpy& other = which == Which::X ? doutChanged : xChanged;
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.front().at(0).toModelIndex(), changed.front().at(1).toModelIndex());
    QCOMPARE(changed.front().at(0).toModelIndex().row(), 2);
    QCOMPARE(changed.front().at(0).toModelIndex().column(), 1);
    QCOMPARE(other.count(), 0);
    QCOMPARE(xReset.count() + doutReset.count(), 0);

    document.undoStack()->undo();
    QCOMPARE(document.session().x, seeded.x);
    QCOMPARE(document.session().dout, seeded.dout);
    QCOMPARE(document.session().doutSeed, std::optional<std::uint64_t>(7));
    QVERIFY(!document.setCell(which, 9, 1, 1.0));  // outside: refused, nothing pushed
    QVERIFY(!document.setCell(which, 0, 0, std::numeric_limits<double>::infinity()));
    QCOMPARE(document.undoStack()->count(), 1);
}

void TestDocument::modelsStayConsistent()
{
    SessionDocument document;
    DisplaySettings display;
    EditableMatrixModel x(&document, &display, Which::X);
    MatrixModel dx(&document, &display, "dx");
    FeatureModel features(&document, &display, {"gamma"});
    QAbstractItemModelTester t1(&x, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester t2(&dx, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester t3(&features, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy reset(&x, &QAbstractItemModel::modelReset);
    QSignalSpy dataChanged(&dx, &QAbstractItemModel::dataChanged);
    document.setCell(Which::X, 0, 0, 4);  // same shape: data changes, no reset
    QCOMPARE(reset.count(), 0);
    QCOMPARE(dataChanged.count(), 1);
    QSignalSpy rowsInserted(&x, &QAbstractItemModel::rowsInserted);
    QSignalSpy columnsInserted(&x, &QAbstractItemModel::columnsInserted);
    QSignalSpy resultsReset(&dx, &QAbstractItemModel::modelReset);
    document.insertSamples(0, 3);
    document.insertFeatures(1, 1);
    // In the batch, shape edits are rows and columns inserted, never a reset (the tester checks
    // that the values kept moved with them); every result is recomputed, so those reset.
    QCOMPARE(reset.count(), 0);
    QCOMPARE(rowsInserted.count(), 1);
    QCOMPARE(rowsInserted.front().at(1).toInt(), 0);
    QCOMPARE(rowsInserted.front().at(2).toInt(), 2);
    QCOMPARE(columnsInserted.count(), 1);
    QCOMPARE(columnsInserted.front().at(1).toInt(), 1);
    QCOMPARE(resultsReset.count(), 2);
    QSignalSpy rowsRemoved(&x, &QAbstractItemModel::rowsRemoved);
    document.undoStack()->undo();  // the inserted feature goes again
    document.undoStack()->undo();  // and the three samples
    QCOMPARE(rowsRemoved.count(), 1);
    QCOMPARE(x.rowCount(), 4);
    document.undoStack()->redo();
    document.undoStack()->redo();
    QCOMPARE(reset.count(), 0);
    QCOMPARE(x.rowCount(), 7);
    QCOMPARE(dx.columnCount(), 4);
    QCOMPARE(features.columnCount(), 4);
    document.setEps(0);
    document.setCell(Which::X, 0, 1, 1);  // still computable: no constant column yet
    document.undoStack()->undo();
    document.undoStack()->undo();
    QVERIFY(x.setData(x.index(0, 0), "12.5", Qt::EditRole));
    QCOMPARE(document.session().x(0, 0), 12.5);
    QVERIFY(!x.setData(x.index(0, 0), "twelve", Qt::EditRole));
    QCOMPARE(document.session().x(0, 0), 12.5);
}

void TestDocument::saveAndOpen()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("mine.bnflow.json");
    SessionDocument document;
    QSignalSpy modified(&document, &SessionDocument::modifiedChanged);
    document.setCell(Which::X, 0, 0, 0.1 + 0.2);
    QVERIFY(document.isModified());
    QString error;
    QVERIFY2(document.save(path, &error), qPrintable(error));
    QVERIFY(!document.isModified());
    QCOMPARE(document.filePath(), path);
    QCOMPARE(modified.count(), 2);

    SessionDocument other;
    QVERIFY(other.open(path, &error));
    QCOMPARE(other.session().x, document.session().x);  // bit-for-bit
    QCOMPARE(other.undoStack()->count(), 0);
    QVERIFY(!other.isModified());
}

void TestDocument::badFileLeavesDocumentAlone()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("bad.bnflow.json");
    std::ofstream(path.toStdString()) << R"({"format": "bnflow-session", "version": 1, "x": [[1, 2]], "gamma": [1], "beta": [0, 0], "eps": 1e-5})";
    SessionDocument document;
    document.setCell(Which::X, 0, 0, 42);
    const std::string before = writeSession(document.session());
    QString error;
    QVERIFY(!document.open(path, &error));
    QVERIFY2(error.contains("bad.bnflow.json: gamma"), qPrintable(error));
    QCOMPARE(writeSession(document.session()), before);
    QCOMPARE(document.undoStack()->count(), 1);  // the history survives too
    QVERIFY(document.isModified());

    // A session larger than the editor takes is refused with the limit in the message.
    Session big = exampleSession();
    big.x = Matrix::Random(300, 3);
    big.dout = Matrix::Random(300, 3);
    big.doutSeed.reset();
    std::ofstream(dir.filePath("big.bnflow.json").toStdString()) << writeSession(big);
    QVERIFY(!document.open(dir.filePath("big.bnflow.json"), &error));
    QVERIFY2(error.contains("256"), qPrintable(error));

    // Another layer of the family, and batch norm in eval mode, open and are computed by
    // core's family path: the same numbers as analyzeFamily, never batch norm's.
    Session layerNorm = exampleSession();
    layerNorm.norm.layer = Layer::LayerNorm;
    std::ofstream(dir.filePath("ln.bnflow.json").toStdString()) << writeSession(layerNorm);
    QVERIFY2(document.open(dir.filePath("ln.bnflow.json"), &error), qPrintable(error));
    QVERIFY(document.analysis() && document.isComputed());
    const FamilyResult lnReference = analyzeFamily(layerNorm);
    QVERIFY(lnReference.ok());
    QCOMPARE(Matrix(*document.value("mean")), lnReference.analysis->forward.mean);
    QCOMPARE(document.value("mean")->rows(), layerNorm.samples());  // one per sample
    QCOMPARE(Matrix(*document.value("dx")), lnReference.analysis->staged.dx);
    QCOMPARE(&document.steps(), &steps(Layer::LayerNorm, Mode::Train));
    Session eval = exampleSession();
    eval.norm.mode = Mode::Eval;
    eval.norm.runningMean = RowVector::Constant(3, 0.5);
    eval.norm.runningVar = RowVector::Constant(3, 2.0);
    std::ofstream(dir.filePath("eval.bnflow.json").toStdString()) << writeSession(eval);
    QVERIFY2(document.open(dir.filePath("eval.bnflow.json"), &error), qPrintable(error));
    const Matrix expected = (eval.dout.array().rowwise() * (eval.gamma.array() / std::sqrt(2.0 + eval.eps)))
                                .matrix();  // dout * gamma / sqrt(running_var + eps)
    QVERIFY(Matrix(*document.value("dx")).isApprox(expected, 1e-14));

    // Training batch norm with running statistics is batch norm: it opens, and keeps its keys.
    Session running = exampleSession();
    running.norm.runningMean = RowVector::Zero(3);
    running.norm.runningVar = RowVector::Ones(3);
    running.norm.convention = Convention::Keras;
    std::ofstream(dir.filePath("run.bnflow.json").toStdString()) << writeSession(running);
    QVERIFY2(document.open(dir.filePath("run.bnflow.json"), &error), qPrintable(error));
    QVERIFY(document.session().norm == running.norm);
}

void TestDocument::saveToUnwritablePlaceKeepsModified()
{
    SessionDocument document;
    document.setBeta(0, 3);
    QString error;
    QVERIFY(!document.save("/proc/bnflow-cannot-write-here.bnflow.json", &error));
    QVERIFY2(error.contains("bnflow-cannot-write-here.bnflow.json"), qPrintable(error));
    QVERIFY(document.isModified());
    QVERIFY(document.filePath().isEmpty());
}

void TestDocument::fileVanishesBetweenOpenAndSave()
{
    QTemporaryDir dir;
    QVERIFY(QDir(dir.path()).mkdir("lecture"));
    const QString path = dir.filePath("lecture/s.bnflow.json");
    SessionDocument document;
    QString error;
    QVERIFY(document.save(path, &error));
    QVERIFY(document.open(path, &error));
    document.setBeta(1, 0.25);

    QVERIFY(QFile::remove(path));  // the file alone goes: saving writes it again, nothing lost
    QVERIFY2(document.save(path, &error), qPrintable(error));
    QCOMPARE(loadSessionFile(path.toStdString()).session->beta[1], 0.25);

    document.setBeta(1, 0.5);
    QVERIFY(QDir(dir.filePath("lecture")).removeRecursively());  // its folder goes too
    QVERIFY(!document.save(path, &error));
    QVERIFY2(error == path + ": cannot be written (No such file or directory)", qPrintable(error));
    QVERIFY(document.isModified());  // still unsaved, still in memory
    QCOMPARE(document.session().beta[1], 0.5);
}

// -0.0 (dμ via σ² of a column symmetric about its mean) is shown as 0 in the tables and where
// DisplaySettings formats a number; the tooltip and the edit text keep the exact value.
void TestDocument::negativeZeroIsShownAsZero()
{
    DisplaySettings display;
    QCOMPARE(display.format(-0.0), QStringLiteral("0"));
    QCOMPARE(display.format(-1e-300), QStringLiteral("-1e-300"));
    QCOMPARE(numberRole(display, -0.0, 1.0, Qt::DisplayRole).toString(), QStringLiteral("0"));
    QCOMPARE(numberRole(display, -0.0, 1.0, Qt::DisplayRole, 3).toString(), QStringLiteral("0"));
    QCOMPARE(numberRole(display, -0.0, 1.0, Qt::ToolTipRole).toString(), QStringLiteral("-0"));
}

QTEST_MAIN(TestDocument)
#include "test_document.moc"
