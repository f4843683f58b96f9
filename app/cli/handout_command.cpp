// bnflow-cli handout: the walkthrough as a PDF, rendered headless. The only command that
// starts Qt; grad, gradcheck and bench never do.
#include "cli.h"
#include "options.h"

#include <document/display_settings.h>
#include <document/session_document.h>
#include <walkthrough/handout.h>
#include <session_json.h>

#include <QApplication>
#include <QFileInfo>

#include <cstdio>
#include <cstdlib>

namespace bnflow::cli {

const char* const kHandoutHelp = R"(Usage: bnflow-cli handout SESSION --out FILE.pdf [--feature J]

Writes the walkthrough as a PDF: a cover with the session's title, notes and batch, then one
page per step with its formula, its explanation, the numbers of feature J plugged in, its
values and the computational graph at that step. Needs no display.

Options:
  --out FILE.pdf   where to write (written whole or not at all)
  --feature J      the feature whose numbers are shown (default 0)
)";

std::string handoutCommand(const std::vector<std::string>& args)
{
    const ParsedArgs parsed = parseArgs(args, {{"--out", "--feature"}, {}});
    if (parsed.positional.empty())
        throw UsageError{"missing SESSION (a .bnflow.json file)"};
    if (parsed.positional.size() > 1)
        throw UsageError{"unexpected argument '" + parsed.positional[1] + "'"};
    const auto out = parsed.value("--out");
    if (!out)
        throw UsageError{"missing --out FILE.pdf"};
    if (QFileInfo(QString::fromStdString(*out)).suffix().toLower() != QLatin1String("pdf"))
        throw UsageError{"--out must name a .pdf file, got '" + *out + "'"};
    const long feature = parsed.value("--feature") ? parseIndex("--feature", *parsed.value("--feature")) : 0;

    if (std::getenv("DISPLAY") == nullptr && std::getenv("WAYLAND_DISPLAY") == nullptr &&
        std::getenv("QT_QPA_PLATFORM") == nullptr)
        setenv("QT_QPA_PLATFORM", "offscreen", 1);
    // stderr carries one line, ours: Qt's own notes (XDG_RUNTIME_DIR, fonts) are dropped.
    qInstallMessageHandler([](QtMsgType type, const QMessageLogContext&, const QString& message) {
        if (type == QtFatalMsg)
            std::fprintf(stderr, "bnflow-cli: %s\n", qPrintable(message));
    });
    static int argc = 1;
    static char name[] = "bnflow-cli";
    static char* argv[] = {name, nullptr};
    QApplication app(argc, argv);

    const std::string& path = parsed.positional.front();
    SessionLoad load = loadSessionFile(path);
    if (!load.ok())
        throw BadInput{path + ": " + formatProblem(load.problems.front())};
    ui::SessionDocument document;
    document.reset(std::move(*load.session), QString::fromStdString(path));
    if (!document.analysis())
        throw BadInput{path + ": " + formatProblem(document.problems().front())};
    if (feature >= document.session().features())
        throw UsageError{"--feature " + std::to_string(feature) + " is not a feature of " + path +
                         " (it has " + std::to_string(document.session().features()) + ")"};
    ui::DisplaySettings display;
    QString error;
    if (!ui::writeHandout(document, display, int(feature), QString::fromStdString(*out), &error))
        throw BadInput{error.toStdString()};
    return {};
}

}  // namespace bnflow::cli
