// bnflow-cli export: the one command that starts Qt, and only after every argument and the
// session have been checked, so that bad input never pays for (or prints from) Qt start-up.
#include "cli.h"
#include "options.h"

#include <plots/plot_builders.h>
#include <plots/plot_export.h>

#include <QApplication>

#include <cmath>
#include <cstdio>
#include <filesystem>

namespace bnflow::cli {

const char* const kExportHelp = R"(Usage: bnflow-cli export SESSION --plot NAME --out FILE.(png|pdf|svg)
                         [--width W --height H] [--theme light|dark] [--feature J] [--h H]
                         [--shapes NxD,...] [--dtype f32|f64|both]

Renders one plot of the session off screen and writes it; nothing is printed on success.

Plots (NAME):
  gradients    fused dx against staged dx, per element, on the line y = x
  difference   |fused dx - staged dx| per element, log axis (exact zeros drawn at a floor)
  terms        the three terms of the fused formula for feature J (--feature, default 0)
  params       dgamma and dbeta per feature
  gradcheck    numerical against analytic dx, and the relative error with the 1e-7 line (--h)
  hsweep       gradient-check error as h goes from 1e-1 to 1e-10, float64 and float32
  timings      staged and fused backward timed over N, and the speedup; measured now
               (--shapes, default 16x64,64x64,256x64,1024x64,4096x64; --dtype, default f64)

Options:
  --plot NAME     one of the plots above
  --out FILE      .png, .pdf or .svg; written whole or not at all
  --width W       pixels (PNG) or points (PDF, SVG), 200 to 8000 (default 1200)
  --height H      200 to 8000 (default 800)
  --theme T       light (default) or dark, as in the GUI
)";

namespace {

int sizeOption(const ParsedArgs& parsed, const std::string& name, int fallback)
{
    const auto text = parsed.value(name);
    if (!text)
        return fallback;
    const long value = parseCount(name, *text);
    if (value < 200 || value > 8000)
        throw UsageError{"option " + name + " must be between 200 and 8000, got " + *text};
    return int(value);
}

// Qt's start-up chatter (no XDG_RUNTIME_DIR, ...) is not ours to print: success prints nothing.
void quietQtMessages(QtMsgType type, const QMessageLogContext&, const QString& message)
{
    if (type == QtCriticalMsg || type == QtFatalMsg)
        std::fprintf(stderr, "bnflow-cli export: Qt: %s\n", qPrintable(message));
}

// The offscreen platform when there is no display, so export works on a server.
void startQt()
{
    qInstallMessageHandler(quietQtMessages);
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") &&
        qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
}

}  // namespace

std::string exportCommand(const std::vector<std::string>& args)
{
    const ParsedArgs parsed = parseArgs(
        args, {{"--plot", "--out", "--width", "--height", "--theme", "--feature", "--h", "--shapes", "--dtype"}, {}});
    const auto plot = parsed.value("--plot");
    if (!plot)
        throw UsageError{"missing --plot NAME"};
    const QString name = QString::fromStdString(*plot);
    if (!ui::plotNames().contains(name))
        throw UsageError{"unknown plot '" + *plot + "'; expected one of " +
                         ui::plotNames().join(QStringLiteral(", ")).toStdString()};
    const auto out = parsed.value("--out");
    if (!out)
        throw UsageError{"missing --out FILE.(png|pdf|svg)"};
    if (!ui::imageFormatFor(QString::fromStdString(*out)))
        throw UsageError{"--out " + *out + ": the file name must end in .png, .pdf or .svg"};
    const ui::ExportSize size{sizeOption(parsed, "--width", 1200), sizeOption(parsed, "--height", 800), 96};
    ui::PlotStyle style;
    if (const auto theme = parsed.value("--theme")) {
        if (*theme != "light" && *theme != "dark")
            throw UsageError{"option --theme expects light or dark, got '" + *theme + "'"};
        style.theme = *theme == "dark" ? ui::Theme::Dark : ui::Theme::Light;
    }
    const bool timings = name == QLatin1String("timings");
    for (const char* option : {"--shapes", "--dtype"})
        if (parsed.has(option) && !timings)
            throw UsageError{std::string("option ") + option + " applies to --plot timings only"};
    ui::PlotOptions options;
    if (const auto text = parsed.value("--feature")) {
        if (name != QLatin1String("terms"))
            throw UsageError{"option --feature applies to --plot terms only"};
        const double feature = parseNumber("--feature", *text);
        if (feature < 0 || feature != std::floor(feature) || feature > 1e9)
            throw UsageError{"option --feature expects a feature index 0, 1, 2, ..., got '" + *text + "'"};
        options.feature = Eigen::Index(feature);
    }
    if (const auto text = parsed.value("--h")) {
        if (name != QLatin1String("gradcheck"))
            throw UsageError{"option --h applies to --plot gradcheck only"};
        options.h = parseNumber("--h", *text);
        if (!(options.h > 0 && options.h <= 1))
            throw UsageError{"option --h must be in (0, 1], got " + *text};
    }
    TimingSweepSettings sweep;
    sweep.shapes = parseShapeList(parsed.value("--shapes").value_or("16x64,64x64,256x64,1024x64,4096x64"));
    sweep.dtypes = parseDtypeList(parsed.value("--dtype").value_or("f64"));
    sweep.minTimeSeconds = 0.02;

    const Loaded loaded = loadAndAnalyze(parsed);
    if (options.feature >= loaded.session.features())
        throw BadInput{parsed.positional.front() + ": --feature " + std::to_string(options.feature) +
                       " is out of range; the session has " +
                       std::to_string(loaded.session.features()) + " features"};
    const auto folder = std::filesystem::absolute(*out).parent_path();
    if (!std::filesystem::is_directory(folder))
        throw BadInput{*out + ": cannot be written (no such folder " + folder.string() + ")"};

    startQt();
    static int argc = 1;
    static char program[] = "bnflow-cli";
    static char* argv[] = {program, nullptr};
    QApplication app(argc, argv);
    const ui::PlotSpec spec =
        timings ? ui::timingsPlot(timingSweep(sweep), QString::fromStdString(machineDescription()))
                : ui::documentPlot(name, loaded.session, loaded.analysis, options);
    QString error;
    if (!ui::exportPlot(spec, QString::fromStdString(*out), size, style, &error))
        throw BadInput{error.toStdString()};
    return {};
}

}  // namespace bnflow::cli
