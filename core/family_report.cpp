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

namespace {

constexpr Eigen::Index kShown = 4;  // values listed before eliding the middle

// The elements one plugged-in line shows: rows [row0, row1) x columns [col0, col1) of the batch.
struct Window {
    Eigen::Index row0, row1, col0, col1;
};

class FamilyWriter {
public:
    FamilyWriter(const Session& s, const FamilyAnalysis& a, Window w, int digits)
        : s_(s), a_(a), w_(w), digits_(digits)
    {
    }

    std::string num(double v) const
    {
        char buffer[40];
        std::snprintf(buffer, sizeof buffer, "%.*g", digits_, v);
        std::string text = buffer;
        if (!text.empty() && text[0] == '-')
            text = "\u2212" + text.substr(1);
        return text;
    }

    std::string cell(std::string_view id, const Eigen::Map<const Matrix>& m, Eigen::Index i, Eigen::Index j) const
    {
        return s_.exercise.isHidden(id, i, j) ? std::string("?") : num(m(i, j));
    }

    // The window's values of a quantity: one number, or a list [a, b, …, z].
    std::string value(std::string_view id) const
    {
        const auto m = familyValueOf(id, s_, a_);
        if (m.size() == 0)
            return "(none)";
        std::vector<std::string> cells;
        switch (familyShape(id)) {
        case FamilyShape::Scalar: return num(m(0, 0));
        case FamilyShape::PerSet: {
            const Eigen::Index r = a_.reduction.statRow(w_.row0), c = a_.reduction.statCol(w_.col0);
            return s_.exercise.hidesAny(id) ? std::string("?") : num(m(r, c));
        }
        case FamilyShape::PerFeature:
            for (Eigen::Index j = w_.col0; j < w_.col1; ++j)
                cells.push_back(cell(id, m, 0, j));
            break;
        case FamilyShape::PerElement:
            for (Eigen::Index i = w_.row0; i < w_.row1; ++i)
                for (Eigen::Index j = w_.col0; j < w_.col1; ++j)
                    cells.push_back(cell(id, m, i, j));
            break;
        }
        if (cells.size() == 1)
            return cells.front();
        std::string out = "[";
        for (std::size_t k = 0; k < cells.size(); ++k) {
            if (k > 0)
                out += ", ";
            if (cells.size() > std::size_t(kShown) + 1 && k == std::size_t(kShown) - 1) {
                out += "\u2026, ";
                k = cells.size() - 1;
            }
            out += cells[k];
        }
        return out + "]";
    }

private:
    const Session& s_;
    const FamilyAnalysis& a_;
    Window w_;
    int digits_;
};

// Whether the template uses the letter `c` on its own (the set size M, the feature count D).
bool usesConstant(std::string_view formula, char c)
{
    for (std::size_t k = 0; k < formula.size(); ++k) {
        if (formula[k] != c)
            continue;
        const bool before = k > 0 && std::isalnum(static_cast<unsigned char>(formula[k - 1]));
        const bool after = k + 1 < formula.size() && std::isalnum(static_cast<unsigned char>(formula[k + 1]));
        if (!before && !after)
            return true;
    }
    return false;
}

}  // namespace

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

std::string familyPluggedIn(const Step& step, const Session& s, const FamilyAnalysis& a,
                            Eigen::Index feature, int digits)
{
    if (feature < 0 || feature >= s.features())
        throw std::out_of_range("familyPluggedIn: no feature " + std::to_string(feature));
    const Reduction& r = a.reduction;
    // A sum over the samples, or batch norm's sets (columns): feature's column. Otherwise the
    // set that holds x[0][feature]: row 0, or its group of features.
    const bool column = familyShape(step.id) == FamilyShape::PerFeature || r.layer == Layer::BatchNorm;
    Window w{0, s.samples(), feature, feature + 1};
    std::string where = "feature " + std::to_string(feature) + ": x[*][" + std::to_string(feature) + "]";
    if (!column) {
        const Eigen::Index size = r.layer == Layer::GroupNorm ? r.features / r.groups : r.features;
        const Eigen::Index first = r.layer == Layer::GroupNorm ? (feature / size) * size : 0;
        w = {0, 1, first, first + size};
        where = "sample 0" + std::string(r.layer == Layer::GroupNorm
                                             ? ", group " + std::to_string(feature / size)
                                             : std::string()) +
                ": " + r.setName(0, r.statCol(feature));
    }
    const FamilyWriter writer(s, a, w, digits);
    std::string line = familyFormulaText(step);
    if (usesConstant(step.formula, 'M'))
        line += ",  M = " + std::to_string(r.count());
    if (usesConstant(step.formula, 'D'))
        line += ",  D = " + std::to_string(s.features());
    std::string separator = ",  with ";
    for (const std::string_view input : step.inputs) {
        line += separator + std::string(quantity(input).symbol) + " = " + writer.value(input);
        separator = ", ";
    }
    return line + "  \u2192  " + writer.value(step.id) + "   (" + where + ")";
}

}  // namespace bnflow
