// bnflow-cli export NETWORK --plot depth-...: the Depth tab's plots of a network file
// (doc/depth.md#the-depth-tab), told from a session by its "format" key, or "-" (standard input)
// when a depth plot is asked for. Everything is checked
// and computed before Qt starts; the file is written whole or not at all.
#include "cli.h"
#include "qt_start.h"

#include <depth/depth_plots.h>
#include <files/atomic_write.h>
#include <plots/plot_export.h>

#include <core/io/file_read.h>
#include <core/io/network_files.h>
#include <core/io/network_json.h>

#include <QFileInfo>

#include <filesystem>

namespace bnflow::cli {

namespace {

constexpr long kMaxExportSteps = 100000;  // as depth --steps

}  // namespace

bool isNetworkArgument(const ParsedArgs& parsed)
{
    if (parsed.positional.size() != 1 || parsed.positional.front() == "-")
        return false;
    std::string text;
    return !readRegularFile(parsed.positional.front(), kMaxNetworkFileBytes, text, "file") && declaresNetwork(text);
}

Output depthExport(const ParsedArgs& parsed, const QString& name, const QString& outPath, const ui::ExportSize& size,
                   const ui::PlotStyle& style)
{
    const std::string& path = parsed.positional.front();
    const bool standardInput = path == "-";
    const std::string shown = standardInput ? "standard input" : oneLine(clippedPath(path));
    if (!ui::depthPlotNames().contains(name))
        throw BadInput{shown + ": format: is \"bnflow-network\"; --plot " + name.toStdString() +
                       " draws a session; a network has " + ui::depthPlotNames().join(QStringLiteral(", ")).toStdString()};
    for (const char* option : {"--feature", "--sample", "--h", "--shapes", "--dtype"})
        if (parsed.has(option))
            throw UsageError{std::string("option ") + option + " applies to a session's plots, not to --plot " +
                             name.toStdString()};
    const bool updates = name == QLatin1String("depth-updates");
    long steps = 1000;
    if (const auto text = parsed.value("--steps")) {
        if (!updates)
            throw UsageError{"option --steps applies to --plot depth-updates only"};
        steps = parseIndex("--steps", *text);
        if (steps < 1 || steps > kMaxExportSteps)
            throw UsageError{"option --steps must be 1 .. " + std::to_string(kMaxExportSteps) + ", got " + clipped(*text)};
    }
    std::optional<double> lr;
    if (const auto text = parsed.value("--lr")) {
        if (!updates)
            throw UsageError{"option --lr applies to --plot depth-updates only"};
        lr = parseNumber("--lr", *text);
    }

    std::string text;
    if (standardInput)
        text = readNetworkFromStandardInput(shown);
    else if (const auto what = readRegularFile(path, kMaxNetworkFileBytes, text, "network file"))
        throw BadInput{shown + ": " + *what};
    NetworkFileLoad file = parseNetworkFile(text);
    throwProblems(shown, file.problems);
    // File names in the network are relative to its folder; to the current folder for "-".
    const std::string folder = standardInput ? "" : std::filesystem::path(path).parent_path().string();
    NetworkInputsLoad inputs = loadNetworkInputs(*file.file, folder);
    throwProblems(shown, inputs.problems);
    const Network& net = inputs.inputs->network;
    const Dataset& data = inputs.inputs->data;
    std::vector<DepthStep> trained;
    {
        // runDepth checks the pass (a loss that overflows, a W of one value) before any step.
        Network copy = net;
        DepthResult result = runDepth(copy, data, updates ? steps : 0, lr.value_or(file.file->lr));
        throwProblems(shown, result.problems);
        trained = std::move(result.report->steps);
    }
    const DepthPass pass = depthPass(net, data);
    const DepthPicture picture = depthPicture(net, pass, histogramRanges(net, pass));
    const QString problem = files::checkWritable(outPath);
    if (!problem.isEmpty())
        throw BadInput{problem.toStdString()};

    const QtStart qt("export");
    const ui::PlotSpec spec = ui::depthPlot(name, picture, trained);
    QString error;
    const bool csv = QFileInfo(outPath).suffix().toLower() == QLatin1String("csv");
    const bool written = csv ? ui::exportPlotCsv(spec, outPath, &error) : ui::exportPlot(spec, outPath, size, style, &error);
    if (!written)
        throw Failed{error.toStdString()};
    return {};
}

}  // namespace bnflow::cli
