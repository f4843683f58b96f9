// bnflow-cli export: one plot as an image or as the CSV of its numbers. Qt starts only after
// every argument and the session have been checked (qt_start.h).
#include "cli.h"
#include "qt_start.h"

#include <depth/depth_plots.h>
#include <files/atomic_write.h>
#include <plots/plot_builders.h>
#include <plots/jacobian_plot.h>
#include <plots/plot_export.h>

#include <core/teach/family_report.h>

#include <QFileInfo>

#include <cmath>

namespace bnflow::cli {

namespace {

// The plot list of the help, from the one plot table the GUI's selector reads too.
std::string exportDescription()
{
    std::string text = R"(Renders one plot of the session off screen and writes it; nothing is printed on success.
SESSION - reads standard input. FILE.csv holds the numbers behind the plot, one row per point
(panel, series, x, y, low, high, label), as the window's Export CSV writes them.
Every layer of the normalization family is plotted (terms: one feature's column for batch norm,
--feature J; one sample's row for layer norm, RMSNorm and group norm, --sample I; jacobian: the
set of bnflow-cli jacobian, chosen the same way, its CSV the matrix's cells (series "row a",
x = the column b, y = d y_a / d x_b) then the eigenvalues; a set of more than 4096 entries is
refused); a plot that
does not apply to the session's layer (hsweep and timings show training batch norm only, terms
has nothing to split in eval mode) is refused with the reason.

Plots (NAME):
)";
    text += "  values       not a picture: every quantity of the session's layer (its step list),\n"
            "               one value a line, as File > Export results writes them; FILE.csv only\n";
    for (const ui::PlotKind& kind : ui::plotKinds()) {
        std::string line = "  " + std::string(kind.name);
        line.resize(15, ' ');
        text += line + kind.description + "\n";
        if (*kind.options)
            text += std::string(15, ' ') + kind.options + "\n";
    }
    text += "\nPlots of a network file (NETWORK, *.bnflow-net.json: told from a session by its\n"
            "\"format\": \"bnflow-network\", or - for standard input; doc/depth.md#the-depth-tab):\n";
    for (const QString& name : ui::depthPlotNames()) {
        std::string line = "  " + name.toStdString();
        line.resize(21, ' ');
        text += line + ui::depthPlotDescription(name).toStdString() + "\n";
    }
    return text;
}

}  // namespace

const CommandSpec kExportSpec{
    "export", "SESSION --plot NAME --out FILE.(png|pdf|svg|csv)\n"
              "                         or NETWORK --plot depth-NAME --out FILE [--steps K] [--lr LR]\n"
              "                         [--width W --height H] [--theme light|dark] [--feature J | --sample I] [--h H]\n"
              "                         [--shapes NxD,...] [--dtype f32|f64|both]",
    "save a plot as PNG, PDF, SVG or CSV (--plot NAME --out FILE)",
    exportDescription(),
    {{"plot", "NAME", "one of the plots above"},
     {"out", "FILE", ".png, .pdf, .svg or .csv; written whole or not at all"},
     {"width", "W", "200 to 8000 (default 1200): a PNG is exactly W pixels wide (96 dpi), a PDF page "
                    "W points, an SVG W px with text at the PNG's size"},
     {"height", "H", "200 to 8000 (default 800), in the same units as --width"},
     {"theme", "T", "light (default) or dark, as in the GUI"},
     {"feature", "J", "the feature of --plot terms for batch norm, of --plot jacobian (default 0)"},
     {"sample", "I", "the sample of --plot terms for layer norm, RMSNorm and group norm, of --plot jacobian "
                     "(default 0)"},
     {"h", "H", "the finite-difference step of --plot gradcheck, 0 < H <= 1"},
     {"shapes", "NxD,...", "the shapes of --plot timings"},
     {"dtype", "T", "f32, f64 or both, for --plot timings"},
     {"steps", "K", "the SGD steps of --plot depth-updates, 1 .. 100000 (default 1000)"},
     {"lr", "LR", "the learning rate of --plot depth-updates (default: the network file's)"}}};

namespace {

// 'layer: is "layernorm"' or 'mode: is "eval"': what makes a plot not apply.
std::string layerField(const NormConfig& norm)
{
    if (norm.isEval())
        return "mode: is \"eval\"";
    return "layer: is \"" + std::string(layerName(norm.layerOrDefault())) + "\"";
}

int sizeOption(const ParsedArgs& parsed, const std::string& name, int fallback)
{
    const auto text = parsed.value(name);
    if (!text)
        return fallback;
    const long value = parseCount(name, *text);
    if (value < 200 || value > 8000)
        throw UsageError{"option " + name + " must be between 200 and 8000, got " + clipped(*text)};
    return int(value);
}

// The timings plot of a sweep run here, with the copy bandwidth measured after it.
ui::PlotSpec timingsSpec(const TimingSweepSettings& sweep)
{
    const TimingRun run = timingRun(sweep);
    return ui::timingsPlot(run.points, QString::fromStdString(machineDescription()), run.copy.gbps);
}

}  // namespace

Output exportCommand(const ParsedArgs& parsed)
{
    const auto plot = parsed.value("--plot");
    if (!plot)
        throw UsageError{"missing --plot NAME"};
    const QString name = QString::fromStdString(*plot);
    const bool values = name == QLatin1String("values");
    const bool depth = ui::depthPlotNames().contains(name);
    if (!values && !depth && !ui::plotNames().contains(name))
        throw UsageError{"unknown plot '" + clipped(*plot) + "'; expected values or one of " +
                         ui::plotNames().join(QStringLiteral(", ")).toStdString() + ", or for a network " +
                         ui::depthPlotNames().join(QStringLiteral(", ")).toStdString()};
    const auto out = parsed.value("--out");
    if (!out)
        throw UsageError{"missing --out FILE.(png|pdf|svg|csv)"};
    const QString outPath = QString::fromStdString(*out);
    const bool csv = QFileInfo(outPath).suffix().toLower() == QLatin1String("csv");
    if (!csv && !ui::imageFormatFor(outPath))
        throw UsageError{"--out " + clippedPath(*out) + ": the file name must end in .png, .pdf, .svg or .csv"};
    if (values && !csv)
        throw UsageError{"--plot values is a table, not a picture: --out must name a .csv file, got '" + clippedPath(*out) + "'"};
    const ui::ExportSize size{sizeOption(parsed, "--width", 1200), sizeOption(parsed, "--height", 800), 96};
    ui::PlotStyle style;
    if (const auto theme = parsed.value("--theme")) {
        if (*theme != "light" && *theme != "dark")
            throw UsageError{"option --theme expects light or dark, got '" + clipped(*theme) + "'"};
        style.theme = *theme == "dark" ? ui::Theme::Dark : ui::Theme::Light;
    }
    // Standard input is read once: "-" is a network when a depth plot is asked of it.
    const bool standardInput = parsed.positional.size() == 1 && parsed.positional.front() == "-";
    if ((depth && standardInput) || isNetworkArgument(parsed))
        return depthExport(parsed, name, outPath, size, style);
    if (depth)
        throw BadInput{(parsed.positional.empty() ? std::string("SESSION") : oneLine(clippedPath(parsed.positional.front()))) +
                       ": not a network file (\"format\": \"bnflow-network\"); --plot " + *plot +
                       " draws a network's layers"};
    for (const char* option : {"--steps", "--lr"})
        if (parsed.has(option))
            throw UsageError{std::string("option ") + option + " applies to a network's --plot depth-updates only"};
    const bool timings = name == QLatin1String("timings");
    for (const char* option : {"--shapes", "--dtype"})
        if (parsed.has(option) && !timings)
            throw UsageError{std::string("option ") + option + " applies to --plot timings only"};
    ui::PlotOptions options;
    const bool jacobian = name == QLatin1String("jacobian");
    if (const auto text = parsed.value("--feature")) {
        if (name != QLatin1String("terms") && !jacobian)
            throw UsageError{"option --feature applies to --plot terms and --plot jacobian only"};
        const double feature = parseNumber("--feature", *text);
        if (feature < 0 || feature != std::floor(feature) || feature > 1e9)
            throw UsageError{"option --feature expects a feature index 0, 1, 2, ..., got '" + clipped(*text) + "'"};
        options.feature = Eigen::Index(feature);
    }
    if (const auto text = parsed.value("--sample")) {
        if (name != QLatin1String("terms") && !jacobian)
            throw UsageError{"option --sample applies to --plot terms and --plot jacobian only"};
        options.sample = parseIndex("--sample", *text);
    }
    if (const auto text = parsed.value("--h")) {
        if (name != QLatin1String("gradcheck"))
            throw UsageError{"option --h applies to --plot gradcheck only"};
        options.h = parseNumber("--h", *text);
        if (!(options.h > 0 && options.h <= 1))
            throw UsageError{"option --h must be in (0, 1], got " + clipped(*text)};
    }
    TimingSweepSettings sweep;
    sweep.shapes = parseShapeList(parsed.value("--shapes").value_or("16x64,64x64,256x64,1024x64,4096x64"));
    sweep.dtypes = parseDtypeList(parsed.value("--dtype").value_or("f64"));
    sweep.minTimeSeconds = 0.02;

    const LoadedAnyLayer loaded = loadAndAnalyzeAnyLayer(parsed);
    // Never batch norm's plot under another layer's name: the plots that do not apply say why.
    const QString unavailable = values ? QString() : ui::familyPlotUnavailable(name, loaded.session.norm);
    if (!unavailable.isEmpty())
        throw BadInput{loaded.name + ": " + layerField(loaded.session.norm) + "; --plot " + *plot + ": " +
                       unavailable.toStdString()};
    if (name == QLatin1String("terms")) {
        // One index per layer kind: a feature's column for batch norm, a sample's row otherwise.
        const bool perSample = ui::termsPerSample(loaded.session.norm);
        const std::string title(layerTitle(loaded.session.norm.layerOrDefault()));
        if (perSample && parsed.has("--feature"))
            throw BadInput{loaded.name + ": " + layerField(loaded.session.norm) + "; --feature: the terms plot of " +
                           title + " draws one sample's row: choose it with --sample I"};
        if (!perSample && parsed.has("--sample"))
            throw BadInput{loaded.name + ": " + layerField(loaded.session.norm) + "; --sample: the terms plot of " +
                           title + " draws one feature's column: choose it with --feature J"};
        if (options.sample >= loaded.session.samples())
            throw BadInput{loaded.name + ": --sample " + std::to_string(options.sample) +
                           " is out of range; the session has " + std::to_string(loaded.session.samples()) +
                           " samples"};
    }
    if (jacobian && options.sample >= loaded.session.samples())
        throw BadInput{loaded.name + ": --sample " + std::to_string(options.sample) +
                       " is out of range; the session has " + std::to_string(loaded.session.samples()) +
                       " samples"};
    if (options.feature >= loaded.session.features())
        throw BadInput{loaded.name + ": --feature " + std::to_string(options.feature) +
                       " is out of range; the session has " +
                       std::to_string(loaded.session.features()) + " features"};
    if (!timings && loaded.session.exercise.locked && loaded.session.exercise.hidesAnything())
        throw BadInput{loaded.name + ": exercise: the exercise is locked and hides values that the plot "
                       "would show; unlock it in bnflow (Exercise > Unlock Exercise) to export plots"};
    const QString problem = files::checkWritable(outPath);
    if (!problem.isEmpty())
        throw BadInput{problem.toStdString()};

    QString error;
    if (values) {  // no Qt needed: the table is core's text
        const std::string text = familyResultsCsv(loaded.session, loaded.analysis);
        if (!files::writeFileAtomically(outPath, QByteArray::fromStdString(text), &error))
            throw Failed{error.toStdString()};
        return {};
    }
    const QtStart qt("export");
    const ui::PlotSpec spec =
        timings ? timingsSpec(sweep) : ui::familyPlot(name, loaded.session, loaded.analysis, options);
    // A set too large to compute (M > 4096) or a session it refuses: the reason, and no file.
    if (jacobian && spec.panels.empty())
        throw BadInput{loaded.name + ": --plot jacobian: " + spec.caption.toStdString()};
    const bool written = csv ? ui::exportPlotCsv(spec, outPath, &error)
                             : ui::exportPlot(spec, outPath, size, style, &error);
    if (!written)
        throw Failed{error.toStdString()};
    return {};
}

}  // namespace bnflow::cli
