// bnflow-cli grad and gradcheck.
#include "cli.h"
#include "options.h"

#include <analysis.h>
#include <gradcheck.h>
#include <json_format.h>
#include <session_json.h>

#include <cmath>
#include <sstream>

namespace bnflow::cli {

const char* const kGradHelp = R"(Usage: bnflow-cli grad SESSION

Reads a session file (*.bnflow.json) and prints one JSON object: the forward values, every
gradient of the staged chain rule, the fused gradients and the largest |fused - staged|.
Numbers are in shortest round-trip form; matrices are arrays of rows.
)";

const char* const kGradcheckHelp = R"(Usage: bnflow-cli gradcheck SESSION [--h H] [--samples K]

Checks the fused gradients against central differences of f = sum(y * dout) in float64 and
prints {"h": H, "max_rel_error": {"dx": e, "dgamma": e, "dbeta": e}}. The relative error of an
entry is |a - b| / max(|a|, |b|, 1e-300); below 1e-7 is a pass (CS231n's threshold).
Checking every entry of dx costs O(N^2 D): on a large batch (N x D x N above 2.5e8) a seeded
random sample of dx entries is checked instead, and the output says how many: "samples": K.
dgamma and dbeta are always checked whole. An overflow anywhere is bad input, never a pass.

Options:
  --h H        the finite-difference step, 0 < H <= 1 (default 1e-5)
  --samples K  check K entries of dx, drawn at random with a fixed seed (K >= 1)
)";

Loaded loadAndAnalyze(const ParsedArgs& parsed)
{
    if (parsed.positional.empty())
        throw UsageError{"missing SESSION (a .bnflow.json file)"};
    if (parsed.positional.size() > 1)
        throw UsageError{"unexpected argument '" + parsed.positional[1] + "'"};
    const std::string& path = parsed.positional.front();
    const auto fail = [&path](const Problems& problems) {
        std::string message = oneLine(clippedPath(path)) + ": " + formatProblem(problems.front());
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
    const Analysis& a = loaded.analysis;
    const auto& f = a.forward;
    const auto& s = a.staged;
    const auto& fused = a.fused.grads;
    constexpr int kIndent = 4;
    std::ostringstream out;
    out << "{\n  \"shape\": [" << loaded.session.samples() << ", " << loaded.session.features()
        << "],\n";
    out << "  \"forward\": {\n"
        << "    \"mean\": " << json::row(f.mean) << ",\n"
        << "    \"var\": " << json::row(f.var) << ",\n"
        << "    \"inv_std\": " << json::row(f.invStd) << ",\n"
        << "    \"xhat\": " << json::matrix(f.xhat, kIndent) << ",\n"
        << "    \"y\": " << json::matrix(f.y, kIndent) << "\n  },\n";
    out << "  \"staged\": {\n"
        << "    \"dxhat\": " << json::matrix(s.dxhat, kIndent) << ",\n"
        << "    \"dvar\": " << json::row(s.dvar) << ",\n"
        << "    \"dmean\": " << json::row(s.dmean) << ",\n"
        << "    \"dx\": " << json::matrix(s.dx, kIndent) << ",\n"
        << "    \"dgamma\": " << json::row(s.dgamma) << ",\n"
        << "    \"dbeta\": " << json::row(s.dbeta) << "\n  },\n";
    out << "  \"fused\": {\n"
        << "    \"dx\": " << json::matrix(fused.dx, kIndent) << ",\n"
        << "    \"dgamma\": " << json::row(fused.dgamma) << ",\n"
        << "    \"dbeta\": " << json::row(fused.dbeta) << "\n  },\n";
    out << "  \"max_abs_diff\": {\"dx\": " << json::number(a.maxAbsDiffDx)
        << ", \"dgamma\": " << json::number(a.maxAbsDiffDgamma)
        << ", \"dbeta\": " << json::number(a.maxAbsDiffDbeta) << "}\n}\n";
    return out.str();
}

std::string gradcheckCommand(const std::vector<std::string>& args)
{
    const ParsedArgs parsed = parseArgs(args, {{"--h", "--samples"}, {}});
    GradCheckSettings settings;
    if (const auto text = parsed.value("--h")) {
        settings.h = parseNumber("--h", *text);
        if (!(settings.h > 0 && settings.h <= 1))
            throw UsageError{"option --h must be in (0, 1], got " + clipped(*text)};
    }
    const auto samples = parsed.value("--samples");
    if (samples)
        settings.samples = static_cast<std::size_t>(parseCount("--samples", *samples));
    const Loaded loaded = loadAndAnalyze(parsed);
    if (!samples)
        settings.samples = boundedGradCheckSamples(loaded.session.samples(), loaded.session.features());
    const GradCheckReport report = gradientCheck(loaded.session, settings);
    const std::string path = oneLine(clippedPath(parsed.positional.front()));
    if (!report.ok())  // NonFinite: f overflowed somewhere
        throw BadInput{path + ": " + formatProblem(*report.problem)};
    for (const double e : {report.maxRelDx, report.maxRelDgamma, report.maxRelDbeta})
        if (!std::isfinite(e))  // cannot happen after the check above; never print it as a pass
            throw BadInput{path + ": a relative error is not a finite number"};
    std::string text = "{\"h\": " + json::number(settings.h) + ", \"max_rel_error\": {\"dx\": " +
                       json::number(report.maxRelDx) + ", \"dgamma\": " +
                       json::number(report.maxRelDgamma) + ", \"dbeta\": " +
                       json::number(report.maxRelDbeta) + "}";
    if (samples || report.sampled)  // the count of dx entries checked
        text += ", \"samples\": " + std::to_string(report.checkedDx.size());
    return text + "}\n";
}

}  // namespace bnflow::cli
