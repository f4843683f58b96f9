// The window as a whole: examples, files, unsaved changes, drag and drop, CSV, screenshots.
#include <document/display_settings.h>
#include <document/examples.h>
#include <document/session_document.h>
#include <plots/plot_renderer.h>
#include <results/results_panel.h>
#include <tables/matrix_view.h>
#include <window/derivation_dialog.h>
#include <window/file_actions.h>
#include <window/main_window.h>
#include <window/preferences_dialog.h>

#include <core/teach/family_catalogue.h>
#include <core/teach/notices.h>
#include <core/io/session_json.h>

#include "window_fixture.h"

#include <QComboBox>
#include <QImage>
#include <QMenu>
#include <QMimeData>
#include <QProcess>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QUndoStack>
#include <QUrl>
#include <core/io/session_npz.h>

#include <QtTest>

#include <sys/stat.h>

#include <fstream>

using namespace bnflow;
using namespace bnflow::ui;

namespace {

QString writeFile(const QTemporaryDir& dir, const QString& name, const std::string& text)
{
    const QString path = dir.filePath(name);
    std::ofstream(path.toStdString(), std::ios::binary) << text;
    return path;
}

}  // namespace

class TestMainWindow : public QObject, private bnflow::test::WindowFixture {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void init();
    void cleanup();
    void showsTheExample();
    void everyExampleLoads();
    void everyFamilyExampleOpensThroughTheMenu();
    void badFileShowsAMessageAndChangesNothing();
    void unsavedChangesAreAskedAbout_data();
    void unsavedChangesAreAskedAbout();
    void saveAsThenRecentFiles();
    void dragAndDrop();
    void importAndExportCsv();
    void preferencesPersistAndApply();
    void screenshotFromTheCommandLine();
    void screenshotOfABadSessionFails();
    void screenshotWaitsForACheckPlot();
    void helpShowsTheDerivation();

private:
    QStringList errors_;
};

void TestMainWindow::init()
{
    QSettings().clear();
    errors_.clear();
    if (openWindow())
        window_->files()->showError = [this](const QString&, const QString& message) { errors_ << message; };
}

void TestMainWindow::cleanup()
{
    closeWindow();
}

void TestMainWindow::showsTheExample()
{
    const FamilyAnalysis& a = *document_->analysis();
    MatrixView* y = window_->resultsPanel()->view("y");
    QCOMPARE(y->model()->rowCount(), 4);
    QCOMPARE(y->model()->index(2, 1).data().toString(), display_->format(a.forward.y(2, 1)));
    QVERIFY(y->model()->index(2, 1).data(Qt::BackgroundRole).value<QColor>().isValid());
    QVERIFY(window_->windowTitle().startsWith("Untitled"));
}

void TestMainWindow::everyExampleLoads()
{
    QCOMPARE(int(examples().size()), 20);
    QMenu* menu = window_->files()->examplesMenu();
    // Seven batch-norm examples, then the family's submenu, the precision lens's presets and the
    // Depth tab's networks (each after a separator).
    QCOMPARE(menu->actions().size(), 13);
    QVERIFY(menu->actions().at(7)->isSeparator());
    QCOMPARE(menu->actions().at(8)->menu() ? menu->actions().at(8)->text() : QString(), QString("Normalization family"));
    QCOMPARE(menu->actions().at(10)->menu() ? menu->actions().at(10)->text() : QString(), QString("Precision lens"));
    QVERIFY(menu->actions().at(11)->isSeparator());
    QVERIFY(menu->actions().at(12)->menu() && menu->actions().at(12)->text().contains("Networks"));
    for (QAction* action : menu->actions().mid(0, 7)) {
        action->trigger();
        QVERIFY2(!document_->session().notes.empty(), qPrintable(action->text()));
        QCOMPARE(document_->undoStack()->count(), 0);
    }
    // The examples demonstrate what they say.
    window_->files()->openExample(3);  // N = 1
    QCOMPARE(document_->session().samples(), Eigen::Index(1));
    QVERIFY(document_->analysis()->staged.dx.isZero());
    window_->files()->openExample(4);  // dout = 1
    QVERIFY(document_->session().dout.isOnes());
    QVERIFY(document_->analysis()->staged.dx.cwiseAbs().maxCoeff() < 1e-14);
    window_->files()->openExample(2);  // constant column
    QCOMPARE(document_->analysis()->forward.var(0, 1), 0.0);
    window_->files()->openExample(6);  // float32 cancellation: the note compares the variances
    const std::vector<std::string> notes = notices(document_->session(), *document_->analysis());
    QVERIFY(!notes.empty() && notes.front().find("in float32, the one-pass") != std::string::npos);
}

// File > Examples > Normalization family: every session opens through its menu action, annotated,
// and the window computes its layer (the document's value() is core's for that layer).
void TestMainWindow::everyFamilyExampleOpensThroughTheMenu()
{
    QMenu* family = window_->files()->examplesMenu()->actions().at(8)->menu();
    QVERIFY(family);
    std::size_t k = 7;  // the family's examples follow batch norm's seven
    QStringList sections;
    for (QAction* action : family->actions()) {
        if (action->isSeparator()) {  // a section heading
            sections << action->text();
            continue;
        }
        const Example& example = examples().at(k++);
        QCOMPARE(action->text(), example.title);
        QVERIFY(!action->statusTip().isEmpty() && action->statusTip() == action->toolTip());
        action->trigger();
        QCOMPARE(document_->norm(), example.session.norm);
        QCOMPARE(document_->undoStack()->count(), 0);
        QVERIFY2(document_->isComputed(), qPrintable(example.title));
        const FamilyResult expected = analyzeFamily(example.session);
        QVERIFY(expected.ok());
        QVERIFY(document_->analysis());
        const Matrix dx = *document_->value("dx");
        QVERIFY2((dx - Matrix(familyValueOf("dx", example.session, *expected.analysis))).cwiseAbs().maxCoeff() < 1e-12,
                 qPrintable(example.title));
    }
    QCOMPARE(k, std::size_t(16));  // the precision lens's presets follow (tests/ui/precision)
    QCOMPARE(sections, (QStringList{"Per sample", "Batch norm"}));
}

void TestMainWindow::badFileShowsAMessageAndChangesNothing()
{
    QTemporaryDir dir;
    const QString path = writeFile(dir, "broken.bnflow.json", "{\"format\": \"bnflow-session\", \"version\": 1, \"x\": [[1, 2], [3]]}");
    document_->setBeta(0, 0.75);
    const std::string before = writeSession(document_->session());
    window_->files()->askToSave = [](const QString&) { return QMessageBox::Discard; };
    QVERIFY(!window_->files()->openPath(path));
    QCOMPARE(errors_.size(), 1);
    QVERIFY2(errors_.front().contains("broken.bnflow.json: x[1]"), qPrintable(errors_.front()));
    QCOMPARE(writeSession(document_->session()), before);
    QVERIFY(document_->isModified());
}

void TestMainWindow::unsavedChangesAreAskedAbout_data()
{
    QTest::addColumn<int>("answer");
    QTest::addColumn<bool>("replaced");
    QTest::newRow("cancel keeps the edit") << int(QMessageBox::Cancel) << false;
    QTest::newRow("discard drops it") << int(QMessageBox::Discard) << true;
    QTest::newRow("save writes it first") << int(QMessageBox::Save) << true;
}

void TestMainWindow::unsavedChangesAreAskedAbout()
{
    QFETCH(int, answer);
    QFETCH(bool, replaced);
    QTemporaryDir dir;
    const QString saved = dir.filePath("edited.bnflow.json");
    int asked = 0;
    window_->files()->askToSave = [&](const QString& question) {
        ++asked;
        Q_ASSERT(question.contains("unsaved"));
        return QMessageBox::StandardButton(answer);
    };
    window_->files()->chooseFile = [&](const QString&, const QString&, bool, const QString&) { return saved; };
    document_->setGamma(2, 4.5);
    window_->files()->openExample(1);
    QCOMPARE(asked, 1);
    QCOMPARE(document_->session().title != exampleSession().title, replaced);
    if (answer == QMessageBox::Save)
        QCOMPARE(loadSessionFile(saved.toStdString()).session->gamma[2], 4.5);
    if (!replaced)
        QCOMPARE(document_->session().gamma[2], 4.5);
    // Closing asks too; Cancel keeps the window open.
    if (!replaced) {
        window_->files()->askToSave = [](const QString&) { return QMessageBox::Cancel; };
        QVERIFY(!window_->close());
        QVERIFY(window_->isVisible());
    }
}

void TestMainWindow::saveAsThenRecentFiles()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("lecture.bnflow.json");
    window_->files()->chooseFile = [&](const QString&, const QString&, bool, const QString&) { return path; };
    document_->setEps(1e-3);
    QVERIFY(window_->isWindowModified());
    window_->files()->saveAsAction()->trigger();
    QVERIFY(!window_->isWindowModified());
    QVERIFY(window_->windowTitle().startsWith("lecture.bnflow.json"));
    QCOMPARE(window_->files()->recentFiles(), QStringList{QFileInfo(path).absoluteFilePath()});
    document_->reset(exampleSession());
    QAction* recent = window_->files()->recentMenu()->actions().front();
    QVERIFY(recent->text().contains("lecture.bnflow.json"));
    recent->trigger();
    QCOMPARE(document_->session().eps, 1e-3);
    QCOMPARE(document_->filePath(), path);
}

void TestMainWindow::dragAndDrop()
{
    QTemporaryDir dir;
    Session s = exampleSession();
    s.title = "dropped";
    const QString session = writeFile(dir, "dropped.bnflow.json", writeSession(s));
    const QString csv = writeFile(dir, "batch.csv", "a,b\n1,2\n3,4\n5,7\n");
    const auto drop = [this](const QString& path) {
        QMimeData data;
        data.setUrls({QUrl::fromLocalFile(path)});
        QDragEnterEvent enter(QPoint(50, 50), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(window_, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent event(QPointF(50, 50), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(window_, &event);
    };
    drop(session);
    QCOMPARE(document_->session().title, std::string("dropped"));
    drop(csv);
    QCOMPARE(document_->session().samples(), Eigen::Index(3));
    QCOMPARE(document_->session().features(), Eigen::Index(2));
    QCOMPARE(document_->session().x(2, 1), 7.0);
    QCOMPARE(document_->undoStack()->count(), 1);  // an import is one undoable edit
}

void TestMainWindow::importAndExportCsv()
{
    QTemporaryDir dir;
    QVERIFY(!window_->files()->importCsv(writeFile(dir, "bad.csv", "1,2\n3,x\n")));
    QVERIFY2(errors_.last().contains("bad.csv: line 2, column 2"), qPrintable(errors_.last()));
    QCOMPARE(document_->undoStack()->count(), 0);
    QVERIFY(!window_->files()->importCsv(dir.filePath("missing.csv")));
    QVERIFY(errors_.last().contains("missing.csv"));
    std::string million;
    for (int i = 0; i < 1000000; ++i)
        million += "1.5,2.5,3.5\n";
    QVERIFY(!window_->files()->importCsv(writeFile(dir, "million.csv", million)));
    QVERIFY2(errors_.last().contains("million.csv") && errors_.last().contains("256"), qPrintable(errors_.last()));
    QCOMPARE(document_->session().samples(), Eigen::Index(4));  // untouched
    // A FIFO with no writer: refused at once (QFile::open blocked the window forever).
    const QString fifo = dir.filePath("fifo.csv");
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    QVERIFY(!window_->files()->importCsv(fifo));
    QVERIFY2(errors_.last().contains("fifo.csv: is a FIFO (named pipe)"), qPrintable(errors_.last()));
    QCOMPARE(document_->undoStack()->count(), 0);

    const QString out = dir.filePath("results.csv");
    QVERIFY(window_->files()->exportResultsCsv(out));
    QFile file(out);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(file.readAll()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.front(), QString("quantity,sample,feature,value"));
    const FamilyAnalysis& a = *document_->analysis();
    const QString expected = QString("fused_dx,1,2,%1").arg(DisplaySettings::fullPrecision(a.fused.dx(1, 2)));
    QVERIFY2(lines.contains(expected), qPrintable(expected));
    QVERIFY(lines.contains(QString("dgamma,,0,%1").arg(DisplaySettings::fullPrecision(a.staged.dgamma[0]))));

    // The session for NumPy: an archive that reads back as the document's session, seeded dout
    // as its numbers; a folder that does not exist is an error message, not a file.
    const QString npz = dir.filePath("session.npz");
    QVERIFY(window_->files()->exportSessionNpz(npz));
    QFile archive(npz);
    QVERIFY(archive.open(QIODevice::ReadOnly));
    const SessionLoad back = parseSessionNpz(archive.readAll().toStdString());
    QVERIFY(back.ok());
    QVERIFY(back.session->x == document_->session().x && back.session->dout == document_->session().dout);
    QVERIFY(!window_->files()->exportSessionNpz(dir.filePath("no/such/folder/s.npz")));
    QVERIFY2(errors_.last().contains("s.npz"), qPrintable(errors_.last()));
}

void TestMainWindow::preferencesPersistAndApply()
{
    MatrixView* y = window_->resultsPanel()->view("y");
    const double value = document_->analysis()->forward.y(1, 0);
    QSignalSpy changed(y->model(), &QAbstractItemModel::dataChanged);
    PreferencesDialog dialog(display_, window_);
    dialog.findChild<QSpinBox*>()->setValue(9);                     // digits
    dialog.findChild<QComboBox*>()->setCurrentIndex(1);             // dark
    dialog.findChildren<QSpinBox*>().last()->setValue(14);          // font size
    dialog.apply();
    QVERIFY(changed.count() >= 1);
    QCOMPARE(y->model()->index(1, 0).data().toString(), QString::number(value, 'g', 9));
    QCOMPARE(QApplication::palette().color(QPalette::Base).lightnessF() < 0.5, true);

    DisplaySettings reloaded;  // what the next start will see
    reloaded.load();
    QCOMPARE(reloaded.significantDigits(), 9);
    QCOMPARE(reloaded.theme(), Theme::Dark);
    QCOMPARE(reloaded.fontPointSize(), 14);
    display_->setTheme(Theme::Light);
    display_->setFontPointSize(10);
}

void TestMainWindow::screenshotFromTheCommandLine()
{
    QTemporaryDir dir;
    const QString png = dir.filePath("shot.png");
    QProcess bnflow;
    bnflow.start(QStringLiteral(BNFLOW_GUI),
                 {QStringLiteral(BNFLOW_EXAMPLES "/cs231n_offset.bnflow.json"), "--screenshot", png});
    QVERIFY(bnflow.waitForFinished(60000));
    QCOMPARE(bnflow.exitCode(), 0);
    QImage image(png);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 1000 && image.height() >= 600);
    QSet<QRgb> colours;  // not a blank frame: text, grid, headers and the colour scale
    for (int y = 0; y < image.height(); y += 7)
        for (int x = 0; x < image.width(); x += 7)
            colours.insert(image.pixel(x, y));
    QVERIFY2(colours.size() > 50, qPrintable(QString::number(colours.size())));
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

// The gradient check is built on a worker thread: the screenshot must show it, not a blank plot.
void TestMainWindow::screenshotWaitsForACheckPlot()
{
    QTemporaryDir dir;
    const QString png = dir.filePath("check.png");
    QProcess bnflow;
    bnflow.start(QStringLiteral(BNFLOW_GUI), {QStringLiteral(BNFLOW_EXAMPLES "/cs231n_offset.bnflow.json"),
                                              "--view", "gradcheck", "--screenshot", png});
    QVERIFY(bnflow.waitForFinished(60000));
    QCOMPARE(bnflow.exitCode(), 0);
    const QImage image = QImage(png).convertToFormat(QImage::Format_RGB32);
    QVERIFY(!image.isNull());
    // The check's series are drawn in Okabe-Ito blue and orange (plot_renderer.cpp).
    const QSet<QRgb> series{plotColour(4, Theme::Light).rgb(), plotColour(0, Theme::Light).rgb()};
    int drawn = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            drawn += series.contains(image.pixel(x, y));
    QVERIFY2(drawn > 200, qPrintable(QString::number(drawn)));
}

// The derivation ships with the program: Help opens resources/help/derivation.md, rendered.
void TestMainWindow::helpShowsTheDerivation()
{
    auto* action = window_->findChild<QAction*>(QStringLiteral("showDerivation"));
    QVERIFY(action);
    action->trigger();
    auto* dialog = window_->findChild<DerivationDialog*>();
    QVERIFY(dialog && dialog->isVisible());
    const QString text = dialog->browser()->toPlainText();
    for (const char* heading : {"Notation", "Staged backward pass", "Fused backward pass", "The usual mistakes"})
        QVERIFY2(text.contains(QLatin1String(heading)), heading);
    QVERIFY(!text.contains(QLatin1String("## ")));  // rendered as Markdown, not shown as source
    action->trigger();  // a second time raises the same window
    QCOMPARE(window_->findChildren<DerivationDialog*>().size(), 1);
}

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
