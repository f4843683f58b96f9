// bnflow-cli grad and gradcheck.
#include "cli.h"
#include "options.h"

#include <analysis.h>
#include <gradcheck.h>
#include <json_format.h>
#include <report.h>
#include <session_json.h>

#include <cmath>

namespace bnflow::cli {

const char* const kGradHelp = R"(Usage: bnflow-cli grad SESSION

Reads a session file (*.bnflow.json) and prints one JSON object: the forward values, every
gradient of the staged chain rule, the fused gradients and the largest |fused - staged|.
Numbers are in shortest round-trip form; matrices are arrays of rows.
)";

const char* const kGradcheckHelp = R"(Usage: bnflow-cli gradcheck SESSION [--h H]

Checks the fused gradients against central differences of f = sum(y * dout) in float64 and
prints {"h": H, "max_rel_error": {"dx": e, "dgamma": e, "dbeta": e}}. The relative error of an
entry is |a - b| / max(|a|, |b|, 1e-300); below 1e-7 is a pass (CS231n's threshold).

Options:
  --h H      the finite-difference step, 0 < H <= 1 (default 1e-5)
)";

Loaded loadAndAnalyze(const ParsedArgs& parsed)
{
    if (parsed.positional.empty())
        throw UsageError{"missing SESSION (a .bnflow.json file)"};
    if (parsed.positional.size() > 1)
        throw UsageError{"unexpected argument '" + parsed.positional[1] + "'"};
    const std::string& path = parsed.positional.front();
    const auto fail = [&path](const Problems& problems) {
        std::string message = path + ": " + formatProblem(problems.front());
        if (problems.size() > 1)
            message += " (and " + std::to_string(problems.size() - 1) + " more)";
        return BadInput{message};
    };
    SessionLoad load = loadSessionFile(path);
    if (!load.ok())
        throw fail(load.problems);
    AnalysisResult result = analyze(*load.session);
    if (!result.ok())
        throw fail(result.problems);
    return {std::move(*load.session), std::move(*result.analysis)};
}

std::string gradCommand(const std::vector<std::string>& args)
{
    const Loaded loaded = loadAndAnalyze(parseArgs(args, {}));
    return gradJson(loaded.session, loaded.analysis);
}

std::string gradcheckCommand(const std::vector<std::string>& args)
{
    const ParsedArgs parsed = parseArgs(args, {{"--h"}, {}});
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
            throw BadInput{parsed.positional.front() +
                           ": the finite differences overflow a double at h = " + json::number(h) +
                           "; the inputs are too large to check numerically"};
    return "{\"h\": " + json::number(h) + ", \"max_rel_error\": {\"dx\": " +
           json::number(report.maxRelDx) + ", \"dgamma\": " + json::number(report.maxRelDgamma) +
           ", \"dbeta\": " + json::number(report.maxRelDbeta) + "}}\n";
}

}  // namespace bnflow::cli
