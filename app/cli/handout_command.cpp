// bnflow-cli handout: the walkthrough as a PDF, rendered headless. Like export, every argument
// and the session are checked before Qt starts (qt_start.h).
#include "cli.h"
#include "qt_start.h"

#include <document/display_settings.h>
#include <document/session_document.h>
#include <files/atomic_write.h>
#include <walkthrough/handout.h>

#include <QFileInfo>

namespace bnflow::cli {

const CommandSpec kHandoutSpec{
    "handout", "SESSION --out FILE.pdf [--feature J]", "the walkthrough as a PDF (--out FILE.pdf)",
    R"(Writes the walkthrough as a PDF: a cover with the session's title, notes and batch, then one
page per step with its formula, its explanation, the numbers of feature J plugged in, its
values and the computational graph at that step. Every layer of the normalization family: a
session that is not training batch norm gets its layer and keys on the cover and its own step
list, each formula as text with the numbers of one set (the sample-0 row, or its group; eval:
feature J's column), and no graph. Needs no display. SESSION - reads standard input.
)",
    {{"out", "FILE.pdf", "where to write (written whole or not at all)"},
     {"feature", "J", "the feature whose numbers are shown (default 0)"}}};

Output handoutCommand(const ParsedArgs& parsed)
{
    const auto out = parsed.value("--out");
    if (!out)
        throw UsageError{"missing --out FILE.pdf"};
    const QString outPath = QString::fromStdString(*out);
    if (QFileInfo(outPath).suffix().toLower() != QLatin1String("pdf"))
        throw UsageError{"--out must name a .pdf file, got '" + *out + "'"};
    const long feature = parsed.value("--feature") ? parseIndex("--feature", *parsed.value("--feature")) : 0;
    LoadedAnyLayer loaded = loadAndAnalyzeAnyLayer(parsed);
    if (feature >= loaded.session.features())
        throw UsageError{"--feature " + std::to_string(feature) + " is not a feature of " + loaded.name +
                         " (it has " + std::to_string(loaded.session.features()) + ")"};
    const QString problem = files::checkWritable(outPath);
    if (!problem.isEmpty())
        throw BadInput{problem.toStdString()};

    const QtStart qt("handout");
    if (loaded.family) {  // another layer: its own step list, no graph (handout.h)
        ui::DisplaySettings display;
        QString error;
        if (!ui::writeFamilyHandout(loaded.session, *loaded.family, display, int(feature), outPath, &error))
            throw Failed{error.toStdString()};
        return {};
    }
    ui::SessionDocument document;
    const std::string& path = parsed.positional.front();
    document.reset(std::move(loaded.session), path == "-" ? QString() : QString::fromStdString(path));
    if (!document.analysis())  // analysed once already: only a fault of ours gets here
        throw Failed{loaded.name + ": " + formatProblem(document.problems().front())};
    ui::DisplaySettings display;
    QString error;
    if (!ui::writeHandout(document, display, int(feature), outPath, &error))
        throw Failed{error.toStdString()};
    return {};
}

}  // namespace bnflow::cli
