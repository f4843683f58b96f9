// pluggedIn(): a step's one-line formula with one feature's numbers, generated from the step's
// template in the catalogue. Every number shown is read from the session or the analysis:
// nothing is computed here.
#include "catalogue.h"

#include <cstdio>
#include <stdexcept>

namespace bnflow {
namespace {

constexpr Eigen::Index kShown = 4;  // values listed before eliding the middle of a column

class Writer {
public:
    Writer(const Session& session, const Analysis& analysis, Eigen::Index feature, int digits)
        : session_(session), analysis_(analysis), j_(feature), digits_(digits)
    {
    }

    std::string num(double v) const
    {
        char buffer[40];
        std::snprintf(buffer, sizeof buffer, "%.*g", digits_, v);
        std::string s = buffer;
        if (!s.empty() && s[0] == '-')
            s = "\u2212" + s.substr(1);  // a real minus sign
        return s;
    }

    // A number that exercise mode hides is a "?" (exercise.h).
    std::string cell(std::string_view id, const Eigen::Map<const Matrix>& m, Eigen::Index i,
                     Eigen::Index j) const
    {
        return session_.exercise.isHidden(id, i, j) ? std::string("?") : num(m(i, j));
    }

    // Feature j's value of a quantity: one number, or its column [a, b, …, z].
    std::string value(std::string_view id) const
    {
        const auto v = valueOf(id, session_, analysis_);
        switch (quantity(id).extent) {
        case Extent::Scalar: return cell(id, v, 0, 0);
        case Extent::PerFeature: return cell(id, v, 0, j_);
        case Extent::PerElement:
        case Extent::PerSet: return "[" + joined(id, v, ", ") + "]";
        }
        return {};
    }

    // The sum over feature j's column: (a + b + … + z).
    std::string sum(std::string_view id) const
    {
        return "(" + joined(id, valueOf(id, session_, analysis_), " + ") + ")";
    }

    std::string samples() const { return std::to_string(session_.samples()); }

private:
    std::string joined(std::string_view id, const Eigen::Map<const Matrix>& m,
                       const char* separator) const
    {
        std::string out;
        const Eigen::Index n = m.rows();
        for (Eigen::Index i = 0; i < n; ++i) {
            if (i > 0)
                out += separator;
            if (n > kShown + 1 && i == kShown - 1) {
                out += "\u2026";
                out += separator;
                i = n - 1;
            }
            out += cell(id, m, i, j_);
        }
        return out;
    }

    const Session& session_;
    const Analysis& analysis_;
    Eigen::Index j_;
    int digits_;
};

// Expands a template: {id} and {Σid} become symbols (numbers == false) or feature j's values.
std::string expand(std::string_view formula, const Writer& w, bool numbers)
{
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
        constexpr std::string_view kSum = "\u03a3";
        if (token == "N") {
            out += numbers ? w.samples() : "N";
        } else if (token.starts_with(kSum)) {
            token.remove_prefix(kSum.size());
            out += numbers ? w.sum(token) : "\u03a3 " + std::string(quantity(token).symbol);
        } else {
            out += numbers ? w.value(token) : std::string(quantity(token).symbol);
        }
        at = close + 1;
    }
    return out;
}

}  // namespace

std::string pluggedIn(const Step& step, const Session& s, const Analysis& a, Eigen::Index j,
                      int digits)
{
    if (j < 0 || j >= s.features())
        throw std::out_of_range("pluggedIn: no feature " + std::to_string(j));
    const Writer w(s, a, j, digits);
    std::string_view formula = step.formula;
    const bool listInputs = formula.starts_with('~');
    if (listInputs)
        formula.remove_prefix(1);
    std::string line = std::string(step.output().symbol) + " = " + expand(formula, w, false);
    if (listInputs) {
        std::string separator = ",  with ";
        for (const std::string_view input : step.inputs) {
            line += separator + std::string(quantity(input).symbol) + " = " + w.value(input);
            separator = ", ";
        }
        return line + "  \u2192  " + w.value(step.id);
    }
    return line + " = " + expand(formula, w, true) + " = " + w.value(step.id);
}

}  // namespace bnflow
