#include <core/teach/precision_report.h>

#include <core/layers/layer_spec.h>
#include <core/teach/catalogue.h>
#include <core/teach/family_catalogue.h>

#include <algorithm>
#include <cmath>

namespace bnflow {
namespace {

// The values the emulation stored for an input of the session: the session's, rounded once.
Matrix roundedInput(NumberType type, const Eigen::Map<const Matrix>& value)
{
    return value.unaryExpr([type](double v) { return roundTo(type, v); });
}

}  // namespace

const QuantityError* PrecisionReport::find(std::string_view id) const
{
    const auto at = std::find_if(quantities.begin(), quantities.end(), [&](const QuantityError& q) { return q.id == id; });
    return at == quantities.end() ? nullptr : &*at;
}

double unitRoundoff(NumberType type)
{
    return std::ldexp(1.0, -significandBits(type));
}

PrecisionReport precisionReport(const Session& session, NumberType type, NumberType accumulate)
{
    PrecisionReport report;
    report.type = type;
    report.accumulate = accumulate;
    FamilyResult reference = analyzeFamily(session);
    if (!reference.ok()) {
        report.problems = std::move(reference.problems);
        return report;
    }
    const FamilyAnalysis& f64 = *reference.analysis;
    report.run = emulatePrecision(session, type, accumulate);
    report.overflow = report.run.overflow;
    report.errors = errorsAgainst(report.run.analysis, f64);

    for (const char* id : {"x", "gamma", "beta", "eps", "running_mean", "running_var", "dout"}) {
        const auto value = familyValueOf(id, session, f64);
        if (value.size() == 0)
            continue;
        QuantityError q{id, scaledError(roundedInput(type, value), value)};
        q.overflowed = report.overflow == q.id;
        report.quantities.push_back(std::move(q));
    }
    const double floor = unitRoundoff(type);
    for (const Step& step : steps(layerSpec(f64.reduction))) {
        const auto reference64 = familyValueOf(step.id, session, f64);
        const auto emulated = familyValueOf(step.id, session, report.run.analysis);
        if (reference64.size() == 0 || emulated.size() != reference64.size())
            continue;
        QuantityError q{std::string(step.id), scaledError(emulated, reference64)};
        q.vanishes = reference64.cwiseAbs().maxCoeff() <= familyRoundingLevel(step.id, session, f64);
        for (std::string_view input : step.inputs) {
            if (input == "dy")
                input = "dout";
            const QuantityError* read = report.find(input);
            if (read && !read->vanishes)
                q.inputError = std::max(q.inputError, read->error);
            if (read && (read->overflowed || read->afterOverflow))
                q.afterOverflow = true;
        }
        q.overflowed = report.overflow == q.id;
        const bool jumps = !q.vanishes && q.error > kBirthFactor * std::max(q.inputError, floor);
        if (!report.birth && (report.overflow ? q.overflowed : jumps))
            report.birth = q.id;
        report.quantities.push_back(std::move(q));
    }
    // An input out of T's range overflowed before any step.
    if (report.overflow && !report.birth)
        report.birth = report.overflow;
    for (QuantityError& q : report.quantities)
        q.born = report.birth == q.id;
    return report;
}

}  // namespace bnflow
