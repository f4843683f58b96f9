// bnflow-cli grad and gradcheck.
#include "cli.h"

#include <analysis.h>
#include <gradcheck.h>
#include <json_format.h>
#include <report.h>
#include <session_json.h>

#include <cmath>

namespace bnflow::cli {

const CommandSpec kGradSpec{
    "grad", "SESSION", "forward values, staged and fused gradients, as JSON",
    R"(Reads a session file (*.bnflow.json; - reads standard input) and prints one JSON object:
the forward values, every gradient of the staged chain rule, the fused gradients and the
largest |fused - staged|. Numbers are in shortest round-trip form and always read as floating
point (1.0, -0.0); matrices are arrays of rows.
)",
    {}};

const CommandSpec kGradcheckSpec{
    "gradcheck", "SESSION [--h H]", "central-difference check of the gradients, as JSON",
    R"(Checks the fused gradients against central differences of f = sum(y * dout) in float64 and
prints {"h": H, "max_rel_error": {"dx": e, "dgamma": e, "dbeta": e}}. The relative error of an
entry is |a - b| / max(|a|, |b|, 1e-300); below 1e-7 is a pass (CS231n's threshold).
SESSION - reads standard input.
)",
    {{"h", "H", "the finite-difference step, 0 < H <= 1 (default 1e-5)"}}};

Output gradCommand(const ParsedArgs& parsed)
{
    const Loaded loaded = loadAndAnalyze(parsed);
    return gradJson(loaded.session, loaded.analysis);
}

Output gradcheckCommand(const ParsedArgs& parsed)
{
    double h = 1e-5;
    if (const auto text = parsed.value("--h")) {
        h = parseNumber("--h", *text);
        if (!(h > 0 && h <= 1))
            throw UsageError{"option --h must be in (0, 1], got " + *text};
    }
    const Loaded loaded = loadAndAnalyze(parsed);
    const GradCheckReport report = gradientCheck(loaded.session, h, Dtype::F64);
    for (const double e : {report.maxRelDx, report.maxRelDgamma, report.maxRelDbeta})
        if (!std::isfinite(e))
            throw BadInput{loaded.name +
                           ": the finite differences overflow a double at h = " + json::number(h) +
                           "; the inputs are too large to check numerically"};
    return "{\"h\": " + json::number(h) + ", \"max_rel_error\": {\"dx\": " +
           json::number(report.maxRelDx) + ", \"dgamma\": " + json::number(report.maxRelDgamma) +
           ", \"dbeta\": " + json::number(report.maxRelDbeta) + "}}\n";
}

}  // namespace bnflow::cli
