#include "reference.h"

#include "fuzzy.h"

#include <core/io/session_json.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace bnflow::test {
namespace {

namespace fs = std::filesystem;
const fs::path kDir = BNFLOW_REFERENCE_DIR;

Matrix toMatrix(const nlohmann::json& value)
{
    if (value.empty())
        return Matrix(0, 0);
    if (!value[0].is_array()) {
        Matrix m(1, static_cast<Eigen::Index>(value.size()));
        for (std::size_t j = 0; j < value.size(); ++j)
            m(0, static_cast<Eigen::Index>(j)) = value[j].get<double>();
        return m;
    }
    Matrix m(static_cast<Eigen::Index>(value.size()), static_cast<Eigen::Index>(value[0].size()));
    for (std::size_t i = 0; i < value.size(); ++i)
        for (std::size_t j = 0; j < value[i].size(); ++j)
            m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = value[i][j].get<double>();
    return m;
}

}  // namespace

std::vector<std::string> referenceCaseNames()
{
    std::vector<std::string> names;
    const std::string suffix = ".expected.json";
    for (const auto& entry : fs::directory_iterator(kDir)) {
        const std::string file = entry.path().filename().string();
        if (file.size() > suffix.size() && file.ends_with(suffix))
            names.push_back(file.substr(0, file.size() - suffix.size()));
    }
    std::sort(names.begin(), names.end());
    return names;
}

ReferenceCase loadReferenceCase(const std::string& name)
{
    ReferenceCase c;
    c.name = name;
    c.sessionPath = (kDir / (name + ".bnflow.json")).string();
    SessionLoad load = loadSessionFile(c.sessionPath);
    if (!load.ok())
        throw std::runtime_error(name + ": " + formatProblem(load.problems.front()));
    c.session = std::move(*load.session);

    std::ifstream in(kDir / (name + ".expected.json"));
    const nlohmann::json expected = nlohmann::json::parse(in);
    c.rtol = expected.at("rtol").get<double>();
    for (const char* group : {"forward", "staged", "grads"})
        for (const auto& [key, value] : expected.at(group).items())
            c.expected[key] = toMatrix(value);
    return c;
}

double termScale(const std::string& key, const ReferenceCase& c)
{
    const Session& s = c.session;
    const auto& e = c.expected;
    const double n = static_cast<double>(s.samples());
    const Matrix dxhat = s.dout.array().rowwise() * s.gamma.array();
    const double dxhatMax = maxAbs(dxhat);
    const double r = maxAbs(e.at("inv_std"));
    const double xmu = maxAbs(s.x.rowwise() - e.at("mean").row(0));
    const std::map<std::string, double> scales = {
        {"mean", maxAbs(s.x)},
        {"var", xmu * xmu},
        {"inv_std", r},
        {"xhat", xmu * r},
        {"y", maxAbs(s.gamma) * xmu * r + maxAbs(s.beta)},
        {"dxhat", dxhatMax},
        {"dgamma", n * maxAbs(s.dout) * xmu * r},
        {"dbeta", n * maxAbs(s.dout)},
        {"dvar", n * dxhatMax * xmu * r * r * r},
        {"dmean", n * dxhatMax * r},
        {"dx", dxhatMax * r},
    };
    return std::max({scales.at(key), maxAbs(e.at(key)), 1e-300});
}

Matrix matrixFromJsonText(const std::string& jsonText)
{
    return toMatrix(nlohmann::json::parse(jsonText));
}

}  // namespace bnflow::test
