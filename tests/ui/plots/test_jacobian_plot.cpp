// The jacobian plot (plots/jacobian_plot.h): its numbers are core's layerJacobian, the
// eigenvalue it names "1" is 0 and the one named "xhat" falls with eps, a set too large says
// why, and in the window it follows edits made through the real widgets.
#include "random_session.h"

#include <document/display_settings.h>
#include <document/session_document.h>
#include <editors/parameter_panel.h>
#include <plots/heatmap_renderer.h>
#include <plots/jacobian_plot.h>
#include <plots/plot_builders.h>
#include <plots/plot_view.h>
#include <plots/plots_panel.h>
#include <window/main_window.h>

#include <core/io/session_json.h>
#include <core/math/family.h>
#include <core/math/jacobian.h>

#include <qcustomplot.h>

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QtTest>

#include <algorithm>
#include <map>

using namespace bnflow;
using namespace bnflow::ui;
using namespace bnflow::test;

namespace {

Session loadExample(const char* name)
{
    SessionLoad load = loadSessionFile(std::string(BNFLOW_FAMILY_EXAMPLES "/") + name);
    if (!load.ok())
        throw std::runtime_error(formatProblem(load.problems.front()));
    return *load.session;
}

Matrix stagedDx(const Session& session)
{
    FamilyResult family = analyzeFamily(session);
    if (!family.ok())
        throw std::runtime_error("the session cannot be computed");
    return family.analysis->staged.dx;
}

// The signed eigenvalues of panel 1, by index (the named series repeat theirs).
std::map<int, double> eigenvalues(const PlotSpec& spec)
{
    std::map<int, double> values;
    for (const Series& s : spec.panels.at(1).series)
        if (!s.name.startsWith(QLatin1String("along ")))
            for (std::size_t k = 0; k < s.x.size(); ++k)
                values[int(s.x[k])] = s.exactY.at(k);
    return values;
}

// The eigenvalue of the series named "along <direction>: ...", or NaN when there is none.
double along(const PlotSpec& spec, const QString& direction)
{
    for (const Series& s : spec.panels.at(1).series)
        if (s.name.startsWith(QStringLiteral("along %1:").arg(direction)))
            return s.exactY.at(0);
    return std::nan("");
}

QString panelMessage(const PlotsPanel& panel)
{
    QString text;
    for (const QLabel* label : panel.findChildren<QLabel*>())
        if (label->isVisibleTo(&panel) && label->wordWrap())
            text += label->text();
    return text;
}

}  // namespace

class TestJacobianPlot : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void numbersAreCores_data();
    void numbersAreCores();
    void alongOneIsZeroForBatchNorm();
    void lowerEpsLowersTheXhatEigenvalue();
    void hoverNamesTheCell();
    void tooLargeASetSaysWhy();
    void windowFollowsEditsThroughItsWidgets();
};

void TestJacobianPlot::numbersAreCores_data()
{
    QTest::addColumn<QString>("example");
    QTest::addColumn<int>("feature");
    QTest::addColumn<int>("sample");
    QTest::newRow("batch norm") << QString() << 2 << 0;
    for (const char* name : {"layernorm", "rmsnorm", "groupnorm", "batchnorm_eval", "spatial_batchnorm",
                             "spatial_groupnorm"})
        QTest::newRow(name) << QString::fromUtf8(name) << 1 << 1;
}

void TestJacobianPlot::numbersAreCores()
{
    QFETCH(QString, example);
    QFETCH(int, feature);
    QFETCH(int, sample);
    const Session session = example.isEmpty() ? randomSession(6, 4, 3)
                                              : loadExample(qPrintable(example + QStringLiteral(".bnflow.json")));
    const JacobianResult core = layerJacobian(session, feature, sample);
    QVERIFY(core.ok());
    const LayerJacobian& jac = *core.jacobian;
    const Matrix dx = stagedDx(session);
    const PlotSpec spec = jacobianPlot(session, dx, feature, sample);
    QCOMPARE(spec.name, QStringLiteral("jacobian"));
    QCOMPARE(spec.panels.size(), std::size_t(2));
    const Heatmap& map = spec.panels[0].heatmap;
    QCOMPARE(map.rows, int(jac.set.size()));
    QCOMPARE(map.cols, int(jac.set.size()));
    for (int a = 0; a < map.rows; ++a)
        for (int b = 0; b < map.cols; ++b)
            QCOMPARE(map.at(a, b), jac.matrix(a, b));  // the same doubles, not close ones
    const std::map<int, double> values = eigenvalues(spec);
    QCOMPARE(Eigen::Index(values.size()), jac.eigenvalues.size());
    for (const auto& [k, value] : values)
        QCOMPARE(value, jac.eigenvalues[k]);
    QVERIFY(spec.title.contains(QString::fromStdString(jac.set.name)));
    QVERIFY(spec.title.contains(QStringLiteral("M = %1").arg(jac.set.size())));
    const double identity = jacobianIdentityError(jac, session.dout, dx);
    QVERIFY(spec.caption.contains(QStringLiteral("max |difference| = %1 (staged dx)").arg(QString::number(identity, 'g', 3))));
    QVERIFY(identity <= 1e-12 * std::max(1.0, dx.cwiseAbs().maxCoeff()));
    // The CSV holds the same numbers: one row per cell, then the eigenvalues.
    const QList<QByteArray> lines = plotCsv(spec).split('\n');
    QVERIFY(lines.size() > map.rows * map.cols);
    QCOMPARE(lines[1].left(lines[1].indexOf(",,,")),
             QStringLiteral("0,row 0,0,%1").arg(DisplaySettings::fullPrecision(jac.matrix(0, 0))).toUtf8());
}

void TestJacobianPlot::alongOneIsZeroForBatchNorm()
{
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
        Session session = randomSession(8, 3, seed);
        session.gamma << 1.5, -0.7, 2.0;
        for (Eigen::Index j = 0; j < 3; ++j) {
            const PlotSpec spec = jacobianPlot(session, stagedDx(session), j, 0);
            const std::map<int, double> values = eigenvalues(spec);
            double largest = 0;
            for (const auto& [k, value] : values)
                largest = std::max(largest, std::abs(value));
            QVERIFY2(std::abs(along(spec, QStringLiteral("1"))) <= 1e-12 * largest,
                     qPrintable(spec.caption));
            // xhat's is gamma s eps / (var + eps): small, of gamma's sign, not 0.
            const double xhat = along(spec, QStringLiteral("xhat"));
            QVERIFY(std::abs(xhat) > 1e-12 * largest && std::abs(xhat) < 1e-3 * largest);
            QCOMPARE(xhat > 0, session.gamma[j] > 0);
        }
    }
}

void TestJacobianPlot::lowerEpsLowersTheXhatEigenvalue()
{
    SessionDocument document;
    document.reset(randomSession(5, 2, 11));
    QVERIFY(document.setEps(1e-2));
    const double at2 = along(jacobianPlot(document.session(), document.analysis()->staged.dx, 0, 0),
                             QStringLiteral("xhat"));
    QVERIFY(document.setEps(1e-6));
    const double at6 = along(jacobianPlot(document.session(), document.analysis()->staged.dx, 0, 0),
                             QStringLiteral("xhat"));
    QVERIFY(document.setEps(0));
    const PlotSpec atZero = jacobianPlot(document.session(), document.analysis()->staged.dx, 0, 0);
    QVERIFY2(at2 > 0 && at6 > 0 && at6 < at2 / 1000, qPrintable(QStringLiteral("%1 %2").arg(at2).arg(at6)));
    QVERIFY(std::abs(along(atZero, QStringLiteral("xhat"))) < 1e-12);
    QVERIFY(atZero.caption.contains(QStringLiteral("null space dimension 2")));
}

void TestJacobianPlot::hoverNamesTheCell()
{
    const Session session = loadExample("layernorm.bnflow.json");
    PlotView view;
    view.resize(1000, 600);
    view.setSpec(jacobianPlot(session, stagedDx(session), 0, 1), {});
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.plot()->replot();  // laid out at the shown size
    QCPAxisRect* rect = nullptr;  // the heatmap's: QCustomPlot lists nested rects in no set order
    for (QCPAxisRect* r : view.plot()->axisRects())
        for (QCPAbstractPlottable* p : r->plottables())
            if (qobject_cast<QCPColorMap*>(p))
                rect = r;
    QVERIFY(rect);
    const QPoint cell(int(rect->axis(QCPAxis::atBottom)->coordToPixel(2)),
                      int(rect->axis(QCPAxis::atLeft)->coordToPixel(1)));
    const LayerJacobian jac = *layerJacobian(session, 0, 1).jacobian;
    QCOMPARE(view.labelAt(cell), QStringLiteral("d y[1,1] / d x[1,2] = %1\nrow 1, column 2")
                                     .arg(DisplaySettings::fullPrecision(jac.matrix(1, 2))));
    QCOMPARE(heatmapCellLabel(view.spec().panels[0].heatmap, 1, 2), view.labelAt(cell));
}

void TestJacobianPlot::tooLargeASetSaysWhy()
{
    SessionDocument document;
    DisplaySettings display;
    document.reset(randomSession(4097, 1, 5));  // batch norm: feature 0's column, M = 4097
    PlotsPanel panel(&document, &display);
    QVERIFY(panel.selectPlot(QStringLiteral("jacobian")));
    QTRY_VERIFY(!panel.computing());
    QVERIFY(panel.view()->spec().panels.empty());
    const QString message = panelMessage(panel);
    QVERIFY2(message.contains(QStringLiteral("M = 4097")) && message.contains(QStringLiteral("at most 4096")),
             qPrintable(message));
}

void TestJacobianPlot::windowFollowsEditsThroughItsWidgets()
{
    SessionDocument document;
    DisplaySettings display;
    document.reset(loadExample("groupnorm.bnflow.json"));
    MainWindow window(&document, &display);
    window.resize(1366, 768);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    PlotsPanel* panel = window.plotsPanel();
    window.tabs()->setCurrentWidget(panel);
    auto* selector = panel->findChild<QComboBox*>(QStringLiteral("plotSelector"));
    QVERIFY(selector);
    selector->setCurrentIndex(selector->findData(QStringLiteral("jacobian")));
    QTRY_VERIFY(!panel->computing());
    QCOMPARE(panel->view()->spec().name, QStringLiteral("jacobian"));
    // Group norm: both selectors, the sample's row and the group of the feature.
    auto* feature = panel->findChild<QSpinBox*>(QStringLiteral("termsFeature"));
    auto* sample = panel->findChild<QSpinBox*>(QStringLiteral("termsSample"));
    QVERIFY(feature->isVisible() && sample->isVisible());
    QTest::keyClick(sample, Qt::Key_Up);
    QTRY_VERIFY(panel->view()->spec().title.contains(QStringLiteral("sample 1, group 0")));
    const double before = along(panel->view()->spec(), QStringLiteral("xhat"));

    // eps through its line edit: the xhat eigenvalue follows (gamma s eps / (var + eps)).
    QLineEdit* eps = window.parameterPanel()->epsEdit();
    eps->selectAll();
    QTest::keyClicks(eps, QStringLiteral("1e-9"));
    QTest::keyClick(eps, Qt::Key_Return);
    QCOMPARE(document.session().eps, 1e-9);
    QTRY_VERIFY(!panel->computing());
    const PlotSpec& after = panel->view()->spec();
    QVERIFY(after.title.contains(QStringLiteral("sample 1, group 0")));
    const double now = along(after, QStringLiteral("xhat"));
    QVERIFY2(std::abs(now) < std::abs(before) / 1000, qPrintable(QStringLiteral("%1 -> %2").arg(before).arg(now)));
    const LayerJacobian jac = *layerJacobian(document.session(), feature->value(), 1).jacobian;
    QCOMPARE(after.panels[0].heatmap.at(0, 1), jac.matrix(0, 1));
}

QTEST_MAIN(TestJacobianPlot)
#include "test_jacobian_plot.moc"
