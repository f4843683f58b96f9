// bnflow-cli grad and gradcheck.
#include "cli.h"

#include <core/teach/family_catalogue.h>
#include <core/math/gradcheck.h>
#include <core/math/precision.h>
#include <core/io/json_format.h>
#include <core/io/session_json.h>

#include <cmath>

namespace bnflow::cli {

const CommandSpec kGradSpec{
    "grad", "SESSION", "forward values, staged and fused gradients, as JSON",
    R"(Reads a session file (*.bnflow.json; - reads standard input) and prints one JSON object:
the forward values, every gradient of the staged chain rule, the fused gradients and the
largest |fused - staged|. Numbers are in shortest round-trip form and always read as floating
point (1.0, -0.0); matrices are arrays of rows. Every layer of the normalization family is
computed ("layer", "mode"); statistics have the layer's shape (see the README), and with
running statistics in training mode a top-level "running": {"mean": [...], "var": [...]}
holds the updated ones.

--precision T emulates the layer in the number format T (bf16, f16, f32; f64 is plain grad):
every stored value and every operation rounded to nearest even in T, sums in index order in
the --accumulate type (same = T, the default; f32 or f64, never narrower than T). The JSON is
grad's, computed so, plus "precision": {"type": T, "accumulate": A (as given), "error_vs_f64":
{"y": e, "dx": e, "dgamma": e, "dbeta": e}, "overflow": null or the first step that overflowed
T}, e = max |result - float64 result| / max |float64 result|. A value that overflowed T is
written as null, and the exit status is still 0. See doc/precision.md.
)",
    {{"precision", "T", "emulate the layer in T: bf16, f16, f32 or f64"},
     {"accumulate", "A", "with --precision: the type the sums run in: same (T), f32 or f64"}}};

const CommandSpec kGradcheckSpec{
    "gradcheck", "SESSION [--h H] [--samples K]", "central-difference check of the gradients, as JSON",
    R"(Checks the fused gradients against central differences of f = sum(y * dout) in float64 and
prints {"h": H, "max_rel_error": {"dx": e, "dgamma": e, "dbeta": e}}. The relative error of an
entry is |a - b| / max(|a|, |b|, 1e-300); below 1e-7 is a pass (CS231n's threshold).
Checking every entry of dx costs O(N^2 D): on a large batch (N x D x N above 2.5e8) a seeded
random sample of dx entries is checked instead, and the output says how many: "samples": K.
dgamma and dbeta are always checked whole. An overflow anywhere is bad input, never a pass.
Every layer of the session's "layer" is checked (layer norm, RMSNorm and group norm cost
O(N D^2): each difference re-evaluates one row).
SESSION - reads standard input.
)",
    {{"h", "H", "the finite-difference step, 0 < H <= 1 (default 1e-5)"},
     {"samples", "K", "check K entries of dx, drawn at random with a fixed seed (K >= 1)"}}};

namespace {

// --precision T [--accumulate A], read before the session: the type, the accumulate type and
// the accumulate option's text as given ("same" when absent).
struct PrecisionOptions {
    NumberType type = NumberType::F64;
    NumberType accumulate = NumberType::F64;
    std::string accumulateText = "same";
};

std::optional<PrecisionOptions> precisionOptions(const ParsedArgs& parsed)
{
    const auto type = parsed.value("--precision");
    const auto accumulate = parsed.value("--accumulate");
    if (!type) {
        if (accumulate)
            throw UsageError{"option --accumulate needs --precision T"};
        return std::nullopt;
    }
    PrecisionOptions p;
    const auto named = numberTypeNamed(*type);
    if (!named)
        throw UsageError{"option --precision must be bf16, f16, f32 or f64, got '" + clipped(*type) + "'"};
    p.type = p.accumulate = *named;
    if (accumulate) {
        p.accumulateText = *accumulate;
        if (*accumulate != "same") {
            const auto wide = numberTypeNamed(*accumulate);
            if (!wide || (*wide != NumberType::F32 && *wide != NumberType::F64))
                throw UsageError{"option --accumulate must be same, f32 or f64, got '" + clipped(*accumulate) + "'"};
            if (!fitsIn(p.type, *wide))
                throw UsageError{"option --accumulate " + *accumulate + " is narrower than --precision " +
                                 *type + "; sums must run in T or wider"};
            p.accumulate = *wide;
        }
    }
    return p;
}

// ,\n  "precision": {...}, appended to grad's object (which ends in "\n}\n").
std::string withPrecision(std::string json, const PrecisionOptions& p, const PrecisionErrors& e,
                          const std::optional<std::string>& overflow)
{
    constexpr json::NonFinite kNull = json::NonFinite::Null;
    json.resize(json.size() - 3);
    return json + ",\n  \"precision\": {\"type\": " + json::string(numberTypeName(p.type)) +
           ", \"accumulate\": " + json::string(p.accumulateText) + ", \"error_vs_f64\": {\"y\": " +
           json::number(e.y, kNull) + ", \"dx\": " + json::number(e.dx, kNull) + ", \"dgamma\": " +
           json::number(e.dgamma, kNull) + ", \"dbeta\": " + json::number(e.dbeta, kNull) +
           "}, \"overflow\": " + (overflow ? json::string(*overflow) : std::string("null")) + "}\n}\n";
}

std::string plainGrad(const LoadedSession& in)
{
    // Every layer, training batch norm included, through the one reduction (family.h).
    FamilyResult result = analyzeFamily(in.session);
    throwProblems(in.name, result.problems);
    return familyGradJson(in.session, *result.analysis);
}

}  // namespace

Output gradCommand(const ParsedArgs& parsed)
{
    const std::optional<PrecisionOptions> precision = precisionOptions(parsed);
    const LoadedSession in = loadSessionArgument(parsed);
    if (!precision)
        return plainGrad(in);
    if (precision->type == NumberType::F64)  // float64 is plain grad, bit for bit
        return withPrecision(plainGrad(in), *precision, PrecisionErrors{}, std::nullopt);
    // The float64 result the errors are measured against; where it is undefined (plain grad's
    // bad input), so is the emulation's error.
    const FamilyResult reference = analyzeFamily(in.session);
    throwProblems(in.name, reference.problems);
    const PrecisionRun run = emulatePrecision(in.session, precision->type, precision->accumulate);
    return withPrecision(familyGradJson(in.session, run.analysis, json::NonFinite::Null), *precision,
                         errorsAgainst(run.analysis, *reference.analysis), run.overflow);
}

Output gradcheckCommand(const ParsedArgs& parsed)
{
    GradCheckSettings settings;
    if (const auto text = parsed.value("--h")) {
        settings.h = parseNumber("--h", *text);
        if (!(settings.h > 0 && settings.h <= 1))
            throw UsageError{"option --h must be in (0, 1], got " + clipped(*text)};
    }
    const auto samples = parsed.value("--samples");
    if (samples)
        settings.samples = static_cast<std::size_t>(parseCount("--samples", *samples));
    const LoadedSession loaded = loadSessionArgument(parsed);
    const Session& s = loaded.session;
    const bool family = !s.norm.isTrainingBatchNorm();
    // The same problems grad would report, before any difference is taken.
    throwProblems(loaded.name, analyzeFamily(s).problems);
    // An entry costs a column of N for batch norm, a row of D for the family (gradcheck.h): the
    // bound's "rows" argument is that cost.
    if (!samples)
        settings.samples = family ? boundedGradCheckSamples(s.features(), s.samples())
                                  : boundedGradCheckSamples(s.samples(), s.features());
    const GradCheckReport report = gradientCheck(s, settings);
    if (!report.ok())  // NonFinite: f overflowed somewhere
        throw BadInput{loaded.name + ": " + formatProblem(*report.problem)};
    for (const double e : {report.maxRelDx, report.maxRelDgamma, report.maxRelDbeta})
        if (!std::isfinite(e))  // cannot happen after the check above; never print it as a pass
            throw BadInput{loaded.name + ": a relative error is not a finite number"};
    std::string text = "{\"h\": " + json::number(settings.h) + ", \"max_rel_error\": {\"dx\": " +
                       json::number(report.maxRelDx) + ", \"dgamma\": " +
                       json::number(report.maxRelDgamma) + ", \"dbeta\": " +
                       json::number(report.maxRelDbeta) + "}";
    if (samples || report.sampled)  // the count of dx entries checked
        text += ", \"samples\": " + std::to_string(report.checkedDx.size());
    return text + "}\n";
}

}  // namespace bnflow::cli
