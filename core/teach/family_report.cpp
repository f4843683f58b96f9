#include <core/teach/family_report.h>

#include <core/io/csv.h>
#include <core/teach/family_catalogue.h>
#include <core/io/json_format.h>

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
    for (const Step& step : steps(layerSpec(a.reduction)))
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

// "3" or, for channel c of L > 1 positions, its features "cL:(c+1)L" (the notation of a group).
std::string featureField(const Reduction& red, Eigen::Index c)
{
    if (red.positions == 1)
        return std::to_string(c);
    return std::to_string(c * red.positions) + ":" + std::to_string((c + 1) * red.positions);
}

// The sample and feature fields of a statistic at (r, c) of the layer's shape.
std::pair<std::string, std::string> setFields(const Reduction& red, Eigen::Index r, Eigen::Index c)
{
    switch (red.layer) {
    case Layer::BatchNorm: return {{}, featureField(red, c)};
    case Layer::GroupNorm: {
        const Eigen::Index size = red.features / red.groups;
        return {std::to_string(r), std::to_string(c * size) + ":" + std::to_string((c + 1) * size)};
    }
    case Layer::LayerNorm:
    case Layer::RmsNorm: return {std::to_string(r), {}};
    }
    return {};
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
                case FamilyShape::PerFeature:  // per channel in a spatial session
                    where = {{}, m.cols() == a.reduction.features ? std::to_string(j)
                                                                  : featureField(a.reduction, j)};
                    hidden = s.exercise.isHidden(id, 0, j);
                    break;
                case FamilyShape::PerElement:
                    where = {std::to_string(i), std::to_string(j)};
                    hidden = s.exercise.isHidden(id, i, j);
                    break;
                case FamilyShape::PerSet:
                    where = setFields(a.reduction, i, j);
                    hidden = s.exercise.isHidden(id, i, j);  // (i, j) of the statistics' own shape
                    break;
                }
                out += name + csvField(where.first) + "," + csvField(where.second) + "," +
                       (hidden ? std::string() : json::shortest(m(i, j))) + "\n";
            }
        }
    }
    return out;
}

}  // namespace bnflow
