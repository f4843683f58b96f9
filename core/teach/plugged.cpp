// pluggedIn(): a step's one-line formula with the numbers of one set (the elements that share a
// statistic: feature j's column for batch norm, a row or a block of a row for the rest of the
// family), generated from the step's template in the catalogue. Every number shown is read from
// the session or the analysis: nothing is computed here.
#include <core/teach/catalogue.h>
#include <core/teach/family_catalogue.h>
#include <core/layers/layer_spec.h>

#include <cstdio>
#include <functional>
#include <stdexcept>

namespace bnflow {
namespace {

constexpr Eigen::Index kShown = 4;  // values listed before eliding the middle of a set

using Lookup = std::function<Eigen::Map<const Matrix>(std::string_view)>;

// One set of an N x D batch (doc/derivation.md#reductions) and how the templates name it.
struct SetView {
    Eigen::Index samples = 0, features = 0;    // N, D
    Eigen::Index statRows = 0, statCols = 0;   // the shape of the layer's statistics
    Eigen::Index statRow = 0, statCol = 0;     // this set's statistic
    Eigen::Index row0 = 0, rows = 0, col0 = 0, cols = 0;  // its block of the batch
    Eigen::Index positions = 1;  // L: a per-channel value (gamma, ...) covers L features
    std::string countSymbol;  // {M}, {N}: "N" (a column), "D" (a row), "M" (a group)
    std::string sumSymbol;    // {Σid}, {Σ}: "Σ" (batch norm's column), "Σ_j", "Σ_(j∈g)", "Σ_i"
};

class Writer {
public:
    Writer(const Session& session, Lookup lookup, SetView set, int digits)
        : session_(session), lookup_(std::move(lookup)), set_(std::move(set)), digits_(digits)
    {
    }

    std::string num(double v) const
    {
        if (v == 0)
            v = 0.0;  // -0.0 reads as a sign to explain; the display shows 0 (JSON keeps -0.0)
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

    // The set's value of a quantity: one number (a scalar, the set's statistic, a feature's value
    // when the set is one column), or the list [a, b, …, z] of its elements or features.
    std::string value(std::string_view id) const
    {
        const auto m = matrix(id);
        switch (kindOf(id, m)) {
        case Kind::Scalar: return cell(id, m, 0, 0);
        case Kind::Statistic: return cell(id, m, set_.statRow, set_.statCol);
        case Kind::Element: return "[" + joined(id, m, elements(), ", ") + "]";
        case Kind::Feature:
            if (set_.cols == set_.positions)  // one feature, or one channel
                return cell(id, m, 0, set_.col0 / set_.positions);
            return "[" + joined(id, m, features(), ", ") + "]";
        }
        return {};
    }

    // The sum over the set's elements, written out: (a + b + … + z).
    std::string sum(std::string_view id) const
    {
        const auto m = matrix(id);
        if (kindOf(id, m) != Kind::Element)
            throw std::logic_error("a sum over the set of " + std::string(id) + ", which is not per element");
        return "(" + joined(id, m, elements(), " + ") + ")";
    }

    std::string samples() const { return std::to_string(set_.samples); }
    std::string count() const { return std::to_string(set_.rows * set_.cols); }
    const std::string& countSymbol() const { return set_.countSymbol; }
    const std::string& sumSymbol() const { return set_.sumSymbol; }

private:
    enum class Kind { Scalar, Statistic, Element, Feature };
    using Cells = std::vector<std::pair<Eigen::Index, Eigen::Index>>;

    Eigen::Map<const Matrix> matrix(std::string_view id) const
    {
        const auto m = lookup_(id);
        if (m.size() == 0)
            throw std::logic_error("this layer has no value for " + std::string(id));
        return m;
    }

    // By the value's shape: a statistic is in the layer's statistics shape, and where two shapes
    // coincide (one sample, one feature) so do the cells they pick.
    Kind kindOf(std::string_view id, const Eigen::Map<const Matrix>& m) const
    {
        const Extent extent = quantity(id).extent;
        if (extent == Extent::Scalar)
            return Kind::Scalar;
        if (extent == Extent::PerElement)
            return Kind::Element;
        if (m.rows() == set_.statRows && m.cols() == set_.statCols)
            return Kind::Statistic;
        if (m.rows() == set_.samples && m.cols() == set_.features)
            return Kind::Element;  // a statistic broadcast to every element (the family's dx via mean)
        return Kind::Feature;
    }

    Cells elements() const
    {
        Cells all;
        for (Eigen::Index i = set_.row0; i < set_.row0 + set_.rows; ++i)
            for (Eigen::Index j = set_.col0; j < set_.col0 + set_.cols; ++j)
                all.emplace_back(i, j);
        return all;
    }

    // The set's features, or its channels in a spatial session (gamma, beta, ... per channel).
    Cells features() const
    {
        Cells all;
        for (Eigen::Index j = set_.col0; j < set_.col0 + set_.cols; j += set_.positions)
            all.emplace_back(0, j / set_.positions);
        return all;
    }

    std::string joined(std::string_view id, const Eigen::Map<const Matrix>& m, const Cells& cells,
                       const char* separator) const
    {
        std::string out;
        const std::size_t n = cells.size();
        for (std::size_t k = 0; k < n; ++k) {
            if (k > 0)
                out += separator;
            if (n > kShown + 1 && k == kShown - 1) {
                out += "\u2026";
                out += separator;
                k = n - 1;
            }
            out += cell(id, m, cells[k].first, cells[k].second);
        }
        return out;
    }

    const Session& session_;
    Lookup lookup_;
    SetView set_;
    int digits_;
};

constexpr std::string_view kSum = "\u03a3";

// Expands a template: {id} and {Σid} become symbols (numbers == false) or the set's values.
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
        if (token == "N") {
            out += numbers ? w.samples() : "N";
        } else if (token == "M") {
            out += numbers ? w.count() : w.countSymbol();
        } else if (token == kSum) {
            // The sign alone reads only before symbols: its numbers would be a sum of products.
            if (numbers)
                throw std::logic_error("{Σ} outside a '~' template: " + std::string(formula));
            out += w.sumSymbol();
        } else if (token.starts_with(kSum)) {
            token.remove_prefix(kSum.size());
            out += numbers ? w.sum(token) : w.sumSymbol() + " " + std::string(quantity(token).symbol);
        } else {
            out += numbers ? w.value(token) : std::string(quantity(token).symbol);
        }
        at = close + 1;
    }
    return out;
}

// A leading '~' lists the inputs' values after "with"; a leading '=' shows only the result
// (a sum over other sets than this one); otherwise the numbers are plugged into the formula.
std::string line(const Step& step, const Writer& w)
{
    std::string_view formula = step.formula;
    const char mark = formula.empty() ? '\0' : formula.front();
    if (mark == '~' || mark == '=')
        formula.remove_prefix(1);
    std::string text = std::string(step.output().symbol) + " = " + expand(formula, w, false);
    if (mark == '~') {
        std::string separator = ",  with ";
        for (const std::string_view input : step.inputs) {
            text += separator + std::string(quantity(input).symbol) + " = " + w.value(input);
            separator = ", ";
        }
    }
    if (mark == '~' || mark == '=')
        return text + "  \u2192  " + w.value(step.id);
    return text + " = " + expand(formula, w, true) + " = " + w.value(step.id);
}

}  // namespace

std::string pluggedIn(const Step& step, const Session& s, const Analysis& a, Eigen::Index j,
                      int digits)
{
    if (j < 0 || j >= s.features())
        throw std::out_of_range("pluggedIn: no feature " + std::to_string(j));
    SetView column;
    column.samples = s.samples();
    column.features = s.features();
    column.statRows = 1;
    column.statCols = s.features();
    column.statCol = j;
    column.rows = s.samples();
    column.col0 = j;
    column.cols = 1;
    column.countSymbol = "N";
    column.sumSymbol = std::string(kSum);
    const Writer w(s, [&](std::string_view id) { return valueOf(id, s, a); }, column, digits);
    return line(step, w);
}

std::string pluggedIn(const Step& step, const Session& s, const FamilyAnalysis& a,
                      Eigen::Index setRow, Eigen::Index setCol, int digits)
{
    const Reduction& r = a.reduction;
    if (setRow < 0 || setRow >= r.statRows() || setCol < 0 || setCol >= r.statCols())
        throw std::out_of_range("pluggedIn: " + std::string(layerName(r.layer)) + " has no set (" +
                                std::to_string(setRow) + ", " + std::to_string(setCol) + ")");
    SetView set;
    set.samples = r.samples;
    set.features = r.features;
    set.statRows = r.statRows();
    set.statCols = r.statCols();
    set.statRow = setRow;
    set.statCol = setCol;
    const LayerSpec& spec = layerSpec(r);
    set.positions = r.positions;
    if (r.layer == Layer::BatchNorm) {  // a column, or a channel's N x L entries
        set.rows = r.samples;
        set.col0 = setCol * r.positions;
        set.cols = r.positions;
    } else {  // row i, or group g of row i: D / G consecutive features
        set.row0 = setRow;
        set.rows = 1;
        set.cols = r.features / r.statCols();
        set.col0 = setCol * set.cols;
    }
    set.countSymbol = spec.countSymbol;
    set.sumSymbol = spec.sumSymbol;
    const Writer w(s, [&](std::string_view id) { return familyValueOf(id, s, a); }, set, digits);
    return line(step, w);
}

}  // namespace bnflow
