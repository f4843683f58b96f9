// The first window: it shows the document's numbers, survives bad files, and renders headless.
#include <main_window.h>
#include <result_models.h>
#include <session_document.h>
#include <session_json.h>

#include <QAbstractItemModelTester>
#include <QGroupBox>
#include <QImage>
#include <QLabel>
#include <QProcess>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace bnflow;
using namespace bnflow::ui;

namespace {

QTableView* tableTitled(QWidget& window, const QString& title)
{
    for (QGroupBox* box : window.findChildren<QGroupBox*>())
        if (box->title() == title)
            return box->findChild<QTableView*>();
    return nullptr;
}

QString writeFile(const QTemporaryDir& dir, const QString& name, const std::string& text)
{
    const QString path = dir.filePath(name);
    std::ofstream(path.toStdString(), std::ios::binary) << text;
    return path;
}

}  // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void modelsAreWellBehaved();
    void showsTheExample();
    void openingABadFileChangesNothing();
    void openingAGoodFileShowsIt();
    void uncomputableSessionIsExplained();
    void screenshotFromTheCommandLine();
    void screenshotOfABadSessionFails();
};

void TestMainWindow::modelsAreWellBehaved()
{
    SessionDocument document;
    MatrixModel model(&document, [](const SessionDocument& d) { return &d.session().x; });
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(model.columnCount(), 3);
    Session bigger = exampleSession();
    bigger.x = Matrix::Random(6, 3);
    bigger.dout = Matrix::Random(6, 3);
    document.setSession(bigger);
    QCOMPARE(model.rowCount(), 6);
}

void TestMainWindow::showsTheExample()
{
    SessionDocument document;
    MainWindow window(&document);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const Analysis& a = *document.analysis();
    QTableView* y = tableTitled(window, "Output y");
    QTableView* dx = tableTitled(window, "dx, fused closed form");
    QVERIFY(y && dx);
    QCOMPARE(y->model()->rowCount(), 4);
    QCOMPARE(y->model()->index(2, 1).data().toString(), shortNumber(a.forward.y(2, 1)));
    QCOMPARE(dx->model()->index(3, 2).data(Qt::ToolTipRole).toString(),
             fullNumber(a.fused.grads.dx(3, 2)));
    QVERIFY(window.windowTitle().contains("Example"));
}

void TestMainWindow::openingABadFileChangesNothing()
{
    SessionDocument document;
    MainWindow window(&document);
    const Matrix before = document.session().x;
    QTemporaryDir dir;
    const QString path = writeFile(dir, "broken.bnflow.json", R"({"format": "bnflow-session",
        "version": 1, "x": [[1, 2], [3]], "gamma": [1, 1], "beta": [0, 0], "eps": 1e-5})");
    QSignalSpy changed(&document, &SessionDocument::resultsChanged);
    QString error;
    QVERIFY(!document.open(path, &error));
    QVERIFY2(error.contains("broken.bnflow.json") && error.contains("x[1]"), qPrintable(error));
    QCOMPARE(changed.count(), 0);
    QCOMPARE(document.session().x, before);
    QVERIFY(document.filePath().isEmpty());
}

void TestMainWindow::openingAGoodFileShowsIt()
{
    SessionDocument document;
    MainWindow window(&document);
    QTemporaryDir dir;
    Session s = exampleSession();
    s.x = Matrix::Random(5, 2);
    s.gamma = RowVector::Ones(2);
    s.beta = RowVector::Zero(2);
    s.dout = Matrix::Random(5, 2);
    s.doutSeed.reset();
    const QString path = writeFile(dir, "mine.bnflow.json", writeSession(s));
    QSignalSpy changed(&document, &SessionDocument::resultsChanged);
    QString error;
    QVERIFY2(document.open(path, &error), qPrintable(error));
    QCOMPARE(changed.count(), 1);
    QVERIFY(window.windowTitle().startsWith("mine.bnflow.json"));
    QCOMPARE(tableTitled(window, "Batch x (N x D)")->model()->rowCount(), 5);
    QCOMPARE(tableTitled(window, "dx, staged chain rule")->model()->columnCount(), 2);
}

void TestMainWindow::uncomputableSessionIsExplained()
{
    SessionDocument document;
    MainWindow window(&document);
    window.show();
    Session s = exampleSession();
    s.eps = 0;
    s.x.col(1).setConstant(2.0);
    document.setSession(s);
    QVERIFY(!document.analysis());
    QLabel* problem = nullptr;
    for (QLabel* label : window.findChildren<QLabel*>())
        if (label->text().contains("eps = 0"))
            problem = label;
    QVERIFY(problem && problem->isVisible());
    QCOMPARE(tableTitled(window, "Output y")->model()->rowCount(), 0);
    QCOMPARE(tableTitled(window, "Batch x (N x D)")->model()->rowCount(), 4);  // input stays
}

void TestMainWindow::screenshotFromTheCommandLine()
{
    QTemporaryDir dir;
    const QString png = dir.filePath("shot.png");
    QProcess bnflow;
    bnflow.start(QStringLiteral(BNFLOW_GUI),
                 {QStringLiteral(BNFLOW_EXAMPLES "/contract.bnflow.json"), "--screenshot", png});
    QVERIFY(bnflow.waitForFinished(60000));
    QCOMPARE(bnflow.exitCode(), 0);
    QImage image(png);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 800 && image.height() >= 500);
    // Not a blank frame: a rendered window has many distinct colours (text, grid, headers).
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 7)
        for (int x = 0; x < image.width(); x += 7)
            colours.insert(image.pixel(x, y));
    QVERIFY2(colours.size() > 20, qPrintable(QString::number(colours.size())));
}

void TestMainWindow::screenshotOfABadSessionFails()
{
    QTemporaryDir dir;
    const QString bad = writeFile(dir, "bad.bnflow.json", "{\"format\": 3}");
    QProcess bnflow;
    bnflow.start(QStringLiteral(BNFLOW_GUI), {bad, "--screenshot", dir.filePath("shot.png")});
    QVERIFY(bnflow.waitForFinished(60000));
    QCOMPARE(bnflow.exitCode(), 2);
    QVERIFY(bnflow.readAllStandardError().contains("bad.bnflow.json: format"));
    QVERIFY(!QFile::exists(dir.filePath("shot.png")));
}

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
