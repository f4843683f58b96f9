#include "family_report.h"

#include "family_catalogue.h"
#include "json_format.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <stdexcept>

namespace bnflow {

FamilyShape familyShape(std::string_view id)
{
    // What is per feature in every layer: the parameters, their gradients (sums over the
    // samples) and batch norm's running statistics.
    for (const std::string_view f : {"gamma", "beta", "dgamma", "dbeta", "fused_dgamma", "fused_dbeta",
                                     "running_mean", "running_var", "updated_running_mean",
                                     "updated_running_var"})
        if (id == f)
            return FamilyShape::PerFeature;
    if (id == "dx_via_mean")  // batch norm keeps it per column; the family broadcasts it (family.h)
        return FamilyShape::PerElement;
    switch (quantity(id).extent) {
    case Extent::Scalar: return FamilyShape::Scalar;
    case Extent::PerElement: return FamilyShape::PerElement;
    case Extent::PerFeature:
    case Extent::PerSet: return FamilyShape::PerSet;
    }
    return FamilyShape::PerSet;
}

std::vector<std::string_view> familyCsvIds(const Session& s, const FamilyAnalysis& a)
{
    std::vector<std::string_view> ids = {"x", "dout"};
    if (s.norm.runningMean)
        ids.push_back("running_mean");
    if (s.norm.runningVar)
        ids.push_back("running_var");
    for (const Step& step : steps(a.reduction.layer, a.reduction.eval ? Mode::Eval : Mode::Train))
        ids.push_back(step.id);
    if (a.running) {
        ids.push_back("updated_running_mean");
        ids.push_back("updated_running_var");
    }
    std::vector<std::string_view> once;
    for (const std::string_view id : ids)
        if (std::find(once.begin(), once.end(), id) == once.end())
            once.push_back(id);
    return once;
}

namespace {

std::string csvField(std::string_view text)
{
    if (text.find_first_of(",\"\r\n") == std::string_view::npos)
        return std::string(text);
    std::string out = "\"";
    for (const char c : text)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

// The sample and feature fields of a statistic at (r, c) of the layer's shape.
std::pair<std::string, std::string> setFields(const Reduction& red, Eigen::Index r, Eigen::Index c)
{
    switch (red.layer) {
    case Layer::BatchNorm: return {{}, std::to_string(c)};
    case Layer::GroupNorm: {
        const Eigen::Index size = red.features / red.groups;
        return {std::to_string(r), std::to_string(c * size) + ":" + std::to_string((c + 1) * size)};
    }
    default: return {std::to_string(r), {}};
    }
}

}  // namespace

std::string familyResultsCsv(const Session& s, const FamilyAnalysis& a)
{
    std::string out = "quantity,sample,feature,value\n";
    for (const std::string_view id : familyCsvIds(s, a)) {
        const auto m = familyValueOf(id, s, a);
        const FamilyShape shape = familyShape(id);
        const std::string name = csvField(id) + ",";
        for (Eigen::Index i = 0; i < m.rows(); ++i) {
            for (Eigen::Index j = 0; j < m.cols(); ++j) {
                std::pair<std::string, std::string> where;
                bool hidden = false;
                switch (shape) {
                case FamilyShape::Scalar: break;
                case FamilyShape::PerFeature:
                    where = {{}, std::to_string(j)};
                    hidden = s.exercise.isHidden(id, 0, j);
                    break;
                case FamilyShape::PerElement:
                    where = {std::to_string(i), std::to_string(j)};
                    hidden = s.exercise.isHidden(id, i, j);
                    break;
                case FamilyShape::PerSet:
                    where = setFields(a.reduction, i, j);
                    hidden = s.exercise.hidesAny(id);
                    break;
                }
                out += name + csvField(where.first) + "," + csvField(where.second) + "," +
                       (hidden ? std::string() : json::shortest(m(i, j))) + "\n";
            }
        }
    }
    return out;
}

std::string familyFormulaText(const Step& step)
{
    std::string_view formula = step.formula;
    if (formula.starts_with('~') || formula.starts_with('='))  // pluggedIn()'s marks
        formula.remove_prefix(1);
    std::string out;
    std::size_t at = 0;
    while (at < formula.size()) {
        const std::size_t open = formula.find('{', at);
        out += formula.substr(at, open - at);
        if (open == std::string_view::npos)
            break;
        const std::size_t close = formula.find('}', open);
        if (close == std::string_view::npos)
            throw std::logic_error("unclosed { in the template " + std::string(formula));
        std::string_view token = formula.substr(open + 1, close - open - 1);
        // {M}: the set size; {Σ}, {Σid}: a sum over the set (family_catalogue.cpp's templates).
        constexpr std::string_view kSum = "\u03a3";
        if (token == "N" || token == "M") {
            out += token;
        } else if (token.starts_with(kSum)) {
            token.remove_prefix(kSum.size());
            out += "\u03a3_set" + (token.empty() ? std::string() : " " + std::string(quantity(token).symbol));
        } else {
            out += quantity(token).symbol;
        }
        at = close + 1;
    }
    return std::string(step.output().symbol) + " = " + out;
}

}  // namespace bnflow
