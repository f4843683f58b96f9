#include <core/teach/report.h>

#include <core/teach/catalogue.h>
#include <core/io/csv.h>
#include <core/teach/family_catalogue.h>
#include <core/io/json_format.h>
#include <core/io/text_stream.h>

#include <sstream>
#include <string_view>
#include <vector>

namespace bnflow {
namespace {

struct Section {
    std::string_view key;                 // "forward"
    std::vector<std::string_view> ids;    // catalogue ids, written under their JSON keys
};

// The grad contract's sections, in its order.
const std::vector<Section>& gradSections()
{
    static const std::vector<Section> sections = {
        {"forward", {"mean", "var", "inv_std", "xhat", "y"}},
        {"staged", {"dxhat", "dvar", "dmean", "dx", "dgamma", "dbeta"}},
        {"fused", {"fused_dx", "fused_dgamma", "fused_dbeta"}},
    };
    return sections;
}

std::string jsonValue(const Quantity& q, const Eigen::Map<const Matrix>& value, int indent)
{
    if (q.extent == Extent::PerElement)
        return json::matrix(value, indent);
    return json::row(value.row(0));
}

}  // namespace

std::string gradJson(const Session& s, const Analysis& a, const RunningUpdate* running)
{
    constexpr int kIndent = 4;
    TextStream out;
    out << "{\n  \"shape\": [" << s.samples() << ", " << s.features() << "],\n";
    for (const Section& section : gradSections()) {
        out << "  \"" << section.key << "\": {\n";
        const char* separator = "";
        for (const std::string_view id : section.ids) {
            const Quantity& q = quantity(id);
            out << separator << "    \"" << q.jsonKey << "\": " << jsonValue(q, valueOf(id, s, a), kIndent);
            separator = ",\n";
        }
        out << "\n  },\n";
    }
    out << "  \"max_abs_diff\": {\"dx\": " << json::number(a.maxAbsDiffDx)
        << ", \"dgamma\": " << json::number(a.maxAbsDiffDgamma)
        << ", \"dbeta\": " << json::number(a.maxAbsDiffDbeta) << "}";
    if (running)
        out << runningJson(*running);
    out << "\n}\n";
    return out.str();
}

std::string resultsCsv(const Session& s, const Analysis& a, const RunningUpdate* running)
{
    static constexpr std::string_view kIds[] = {
        "x", "dout", "mean", "var", "inv_std", "xhat", "y", "dxhat", "dvar", "dmean",
        "dx", "fused_dx", "dx_diff", "dgamma", "dbeta"};
    std::vector<Matrix> values;
    values.reserve(std::size(kIds) + 2);  // named points into it: no reallocation
    std::vector<NamedMatrix> named;
    for (const std::string_view id : kIds) {
        values.emplace_back(valueOf(id, s, a));
        named.push_back({std::string(id), &values.back(), quantity(id).extent != Extent::PerElement,
                         [&s, id](Eigen::Index i, Eigen::Index j) { return s.exercise.isHidden(id, i, j); }});
    }
    if (running) {
        values.emplace_back(running->mean);
        named.push_back({"updated_running_mean", &values.back(), true});
        values.emplace_back(running->var);
        named.push_back({"updated_running_var", &values.back(), true});
    }
    return resultsCsv(named);
}

}  // namespace bnflow
