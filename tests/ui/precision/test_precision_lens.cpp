// The precision lens in the window, driven through its widgets: the lens panel's numbers are
// precisionReport()'s, the presets open with their lens and show their effect (the float16
// variance overflow born at var and named, dgamma summed in bfloat16 worse than in float32), the
// walkthrough marks the birth, the Compare tab's bfloat16 and float16 sides are the emulation's,
// an edit recomputes (on the worker for a large batch), and turning the lens off restores the
// plain view.
#include "window_fixture.h"

#include <compare/compare_panel.h>
#include <compare/value_model.h>
#include <document/examples.h>
#include <editors/parameter_panel.h>
#include <precision/lens_panel.h>
#include <precision/lens_state.h>
#include <precision/lens_text.h>
#include <tables/matrix_view.h>
#include <walkthrough/walkthrough_panel.h>
#include <walkthrough/walkthrough_state.h>
#include <window/file_actions.h>

#include <core/math/compare.h>
#include <core/teach/precision_report.h>

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QTableWidget>
#include <QToolButton>
#include <QtTest>

using namespace bnflow;

class TestPrecisionLens : public QObject, public test::WindowFixture {
    Q_OBJECT
private slots:
    void init() { openWindow(QStringLiteral("results")); }
    void cleanup() { closeWindow(); }
    void startsOffAndShowsNothing();
    void theTableIsTheReport();
    void varianceOverflowPresetIsBornAtVar();
    void bf16SumsLoseDgammaAgainstFloat32Sums();
    void theWalkthroughMarksTheBirth();
    void compareGainsBfloat16AndFloat16Sides();
    void anEditRecomputes();
    void aLargeBatchIsComputedOnTheWorker();
    void turningTheLensOffRestoresThePlainView();

private:
    ui::LensPanel* panel() const { return window_->lensPanel(); }
    ui::LensState* lens() const { return window_->lens(); }
    // Keyboard steps on the combo box until it shows the item with this data.
    static void choose(QComboBox* box, const QString& data);
    void openPreset(const QString& title);
    QString cell(const QString& id, int column) const;
    int stepRow(std::string_view id) const;
};

void TestPrecisionLens::choose(QComboBox* box, const QString& data)
{
    const int wanted = box->findData(data);
    QVERIFY2(wanted >= 0, qPrintable(data));
    box->setFocus();
    while (box->currentIndex() != wanted) {
        const int before = box->currentIndex();
        QTest::keyClick(box, box->currentIndex() < wanted ? Qt::Key_Down : Qt::Key_Up);
        QVERIFY(box->currentIndex() != before);
    }
}

// Through the lens panel's Presets menu, as a click on its entry does.
void TestPrecisionLens::openPreset(const QString& title)
{
    QToolButton* presets = panel()->presets();
    for (QAction* a : presets->menu()->actions())
        if (a->text() == title) {
            a->trigger();
            return;
        }
    QFAIL(qPrintable("no preset " + title));
}

QString TestPrecisionLens::cell(const QString& id, int column) const
{
    QTableWidget* table = panel()->table();
    const QString title = ui::quantityTitle(id.toStdString());
    for (int row = 0; row < table->rowCount(); ++row)
        if (table->item(row, 0)->text() == title)
            return table->item(row, column)->text();
    return {};
}

int TestPrecisionLens::stepRow(std::string_view id) const
{
    const auto& steps = window_->walkthroughState()->steps();
    for (std::size_t k = 0; k < steps.size(); ++k)
        if (steps[k].id == id)
            return int(k);
    return -1;
}

void TestPrecisionLens::startsOffAndShowsNothing()
{
    QVERIFY(!lens()->isOn());
    QVERIFY(panel()->isVisible());
    QVERIFY(!panel()->table()->isVisible());
    QVERIFY(!panel()->overflow()->isVisible());
    QVERIFY(!panel()->accumulateBox()->isEnabled());
    QCOMPARE(panel()->presets()->menu()->actions().size(), 4);
    // Off, an edit costs the lens nothing: no signal, so the step list is not re-marked and the
    // panel not refreshed on every keystroke (the edit-to-repaint path).
    QSignalSpy changed(lens(), &ui::LensState::changed);
    QVERIFY(document_->setEps(1e-3));
    QCOMPARE(changed.count(), 0);
}

void TestPrecisionLens::theTableIsTheReport()
{
    choose(panel()->typeBox(), QStringLiteral("f16"));
    QVERIFY(lens()->isOn());
    QCOMPARE(*lens()->type(), NumberType::F16);
    QVERIFY(panel()->table()->isVisible());
    const PrecisionReport expected = precisionReport(document_->session(), NumberType::F16, NumberType::F16);
    QCOMPARE(panel()->table()->rowCount(), int(expected.quantities.size()));
    for (int row = 0; row < panel()->table()->rowCount(); ++row) {
        const QuantityError& q = expected.quantities[std::size_t(row)];
        QCOMPARE(panel()->table()->item(row, 0)->text(), ui::quantityTitle(q.id));
        QCOMPARE(panel()->table()->item(row, 1)->text(), ui::errorText(q));
        QCOMPARE(panel()->table()->item(row, 3)->text(), ui::growthText(q));
    }
    QCOMPARE(panel()->summary()->text(), ui::summaryText(expected, ui::lensTitle(NumberType::F16, std::nullopt)));
    // Sums in float64: the report of that lens.
    choose(panel()->accumulateBox(), QStringLiteral("f64"));
    const PrecisionReport f64sums = precisionReport(document_->session(), NumberType::F16, NumberType::F64);
    QCOMPARE(cell(QStringLiteral("dgamma"), 1), ui::errorText(*f64sums.find("dgamma")));
    QVERIFY(panel()->summary()->text().contains(QStringLiteral("sums in float64")));
}

void TestPrecisionLens::varianceOverflowPresetIsBornAtVar()
{
    openPreset(QStringLiteral("Large activations: float16 variance overflow"));
    QCOMPARE(document_->session().samples(), Eigen::Index(4));
    QCOMPARE(panel()->typeBox()->currentData().toString(), QStringLiteral("f16"));
    QCOMPARE(panel()->accumulateBox()->currentData().toString(), QStringLiteral("f32"));
    const PrecisionReport* report = lens()->report();
    QVERIFY(report);
    QCOMPARE(report->birth.value_or("none"), std::string("var"));
    QVERIFY(panel()->overflow()->isVisible());
    QVERIFY2(panel()->overflow()->text().contains(ui::quantityTitle("var")), qPrintable(panel()->overflow()->text()));
    QCOMPARE(cell(QStringLiteral("var"), 1), QStringLiteral("overflow"));
    // 1/sqrt(inf) = 0: a finite error, said to be meaningless.
    QCOMPARE(cell(QStringLiteral("inv_std"), 1), QStringLiteral("1.00e+00 (meaningless)"));
    QVERIFY(cell(QStringLiteral("dx"), 1).endsWith(QStringLiteral("(meaningless)")));
    QVERIFY(!panel()->findChild<QLabel*>(QStringLiteral("lensNote"))->text().isEmpty());
    // Never a number that overflowed: no "inf" or "nan" in the table.
    for (int row = 0; row < panel()->table()->rowCount(); ++row)
        for (int c = 1; c < 4; ++c) {
            const QString text = panel()->table()->item(row, c)->text();
            QVERIFY2(!text.contains(QStringLiteral("inf")) && !text.contains(QStringLiteral("nan")), qPrintable(text));
        }
}

void TestPrecisionLens::bf16SumsLoseDgammaAgainstFloat32Sums()
{
    // Through File > Examples > Precision lens: the same preset as the Presets button's.
    QMenu* precision = nullptr;
    for (QAction* a : window_->files()->examplesMenu()->actions())
        if (a->menu() && a->text() == QStringLiteral("Precision lens"))
            precision = a->menu();
    QVERIFY(precision);
    precision->actions().front()->trigger();
    QCOMPARE(document_->session().samples(), Eigen::Index(4096));
    QCOMPARE(*lens()->type(), NumberType::BF16);
    QVERIFY(!lens()->accumulate());
    QVERIFY(lens()->report());
    const double same = lens()->report()->find("dgamma")->error;
    QCOMPARE(same, precisionReport(document_->session(), NumberType::BF16, NumberType::BF16).find("dgamma")->error);
    QCOMPARE(cell(QStringLiteral("dgamma"), 1), ui::errorText(*lens()->report()->find("dgamma")));
    choose(panel()->accumulateBox(), QStringLiteral("f32"));
    QVERIFY(lens()->report());
    const double f32 = lens()->report()->find("dgamma")->error;
    QVERIFY2(same > 100 * f32, qPrintable(QStringLiteral("%1 against %2").arg(same).arg(f32)));
    QCOMPARE(cell(QStringLiteral("dgamma"), 1), ui::errorText(*lens()->report()->find("dgamma")));
}

void TestPrecisionLens::theWalkthroughMarksTheBirth()
{
    openPreset(QStringLiteral("Large activations: float16 variance overflow"));
    window_->showView(QStringLiteral("walkthrough"));
    ui::WalkthroughPanel* walkthrough = window_->walkthrough();
    const int var = stepRow("var");
    QVERIFY(var >= 0);
    for (int row = 0; row < int(window_->walkthroughState()->steps().size()); ++row)
        QCOMPARE(walkthrough->isMarkedBirth(row), row == var);
    // A click on the step in the list: the note under its numbers says it overflows.
    auto* list = walkthrough->findChild<QListWidget*>();
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualItemRect(list->item(var)).center());
    QCOMPARE(window_->walkthroughState()->step(), var);
    QVERIFY(walkthrough->lensNote()->isVisible());
    QVERIFY2(walkthrough->lensNote()->text().contains(QStringLiteral("overflows")), qPrintable(walkthrough->lensNote()->text()));
    // A step before it: its error and where the error is born.
    window_->walkthroughState()->setStep(stepRow("mean"));
    QVERIFY(walkthrough->lensNote()->text().contains(QStringLiteral("born at ") + ui::quantityTitle("var")));
}

void TestPrecisionLens::compareGainsBfloat16AndFloat16Sides()
{
    window_->showView(QStringLiteral("compare"));
    ui::ComparePanel* compare = window_->comparePanel();
    auto* dtype = compare->findChild<QComboBox*>(QStringLiteral("compareDtypeB"));
    auto* sums = compare->findChild<QComboBox*>(QStringLiteral("compareAccumulateB"));
    QVERIFY(dtype && sums);
    QVERIFY(!sums->isVisible());
    choose(dtype, QStringLiteral("bf16"));
    QVERIFY(sums->isVisible());
    QCOMPARE(compare->configuration(1).emulated.value_or(NumberType::F64), NumberType::BF16);
    QVERIFY(!compare->configuration(1).accumulate);
    const auto shown = [compare](int column) {
        return static_cast<const ui::ValueModel*>(compare->table(column)->model())->values();
    };
    Session layerNorm = document_->session();
    layerNorm.norm.layer = Layer::LayerNorm;  // the first compare preset's B layer
    QCOMPARE(shown(1), Matrix(emulatePrecision(layerNorm, NumberType::BF16, NumberType::BF16).analysis.fused.dx));
    choose(sums, QStringLiteral("f32"));
    QCOMPARE(shown(1), Matrix(emulatePrecision(layerNorm, NumberType::BF16, NumberType::F32).analysis.fused.dx));
    // The preset pair: float64 against float16 summed in float32.
    auto* preset = compare->findChild<QComboBox*>(QStringLiteral("comparePreset"));
    preset->setCurrentIndex(6);
    QCOMPARE(dtype->currentData().toString(), QStringLiteral("f16"));
    QCOMPARE(sums->currentData().toString(), QStringLiteral("f32"));
    QCOMPARE(shown(1), Matrix(emulatePrecision(document_->session(), NumberType::F16, NumberType::F32).analysis.fused.dx));
    QVERIFY2(compare->summary().contains(QStringLiteral("float16 rounding")) || compare->summary().contains(QStringLiteral("real")),
             qPrintable(compare->summary()));
    // The overflow preset: float16 names the step, and shows no table.
    openPreset(QStringLiteral("Large activations: float16 variance overflow"));
    window_->showView(QStringLiteral("compare"));
    QCOMPARE(compare->table(1)->model()->rowCount(), 0);
    bool named = false;
    for (QLabel* label : compare->findChildren<QLabel*>())
        named = named || (label->isVisible() && label->text().contains(QStringLiteral("in float16, var overflows")));
    QVERIFY(named);
}

void TestPrecisionLens::anEditRecomputes()
{
    choose(panel()->typeBox(), QStringLiteral("bf16"));
    const QString before = panel()->summary()->text();
    QLineEdit* eps = window_->parameterPanel()->epsEdit();
    eps->selectAll();
    QTest::keyClicks(eps, QStringLiteral("0.5"));
    QTest::keyClick(eps, Qt::Key_Return);
    QCOMPARE(document_->session().eps, 0.5);
    const PrecisionReport expected = precisionReport(document_->session(), NumberType::BF16, NumberType::BF16);
    QCOMPARE(panel()->summary()->text(), ui::summaryText(expected, ui::lensTitle(NumberType::BF16, std::nullopt)));
    QVERIFY(panel()->summary()->text() != before);
}

void TestPrecisionLens::aLargeBatchIsComputedOnTheWorker()
{
    Session big = exampleSession();
    big.x = Matrix::Random(4096, 32) * 3;
    big.dout = Matrix::Random(4096, 32);
    big.gamma = RowVector::Ones(32);
    big.beta = RowVector::Zero(32);
    QVERIFY(big.x.size() > ui::LensState::kSynchronousEntries);
    document_->reset(big);
    choose(panel()->typeBox(), QStringLiteral("f16"));
    QVERIFY(lens()->isComputing() || lens()->report());
    QTRY_VERIFY_WITH_TIMEOUT(lens()->report() != nullptr, 60000);
    const PrecisionReport expected = precisionReport(big, NumberType::F16, NumberType::F16);
    QCOMPARE(lens()->report()->find("dx")->error, expected.find("dx")->error);
    QCOMPARE(cell(QStringLiteral("dx"), 1), ui::errorText(*expected.find("dx")));
}

void TestPrecisionLens::turningTheLensOffRestoresThePlainView()
{
    openPreset(QStringLiteral("Large activations: float16 variance overflow"));
    QVERIFY(panel()->overflow()->isVisible());
    choose(panel()->typeBox(), QString());
    QVERIFY(!lens()->isOn());
    QVERIFY(!panel()->table()->isVisible());
    QVERIFY(!panel()->overflow()->isVisible());
    QVERIFY(!panel()->summary()->isVisible());
    QVERIFY(!panel()->findChild<QLabel*>(QStringLiteral("lensNote"))->isVisible());
    ui::WalkthroughPanel* walkthrough = window_->walkthrough();
    for (int row = 0; row < int(window_->walkthroughState()->steps().size()); ++row)
        QVERIFY(!walkthrough->isMarkedBirth(row));
    window_->showView(QStringLiteral("walkthrough"));
    QVERIFY(!walkthrough->lensNote()->isVisible());
    // The View menu turns it on again, and the walkthrough follows.
    QMenu* view = nullptr;
    for (QAction* a : window_->menuBar()->actions())
        if (a->text() == QStringLiteral("&View"))
            view = a->menu();
    QVERIFY(view);
    for (QAction* a : view->actions())
        if (a->menu() && a->text() == QStringLiteral("&Precision lens"))
            for (QAction* t : a->menu()->actions())
                if (t->text() == QStringLiteral("bfloat16"))
                    t->trigger();
    QCOMPARE(lens()->type().value_or(NumberType::F64), NumberType::BF16);
    QCOMPARE(panel()->typeBox()->currentData().toString(), QStringLiteral("bf16"));
    QVERIFY(walkthrough->lensNote()->isVisible());
}

QTEST_MAIN(TestPrecisionLens)
#include "test_precision_lens.moc"
