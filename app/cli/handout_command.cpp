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
    "handout", "SESSION --out FILE.pdf [--feature J] [--sample I]", "the walkthrough as a PDF (--out FILE.pdf)",
    R"(Writes the walkthrough as a PDF: a cover with the session's title, notes and batch, then one
page per step with its formula, its explanation, the numbers of one set plugged in, its
values and the computational graph at that step. Every layer of the normalization family, one
handout: the layer and its keys on the cover, its own step list, formulas and graph, with the
numbers of the set that holds x[I][J] (batch norm: feature J's column; sample I's row, or the
group of feature J in it, for the others). Needs no display. SESSION - reads standard input.
)",
    {{"out", "FILE.pdf", "where to write (written whole or not at all)"},
     {"feature", "J", "the feature whose numbers are shown (default 0)"},
     {"sample", "I", "layer norm, RMSNorm and group norm: the sample whose set is shown (default 0)"}}};

Output handoutCommand(const ParsedArgs& parsed)
{
    const auto out = parsed.value("--out");
    if (!out)
        throw UsageError{"missing --out FILE.pdf"};
    const QString outPath = QString::fromStdString(*out);
    if (QFileInfo(outPath).suffix().toLower() != QLatin1String("pdf"))
        throw UsageError{"--out must name a .pdf file, got '" + clippedPath(*out) + "'"};
    const long feature = parsed.value("--feature") ? parseIndex("--feature", *parsed.value("--feature")) : 0;
    const long sample = parsed.value("--sample") ? parseIndex("--sample", *parsed.value("--sample")) : 0;
    LoadedAnyLayer loaded = loadAndAnalyzeAnyLayer(parsed);
    if (feature >= loaded.session.features())
        throw UsageError{"--feature " + std::to_string(feature) + " is not a feature of " + loaded.name +
                         " (it has " + std::to_string(loaded.session.features()) + ")"};
    const NormConfig& norm = loaded.session.norm;
    if (parsed.has("--sample") && (norm.isEval() || norm.layerOrDefault() == Layer::BatchNorm))
        throw UsageError{"--sample applies to layer norm, RMSNorm and group norm, whose statistics are per "
                         "sample; " + loaded.name + " is " + std::string(layerTitle(norm.layerOrDefault())) +
                         (norm.isEval() ? " in eval mode" : "") + ", one statistic per feature (--feature J)"};
    if (sample >= loaded.session.samples())
        throw UsageError{"--sample " + std::to_string(sample) + " is not a sample of " + loaded.name +
                         " (it has " + std::to_string(loaded.session.samples()) + ")"};
    const QString problem = files::checkWritable(outPath);
    if (!problem.isEmpty())
        throw BadInput{problem.toStdString()};

    const QtStart qt("handout");
    ui::SessionDocument document;  // every layer: the document computes its own (session_document.h)
    const std::string& path = parsed.positional.front();
    document.reset(std::move(loaded.session), path == "-" ? QString() : QString::fromStdString(path));
    if (!document.isComputed())  // analysed once already: only a fault of ours gets here
        throw Failed{loaded.name + ": " + document.whyNoAnalysis().toStdString()};
    ui::DisplaySettings display;
    QString error;
    if (!ui::writeHandout(document, display, {int(feature), int(sample)}, outPath, &error))
        throw Failed{error.toStdString()};
    return {};
}

}  // namespace bnflow::cli
