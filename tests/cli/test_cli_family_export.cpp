// bnflow-cli export and handout for every layer of the normalization family: the values CSV and
// the plots hold the layer's own numbers (equal to grad's), the handout names the layer and its
// steps, and the plots that show batch norm only (hsweep, timings; terms in eval mode) refuse
// the other layers with the reason; the per-sample layers' terms plot takes --sample, not --feature.
#include "cli_runner.h"
#include "family_reference.h"

#include <core/teach/family_catalogue.h>

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

using namespace bnflow;
using namespace bnflow::test;

namespace {

// The PDF's text laid out as on the page (pdftotext, poppler-utils), or nullopt without it.
std::optional<QString> textOf(const QString& pdf)
{
    QProcess pdftotext;
    pdftotext.start("pdftotext", {"-layout", pdf, "-"});
    if (!pdftotext.waitForFinished(30000) || pdftotext.exitCode() != 0)
        return std::nullopt;
    return QString::fromUtf8(pdftotext.readAllStandardOutput());
}

// The smallest word of the PDF in points, from pdftotext -bbox: a word's box is as tall as its
// font's ascent plus descent, 1.164 times the size for DejaVu Sans (Qt's font here); nullopt
// without pdftotext.
std::optional<double> smallestTextPoints(const QString& pdf, QString* word)
{
    QProcess pdftotext;
    pdftotext.start("pdftotext", {"-bbox", pdf, "-"});
    if (!pdftotext.waitForFinished(30000) || pdftotext.exitCode() != 0)
        return std::nullopt;
    const QString html = QString::fromUtf8(pdftotext.readAllStandardOutput());
    static const QRegularExpression box(QStringLiteral(
        "<word xMin=\"[\\d.]+\" yMin=\"([\\d.]+)\" xMax=\"[\\d.]+\" yMax=\"([\\d.]+)\">([^<]*)</word>"));
    double smallest = 1e9;
    for (auto it = box.globalMatch(html); it.hasNext();) {
        const auto m = it.next();
        const double height = m.captured(2).toDouble() - m.captured(1).toDouble();
        if (height < smallest) {
            smallest = height;
            *word = m.captured(3);
        }
    }
    return smallest / 1.164;
}

}  // namespace
using Json = nlohmann::json;

class TestCliFamilyExport : public QObject {
    Q_OBJECT
private slots:
    void plotsOfBatchNormOnlyRefuse_data();
    void plotsOfBatchNormOnlyRefuse();
    void exportValuesEqualGrad_data();
    void exportValuesEqualGrad();
    void exportPlotsEveryLayer_data();
    void exportPlotsEveryLayer();
    void handoutNamesTheLayerAndItsSteps();
    void handoutPrintsAtLeastEightPoints();
    void handoutOfALargeSetNotesItsJacobian();
    void spatialHandoutPlugsInTheChannel();
    void handoutSampleIsChecked_data();
    void handoutSampleIsChecked();
};

namespace {

Json grad(const std::string& path)
{
    const Run run = runCli({"grad", QString::fromStdString(path)});
    if (run.exitCode != 0 || !run.err.isEmpty())
        throw std::runtime_error("grad failed: " + run.err.toStdString());
    return Json::parse(run.out.constData());
}

}  // namespace

void TestCliFamilyExport::plotsOfBatchNormOnlyRefuse_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QStringList>("fragments");
    const QString out = QDir::temp().filePath("bnflow-family-never.png");
    for (const char* name : {"layernorm_4x5", "batchnorm_eval_5x4"}) {
        const QString session = BNFLOW_FAMILY_DIR "/" + QString(name) + ".bnflow.json";
        const QString what = QString(name).startsWith("layer") ? "layer: is \"layernorm\"" : "mode: is \"eval\"";
        if (QString(name).startsWith("layer")) {  // drawn per sample: a feature is the wrong index
            QTest::addRow("terms --feature %s", name)
                << QStringList{"export", session, "--plot", "terms", "--feature", "0", "--out", out}
                << QStringList{session, what, "--feature", "one sample's row", "--sample I"};
            QTest::addRow("terms --sample out of range %s", name)
                << QStringList{"export", session, "--plot", "terms", "--sample", "4", "--out", out}
                << QStringList{session, "--sample 4", "4 samples"};
        } else {
            QTest::addRow("terms %s", name) << QStringList{"export", session, "--plot", "terms", "--out", out}
                                            << QStringList{session, what, "--plot terms", "terms plot", "one term"};
        }
        QTest::addRow("hsweep %s", name) << QStringList{"export", session, "--plot", "hsweep", "--out", out}
                                         << QStringList{session, what, "float64 only"};
        QTest::addRow("timings %s", name) << QStringList{"export", session, "--plot", "timings", "--out", out}
                                          << QStringList{session, what, "times batch norm"};
    }
    const QString batchNorm = BNFLOW_FAMILY_DIR "/running_pytorch_6x4.bnflow.json";  // training batch norm
    QTest::addRow("terms --sample batch norm")
        << QStringList{"export", batchNorm, "--plot", "terms", "--sample", "0", "--out", out}
        << QStringList{batchNorm, "layer: is \"batchnorm\"", "--sample", "one feature's column", "--feature J"};
}

// A plot that would show batch norm's numbers (or a float32 curve that is not one) is refused
// for another layer, with the reason: exit 2, no file.
void TestCliFamilyExport::plotsOfBatchNormOnlyRefuse()
{
    QFETCH(QStringList, args);
    QFETCH(QStringList, fragments);
    QFile::remove(args[args.indexOf("--out") + 1]);
    const Run run = runCli(args);
    expectBadInput(run, fragments);
    QVERIFY(!QFile::exists(args[args.indexOf("--out") + 1]));  // no file written, not even a partial one
}

namespace {

// "quantity,sample,feature,value" lines into id -> (sample, feature) -> value. Values are
// shortest round-trip text: strtod gives back the very doubles.
using Cells = std::map<std::pair<std::string, std::string>, double>;
std::map<std::string, Cells> readValuesCsv(const QString& path, std::vector<std::string>* order)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw std::runtime_error("cannot read " + path.toStdString());
    const QList<QByteArray> lines = file.readAll().split('\n');
    if (lines.front() != "quantity,sample,feature,value")
        throw std::runtime_error("header " + lines.front().toStdString());
    std::map<std::string, Cells> out;
    for (qsizetype k = 1; k < lines.size(); ++k) {
        if (lines[k].isEmpty())
            continue;
        const QList<QByteArray> f = lines[k].split(',');
        if (f.size() != 4)
            throw std::runtime_error("line " + lines[k].toStdString());
        const std::string id = f[0].toStdString();
        if (order->empty() || order->back() != id)
            order->push_back(id);
        out[id][{f[1].toStdString(), f[2].toStdString()}] = std::strtod(f[3].constData(), nullptr);
    }
    return out;
}

// grad's value (a number, a flat list or rows) as CSV cells of a quantity in `shape`:
// "element" (i, j), "feature" ("", j), "sample" (i, "").
Cells cellsOf(const Json& value, const std::string& shape)
{
    Cells cells;
    for (std::size_t a = 0; a < value.size(); ++a) {
        if (value[a].is_array()) {
            for (std::size_t b = 0; b < value[a].size(); ++b)
                cells[{std::to_string(a), std::to_string(b)}] = value[a][b].get<double>();
        } else if (shape == "feature") {
            cells[{"", std::to_string(a)}] = value[a].get<double>();
        } else {
            cells[{std::to_string(a), ""}] = value[a].get<double>();
        }
    }
    return cells;
}

}  // namespace

void TestCliFamilyExport::exportValuesEqualGrad_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("layer norm") << "layernorm_4x5";
    QTest::newRow("RMSNorm") << "rmsnorm_4x5";
}

// export --plot values writes every quantity of the layer's step list, in order, statistics
// one per sample, and each value is the very number grad prints.
void TestCliFamilyExport::exportValuesEqualGrad()
{
    QFETCH(QString, name);
    const QString session = BNFLOW_FAMILY_DIR "/" + name + ".bnflow.json";
    QTemporaryDir dir;
    const QString out = dir.filePath("values.csv");
    const Run run = runCli({"export", session, "--plot", "values", "--out", out});
    QVERIFY2(run.exitCode == 0 && run.err.isEmpty() && run.out.isEmpty(), run.err.constData());
    std::vector<std::string> order;
    const auto csv = readValuesCsv(out, &order);

    const Layer layer = name.startsWith("rms") ? Layer::RmsNorm : Layer::LayerNorm;
    std::vector<std::string> expected = {"x", "dout"};
    for (const Step& step : steps(layer))
        expected.emplace_back(step.id);
    QCOMPARE(order, expected);

    const Json g = grad(session.toStdString());
    const std::string perSample = layer == Layer::RmsNorm ? "ms rms rrms drrms dms" : "mean var inv_std dvar dmean";
    int compared = 0;
    for (const char* section : {"forward", "staged", "fused"}) {
        for (const auto& [key, value] : g.at(section).items()) {
            const std::string id = std::string(section) == "fused" ? "fused_" + key : key;
            if (!csv.count(id))
                continue;  // rms: grad prints it, the step list does not have it
            const std::string shape = perSample.find(key) != std::string::npos ? "sample"
                                      : key == "dgamma" || key == "dbeta" ? "feature" : "element";
            QVERIFY2(csv.at(id) == cellsOf(value, shape), (name.toStdString() + " " + id).c_str());
            ++compared;
        }
    }
    QVERIFY(compared >= (layer == Layer::RmsNorm ? 11 : 12));
    // Statistics in their shape: one per sample (N = 4), the feature field empty.
    const std::string stat = layer == Layer::RmsNorm ? "rrms" : "mean";
    QCOMPARE(csv.at(stat).size(), std::size_t(4));
    QVERIFY(csv.at(stat).count({"3", ""}));
}

void TestCliFamilyExport::exportPlotsEveryLayer_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("plot");
    for (const char* name : {"layernorm_4x5", "rmsnorm_4x5", "groupnorm_g2_4x6", "batchnorm_eval_5x4"})
        for (const char* plot : {"gradients", "difference", "params", "gradcheck", "terms"})
            if (QString(plot) != "terms" || !QString(name).startsWith("batchnorm_eval"))
                QTest::addRow("%s %s", name, plot) << QString(name) << QString(plot);
}

// The plots that apply to every layer are drawn from the layer's own numbers: the CSV of
// "gradients" holds grad's fused dx (and its staged dx), named in the title.
void TestCliFamilyExport::exportPlotsEveryLayer()
{
    QFETCH(QString, name);
    QFETCH(QString, plot);
    const QString session = BNFLOW_FAMILY_DIR "/" + name + ".bnflow.json";
    QTemporaryDir dir;
    const QStringList sample = plot == "terms" ? QStringList{"--sample", "2"} : QStringList{};
    for (const char* extension : {"png", "csv"}) {
        const QString out = dir.filePath(plot + "." + extension);
        const Run run = runCli(QStringList{"export", session, "--plot", plot, "--out", out} + sample);
        QVERIFY2(run.exitCode == 0 && run.err.isEmpty(), run.err.constData());
        QVERIFY(QFileInfo(out).size() > 100);
    }
    if (plot == "terms") {  // the dx points are grad's fused dx of sample 2, feature by feature
        QFile csv(dir.filePath("terms.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        std::vector<double> plotted;
        for (const QByteArray& line : csv.readAll().split('\n')) {
            const QList<QByteArray> f = line.split(',');
            if (f.size() >= 4 && f[1].startsWith("dx = sum of the"))
                plotted.push_back(std::strtod(f[3].constData(), nullptr));
        }
        const Json result = grad(session.toStdString());
        std::vector<double> expected;
        for (const auto& v : result.at("fused").at("dx").at(2))
            expected.push_back(v.get<double>());
        QCOMPARE(plotted, expected);
        return;
    }
    if (plot != "gradients")
        return;
    QFile csv(dir.filePath("gradients.csv"));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QByteArray text = csv.readAll();
    const Json dx = grad(session.toStdString()).at("fused").at("dx");
    // The scatter's y values are fused dx, feature-major, in shortest round-trip form.
    std::multiset<double> plotted, expected;
    for (const QByteArray& line : text.split('\n')) {
        const QList<QByteArray> f = line.split(',');
        if (f.size() >= 4 && f[1] == "one element of dx")
            plotted.insert(std::strtod(f[3].constData(), nullptr));
    }
    for (const auto& row : dx)
        for (const auto& v : row)
            expected.insert(v.get<double>());
    QCOMPARE(plotted, expected);
}

// The handout of a group-norm session: its cover names the layer and its keys, and it has a
// page for every step of group norm's step list, formula included.
void TestCliFamilyExport::handoutNamesTheLayerAndItsSteps()
{
    QTemporaryDir dir;
    const QString pdf = dir.filePath("gn.pdf");
    const Run run = runCli({"handout", BNFLOW_FAMILY_DIR "/groupnorm_g2_4x6.bnflow.json", "--out", pdf});
    QVERIFY2(run.exitCode == 0 && run.err.isEmpty(), run.err.constData());
    const std::optional<QString> pdfText = textOf(pdf);
    if (!pdfText)
        QSKIP("pdftotext (poppler-utils) is not installed");
    const QString text = *pdfText;
    QVERIFY2(text.contains("Layer: group norm with G = 2 groups of 3 consecutive features"), qPrintable(text.left(2000)));
    QVERIFY(text.contains("\"layer\": \"groupnorm\", \"groups\": 2"));
    const auto& list = steps(Layer::GroupNorm);
    for (std::size_t k = 0; k < list.size(); ++k) {
        const QString heading = QString("Step %1 of %2: %3").arg(k + 1).arg(list.size())
                                    .arg(QString::fromStdString(labelWithSymbol(list[k].output())));
        QVERIFY2(text.contains(heading), qPrintable(heading));
    }
    // One set's numbers plugged into the layer's formula: the block of sample 0's first group,
    // M = D/G = 3 (the typeset formula above it is an SVG, not text).
    QVERIFY2(text.contains("x[0][0:3]: μ = (1/M) · Σ_(j∈g) x = (1/3) · ("), qPrintable(text.left(3000)));
    // The layer's graph under each step: its nodes name the selected set's statistics, and before
    // the backward pass every gradient is pending.
    QVERIFY2(text.contains("x[0][0:3]: ") && text.contains("dmean: not computed yet"), qPrintable(text.left(3000)));

    // --sample picks another sample's set, and the second group with --feature 4.
    const Run other = runCli({"handout", BNFLOW_FAMILY_DIR "/groupnorm_g2_4x6.bnflow.json", "--sample", "3",
                              "--feature", "4", "--out", pdf});
    QVERIFY2(other.exitCode == 0 && other.err.isEmpty(), other.err.constData());
    const QString otherText = textOf(pdf).value_or(QString());
    QVERIFY2(otherText.contains("x[3][3:6]: μ = (1/M) · Σ_(j∈g) x = (1/3) · ("), qPrintable(otherText.left(3000)));
    QVERIFY(!otherText.contains("x[0][0:3]: μ"));
    const QString cover = otherText.left(otherText.indexOf("Step 1 of"));
    QVERIFY2(cover.simplified().contains("the numbers of the set x[3]"), qPrintable(cover));  // [3:6] may wrap
}

// A set of M elements has an M x M Jacobian, and its eigenvalues cost M^3: a handout of a
// 4096-sample batch norm spent minutes on them for a heatmap no page can show. Above
// kMaxHandoutJacobian the page says why there is no heatmap and where to see it instead.
void TestCliFamilyExport::handoutOfALargeSetNotesItsJacobian()
{
    QTemporaryDir dir;
    const int d = 300;  // layer norm: one set is a row of 300 features
    QString row, ones, zeros;
    for (int j = 0; j < d; ++j) {
        const QString comma = j + 1 < d ? "," : "";
        row += QString::number(std::sin(0.37 * j + 1.0), 'g', 17) + comma;
        ones += "1" + comma;
        zeros += "0" + comma;
    }
    const QString session = dir.filePath("wide.bnflow.json");
    QFile file(session);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QString("{\"format\": \"bnflow-session\", \"version\": 1, \"layer\": \"layernorm\", \"eps\": 1e-5, "
                       "\"x\": [[%1], [%1]], \"gamma\": [%2], \"beta\": [%3]}").arg(row, ones, zeros).toUtf8());
    file.close();
    const QString pdf = dir.filePath("wide.pdf");
    const Run run = runCli({"handout", session, "--out", pdf});
    QVERIFY2(run.exitCode == 0 && run.err.isEmpty(), run.err.constData());
    const std::optional<QString> pdfText = textOf(pdf);
    if (!pdfText)
        QSKIP("pdftotext (poppler-utils) is not installed");
    const QString last = pdfText->mid(pdfText->lastIndexOf("The Jacobian of the set")).simplified();
    QVERIFY2(last.contains("M = 300 elements") && last.contains("300 x 300"), qPrintable(last.left(600)));
    QVERIFY2(last.contains("Plots tab"), qPrintable(last.left(600)));

    // A small set keeps its heatmap: the note is not there.
    const Run small = runCli({"handout", BNFLOW_FAMILY_DIR "/groupnorm_g2_4x6.bnflow.json", "--out", pdf});
    QVERIFY2(small.exitCode == 0, small.err.constData());
    QVERIFY(!textOf(pdf).value_or(QString()).contains("elements: its"));
}

// Spatial batch norm's handout: the layer and its channels on the cover, gamma per channel, and
// the channel's N x L entries (PyTorch's reference case, C = 3, L = 5, N = 4: M = 20) plugged in.
// Every word of a handout, the values tables and the plugged-in numbers included, prints at 8 pt
// or more (the tables were laid out for the screen's 96 dpi and printed at 5.8 pt); the tables
// have their headers.
void TestCliFamilyExport::handoutPrintsAtLeastEightPoints()
{
    QTemporaryDir dir;
    for (const char* session : {BNFLOW_EXAMPLES "/contract.bnflow.json", BNFLOW_FAMILY_DIR "/groupnorm_g2_4x6.bnflow.json"}) {
        const QString pdf = dir.filePath("h.pdf");
        const Run run = runCli({"handout", session, "--out", pdf});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QString word;
        const std::optional<double> points = smallestTextPoints(pdf, &word);
        if (!points)
            QSKIP("pdftotext (poppler-utils) is not installed");
        qInfo("%s: smallest text %.2f pt (\"%s\")", session, *points, qPrintable(word));
        QVERIFY2(*points >= 8.0, qPrintable(QStringLiteral("%1 pt: %2").arg(*points).arg(word)));
        const QString text = textOf(pdf).value_or(QString());
        QVERIFY2(text.contains("j=0") && text.contains("i=1"), qPrintable(text.left(3000)));
    }
}

void TestCliFamilyExport::spatialHandoutPlugsInTheChannel()
{
    QTemporaryDir dir;
    const QString pdf = dir.filePath("sbn.pdf");
    const Run run = runCli({"handout", BNFLOW_FAMILY_DIR "/spatial_batchnorm_4x3x5.bnflow.json", "--feature", "7",
                            "--out", pdf});
    QVERIFY2(run.exitCode == 0 && run.err.isEmpty(), run.err.constData());
    const std::optional<QString> pdfText = textOf(pdf);
    if (!pdfText)
        QSKIP("pdftotext (poppler-utils) is not installed");
    const QString text = *pdfText;
    QVERIFY2(text.contains("Layer: spatial batch norm, 3 channels of L = 5 positions"), qPrintable(text.left(2000)));
    QVERIFY(text.contains("\"channels\": 3"));
    QVERIFY(text.contains("gamma and beta are one per channel"));
    const auto& list = steps(specs::spatialBatchNorm());
    QCOMPARE(text.count(QRegularExpression("Step \\d+ of 24:")), int(list.size()));
    // Feature 7 is in channel 1: columns 5 .. 9 of every sample, 20 entries.
    QVERIFY2(text.contains("x[*][5:10] (channel 1): μ = (1/NL) · Σ_(i,j∈c) x = (1/20) · ("), qPrintable(text.left(3000)));

    // The params plot has one bar pair per channel, named so.
    const QString csv = dir.filePath("params.csv");
    const Run params = runCli({"export", BNFLOW_FAMILY_DIR "/spatial_batchnorm_4x3x5.bnflow.json", "--plot", "params",
                               "--out", csv});
    QVERIFY2(params.exitCode == 0, params.err.constData());
    QFile file(csv);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QString rows = QString::fromUtf8(file.readAll());
    QCOMPARE(rows.count(QRegularExpression("channel \\d")), 6);  // 3 channels x (dgamma, dbeta)
    QVERIFY(!rows.contains("feature "));

    // The terms plot of --feature 7 splits the dx of its channel (1: columns 5..9, every sample),
    // PyTorch's dx entry by entry.
    const QString terms = dir.filePath("terms.csv");
    const Run run2 = runCli({"export", BNFLOW_FAMILY_DIR "/spatial_batchnorm_4x3x5.bnflow.json", "--plot", "terms",
                             "--feature", "7", "--out", terms});
    QVERIFY2(run2.exitCode == 0, run2.err.constData());
    QFile termsFile(terms);
    QVERIFY(termsFile.open(QIODevice::ReadOnly));
    const FamilyCase c = loadFamilyCase("spatial_batchnorm_4x3x5");
    const Matrix& dx = c.expected.at("grads.dx");
    int points = 0;
    for (const QString& line : QString::fromUtf8(termsFile.readAll()).split('\n')) {
        const QStringList f = line.split(',');
        if (f.size() < 4 || !f[1].startsWith("dx = "))
            continue;
        const QRegularExpressionMatch at = QRegularExpression("sample (\\d+), feature (\\d+)").match(line);
        QVERIFY2(at.hasMatch(), qPrintable(line));
        const int i = at.captured(1).toInt(), j = at.captured(2).toInt();
        QVERIFY2(j >= 5 && j < 10, qPrintable(line));
        QVERIFY(std::abs(f[3].toDouble() - dx(i, j)) <= 1e-12 * dx.cwiseAbs().maxCoeff());
        ++points;
    }
    QCOMPARE(points, 20);
}

// --sample names a sample of a layer with per-sample statistics; anything else is a usage error
// that names the option and why, and writes nothing.
void TestCliFamilyExport::handoutSampleIsChecked_data()
{
    QTest::addColumn<QString>("session");
    QTest::addColumn<QString>("sample");
    QTest::addColumn<QStringList>("fragments");
    QTest::newRow("beyond N") << "layernorm_4x5" << "4" << QStringList{"--sample 4", "4)"};
    QTest::newRow("batch norm") << "running_pytorch_6x4" << "0" << QStringList{"--sample", "batch norm", "--feature J"};
    QTest::newRow("eval") << "batchnorm_eval_5x4" << "0" << QStringList{"--sample", "eval mode"};
}

void TestCliFamilyExport::handoutSampleIsChecked()
{
    QFETCH(QString, session);
    QFETCH(QString, sample);
    QFETCH(QStringList, fragments);
    QTemporaryDir dir;
    const QString pdf = dir.filePath("never.pdf");
    const Run run = runCli({"handout", BNFLOW_FAMILY_DIR "/" + session + ".bnflow.json", "--sample", sample, "--out", pdf});
    QCOMPARE(run.exitCode, 2);
    for (const QString& fragment : fragments)
        QVERIFY2(run.err.contains(fragment.toUtf8()), run.err.constData());
    QVERIFY(!QFile::exists(pdf));
}

QTEST_GUILESS_MAIN(TestCliFamilyExport)
#include "test_cli_family_export.moc"
