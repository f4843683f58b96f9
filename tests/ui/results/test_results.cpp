// The results panel: tables that show every number before anything scrolls, colours that say
// how large a value is for its quantity (rounding noise pale), and a key to those colours.
#include "window_fixture.h"

#include <results/results_panel.h>
#include <tables/colour_key.h>
#include <tables/matrix_view.h>
#include <tables/result_models.h>

#include <QScrollBar>
#include <QtTest>

using namespace bnflow;
using bnflow::ui::MatrixView;

class TestResults : public QObject, public test::WindowFixture {
    Q_OBJECT
private slots:
    void init() { openWindow(QStringLiteral("results")); }
    void cleanup() { closeWindow(); }
    void everyNumberShowsWithoutScrolling_data();
    void everyNumberShowsWithoutScrolling();
    void perFeatureValuesAreNamedNotNumbered();
    void roundingNoiseStaysPale();
    void theColoursHaveAKey();

private:
    QList<MatrixView*> tables() const
    {
        QList<MatrixView*> out;
        for (const char* name : {"forward", "gradients", "checks", "xhat", "y", "dx", "fused_dx", "dx_diff"})
            out << window_->resultsPanel()->view(QString::fromLatin1(name));
        return out;
    }
};

void TestResults::everyNumberShowsWithoutScrolling_data()
{
    QTest::addColumn<QSize>("window");
    QTest::addColumn<int>("features");
    QTest::addColumn<int>("columns");
    QTest::newRow("1920x1080, D=3") << QSize(1900, 1000) << 3 << 3;
    QTest::newRow("laptop, D=3") << QSize(1350, 720) << 3 << 2;
    QTest::newRow("laptop, D=5") << QSize(1350, 720) << 5 << 1;
    QTest::newRow("1920x1080, D=5") << QSize(1900, 1000) << 5 << 2;
}

void TestResults::everyNumberShowsWithoutScrolling()
{
    QFETCH(QSize, window);
    QFETCH(int, features);
    QFETCH(int, columns);
    if (features > 3)
        QVERIFY(document_->insertFeatures(3, features - 3));
    window_->resize(window);
    QTRY_COMPARE(window_->size(), window);
    QTRY_COMPARE(window_->resultsPanel()->columns(), columns);
    for (MatrixView* table : tables()) {
        QVERIFY2(table->horizontalScrollBar()->maximum() == 0, qPrintable(table->objectName()));
        QVERIFY2(table->verticalScrollBar()->maximum() == 0, qPrintable(table->objectName()));
        QCOMPARE(table->model()->columnCount(), features);
    }
}

// A per-feature quantity in a matrix view (the walkthrough's values at the var step) is one row:
// the quantity, not sample i=0.
void TestResults::perFeatureValuesAreNamedNotNumbered()
{
    ui::MatrixModel var(document_, display_, "var");
    QCOMPARE(var.headerData(0, Qt::Vertical, Qt::DisplayRole).toString(), QStringLiteral("var (σ²)"));
    ui::MatrixModel xhat(document_, display_, "xhat");
    QCOMPARE(xhat.headerData(2, Qt::Vertical, Qt::DisplayRole).toString(), QStringLiteral("i=2"));
}

// With dout = 1, dgamma = Σ xhat is about 1e-16 (rounding) and dbeta = N: before, each row was
// scaled to its own largest value, so the noise was as saturated as dbeta.
void TestResults::roundingNoiseStaysPale()
{
    QVERIFY(document_->setDoutAllOnes());
    MatrixView* gradients = window_->resultsPanel()->view(QStringLiteral("gradients"));
    const QColor base = gradients->palette().color(QPalette::Base);
    const auto distance = [&](int row, int column) {
        const QColor c = gradients->model()->index(row, column).data(Qt::BackgroundRole).value<QColor>();
        return std::abs(c.red() - base.red()) + std::abs(c.green() - base.green()) + std::abs(c.blue() - base.blue());
    };
    for (int j = 0; j < 3; ++j) {
        QVERIFY2(distance(0, j) <= 3, qPrintable(QStringLiteral("dgamma j=%1 is coloured").arg(j)));  // dgamma
        QVERIFY2(distance(1, j) > 100, qPrintable(QStringLiteral("dbeta j=%1 is pale").arg(j)));      // dbeta
    }
    MatrixView* dx = window_->resultsPanel()->view(QStringLiteral("dx"));
    const QColor noise = dx->model()->index(0, 0).data(Qt::BackgroundRole).value<QColor>();
    QVERIFY(std::abs(noise.red() - base.red()) + std::abs(noise.blue() - base.blue()) <= 3);
}

void TestResults::theColoursHaveAKey()
{
    auto* key = window_->resultsPanel()->findChild<ui::ColourKey*>();
    QVERIFY(key);
    QVERIFY(key->isVisible());
    QVERIFY(key->toolTip().contains(QStringLiteral("rounding")));
    QVERIFY(key->width() >= key->sizeHint().width());
}

QTEST_MAIN(TestResults)
#include "test_results.moc"
