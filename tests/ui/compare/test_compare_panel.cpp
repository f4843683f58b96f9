// The compare tab driven with real widgets: presets, a side's eps typed in, float32, the same
// cell selected in all three tables, a side that cannot be computed, and the exports.
#include "window_fixture.h"

#include <compare/compare_panel.h>
#include <compare/value_model.h>
#include <tables/matrix_view.h>

#include <core/math/family.h>

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace bnflow;
using bnflow::ui::ComparePanel;

class TestComparePanel : public QObject, public test::WindowFixture {
    Q_OBJECT
private slots:
    void init() { openWindow(QStringLiteral("compare")); }
    void cleanup() { closeWindow(); }
    void differenceIsBMinusA();
    void typingAnEpsRecomputesOneSide();
    void theSameCellIsSelectedInAllThree();
    void aSideThatCannotBeComputedSaysWhy();
    void exportsWriteWholeFiles();
    void anEditWhileHiddenShowsWhenTheTabDoes();
    void pyTorchAgainstKerasRunningStatistics();

private:
    ComparePanel* panel() const { return window_->comparePanel(); }
    Matrix shown(int column) const
    {
        return static_cast<const ui::ValueModel*>(panel()->table(column)->model())->values();
    }
};

void TestComparePanel::differenceIsBMinusA()
{
    QVERIFY(panel()->isVisible());
    auto* preset = panel()->findChild<QComboBox*>(QStringLiteral("comparePreset"));
    QCOMPARE(panel()->configuration(1).layer.value_or(Layer::BatchNorm), Layer::LayerNorm);  // the first preset
    Session layerNorm = document_->session();
    layerNorm.norm.layer = Layer::LayerNorm;
    QCOMPARE(shown(1), Matrix(analyzeFamily(layerNorm).analysis->fused.dx));
    preset->setCurrentIndex(2);  // float64 against float32
    QCOMPARE(panel()->configuration(1).dtype, Dtype::F32);
    QCOMPARE(shown(0), Matrix(runConfiguration(document_->session(), {}).computed->dx));
    QCOMPARE(shown(2), Matrix(shown(1) - shown(0)));
    QVERIFY(shown(2).cwiseAbs().maxCoeff() > 0);
    QVERIFY(panel()->summary().contains(QStringLiteral("max |B − A|")));
    // float64 against float32 on the built-in example differs by float32's rounding: said so,
    // not "a real difference" (the relative difference is a few 1e-7).
    const double relative = shown(2).cwiseAbs().maxCoeff() / std::max(shown(0).cwiseAbs().maxCoeff(), shown(1).cwiseAbs().maxCoeff());
    QVERIFY2(relative > 1e-10 && relative < 1e-5, qPrintable(QString::number(relative)));
    QVERIFY2(panel()->summary().contains(QStringLiteral("float32 rounding")), qPrintable(panel()->summary()));
    panel()->setQuantity(QStringLiteral("dgamma"));
    QCOMPARE(shown(0).rows(), 1);
    QCOMPARE(panel()->table(0)->model()->headerData(0, Qt::Vertical).toString(), QStringLiteral("dgamma (dγ)"));
}

void TestComparePanel::typingAnEpsRecomputesOneSide()
{
    panel()->findChild<QComboBox*>(QStringLiteral("comparePreset"))->setCurrentIndex(1);  // eps against eps
    auto* eps = panel()->findChild<QLineEdit*>(QStringLiteral("compareEpsB"));
    eps->selectAll();
    QTest::keyClicks(eps, QStringLiteral("0.5"));
    QTest::keyClick(eps, Qt::Key_Return);
    QTRY_COMPARE(panel()->configuration(1).eps.value_or(-1), 0.5);
    Session s = document_->session();
    s.eps = 0.5;
    QCOMPARE(shown(1), Matrix(runConfiguration(s, {}).computed->dx));
    // An edit of the batch recomputes both sides.
    QVERIFY(document_->setCell(Which::X, 0, 0, 7.0));
    s.x(0, 0) = 7.0;
    QCOMPARE(shown(1), Matrix(runConfiguration(s, {}).computed->dx));
}

void TestComparePanel::theSameCellIsSelectedInAllThree()
{
    ui::MatrixView* a = panel()->table(0);
    QTest::mouseClick(a->viewport(), Qt::LeftButton, {}, a->visualRect(a->model()->index(2, 1)).center());
    for (int c = 1; c < 3; ++c) {
        QCOMPARE(panel()->table(c)->currentIndex().row(), 2);
        QCOMPARE(panel()->table(c)->currentIndex().column(), 1);
    }
}

void TestComparePanel::aSideThatCannotBeComputedSaysWhy()
{
    QVERIFY(document_->setCell(Which::X, 0, 1, 5.0));
    for (int i = 1; i < 4; ++i)
        QVERIFY(document_->setCell(Which::X, i, 1, 5.0));  // feature 1 constant
    Configuration zero;
    zero.eps = 0;
    panel()->setConfiguration(1, zero);
    const auto problem = panel()->findChildren<QLabel*>();
    bool said = false;
    for (QLabel* label : problem)
        said = said || (label->isVisible() && label->text().startsWith(QStringLiteral("Cannot compute")));
    QVERIFY(said);
    QCOMPARE(panel()->table(1)->model()->rowCount(), 0);
    QCOMPARE(panel()->table(2)->model()->rowCount(), 0);
    QVERIFY(panel()->table(0)->model()->rowCount() > 0);  // A is still shown
    QVERIFY(panel()->summary().contains(QStringLiteral("cannot be computed")));
}

void TestComparePanel::exportsWriteWholeFiles()
{
    QTemporaryDir dir;
    const QList<std::pair<QString, QByteArray>> kinds{{"c.png", "\x89PNG"}, {"c.pdf", "%PDF"}, {"c.svg", "<?xml"}};
    for (const auto& [name, magic] : kinds) {
        QString error;
        QVERIFY2(panel()->exportTo(dir.filePath(name), &error), qPrintable(error));
        QFile file(dir.filePath(name));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY2(file.read(magic.size()) == magic, qPrintable(name));
    }
    QString error;
    QVERIFY(!panel()->exportTo(dir.filePath("c.bmp"), &error));
    QVERIFY(error.contains(QStringLiteral("c.bmp")));
    QVERIFY(!QFile::exists(dir.filePath("c.bmp")));
    QVERIFY(!panel()->exportTo(dir.filePath("missing/c.png"), &error));
}

// While another tab is shown the comparison is not recomputed on every edit; it is when the
// Compare tab shows again, with the edit in it.
void TestComparePanel::anEditWhileHiddenShowsWhenTheTabDoes()
{
    const Matrix before = shown(0);
    window_->showView(QStringLiteral("results"));
    QVERIFY(!panel()->isVisible());
    QVERIFY(document_->setCell(Which::X, 1, 1, 9.0));
    QCOMPARE(shown(0), before);  // not recomputed behind the user's back
    window_->showView(QStringLiteral("compare"));
    QTRY_VERIFY(panel()->isVisible());
    QCOMPARE(shown(0), Matrix(runConfiguration(document_->session(), panel()->configuration(0)).computed->dx));
    QVERIFY(shown(0) != before);
}

// The conventions preset: the updated running variance of each side is core's, they differ,
// and a side without a convention says it has none instead of showing another quantity.
void TestComparePanel::pyTorchAgainstKerasRunningStatistics()
{
    auto* preset = panel()->findChild<QComboBox*>(QStringLiteral("comparePreset"));
    preset->setCurrentIndex(4);
    QCOMPARE(panel()->configuration(0).convention.value_or(Convention::Cs231n), Convention::PyTorch);
    QCOMPARE(panel()->configuration(1).convention.value_or(Convention::Cs231n), Convention::Keras);
    for (int side = 0; side < 2; ++side)
        QCOMPARE(shown(side), Matrix(*runConfiguration(document_->session(), panel()->configuration(side)).computed->runningVar));
    QVERIFY(shown(2).cwiseAbs().maxCoeff() > 0);
    auto* convention = panel()->findChild<QComboBox*>(QStringLiteral("compareConventionB"));
    convention->setCurrentIndex(0);  // the session's: it has no running statistics
    QVERIFY(!panel()->configuration(1).convention);
    QCOMPARE(shown(1).size(), Eigen::Index(0));
    QVERIFY(panel()->summary().contains(QStringLiteral("cannot be computed")));
}

QTEST_MAIN(TestComparePanel)
#include "test_compare_panel.moc"
