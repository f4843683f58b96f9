#include "family_reference.h"

#include "fuzzy.h"

#include <core/math/family.h>
#include <core/io/session_json.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace bnflow::test {
namespace {

namespace fs = std::filesystem;
const fs::path kDir = BNFLOW_FAMILY_DIR;


// A statistic as the reference stores it (flat for one value per sample or feature) in the
// Reduction's shape, then broadcast to N x D.
Matrix broadcastStat(const Reduction& r, const Matrix& stat)
{
    // Layer norm and RMSNorm store [N] (read as 1 x N); group norm N rows of G.
    const bool flat = !(stat.rows() == r.statRows() && stat.cols() == r.statCols());
    Matrix m(r.samples, r.features);
    for (Eigen::Index i = 0; i < r.samples; ++i)
        for (Eigen::Index j = 0; j < r.features; ++j)
            m(i, j) = flat ? stat(0, r.statRow(i)) : stat(r.statRow(i), r.statCol(j));
    return m;
}

}  // namespace

Matrix toMatrix(const nlohmann::json& value)
{
    if (!value.empty() && value[0].is_array()) {
        Matrix m(Eigen::Index(value.size()), Eigen::Index(value[0].size()));
        for (std::size_t i = 0; i < value.size(); ++i)
            for (std::size_t j = 0; j < value[i].size(); ++j)
                m(Eigen::Index(i), Eigen::Index(j)) = value[i][j].get<double>();
        return m;
    }
    Matrix m(1, Eigen::Index(value.size()));
    for (std::size_t j = 0; j < value.size(); ++j)
        m(0, Eigen::Index(j)) = value[j].get<double>();
    return m;
}

std::vector<std::string> familyCaseNames()
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

FamilyCase loadFamilyCase(const std::string& name)
{
    FamilyCase c;
    c.name = name;
    c.sessionPath = (kDir / (name + ".bnflow.json")).string();
    SessionLoad load = loadSessionFile(c.sessionPath);
    if (!load.ok())
        throw std::runtime_error(name + ": " + formatProblem(load.problems.front()));
    c.session = std::move(*load.session);
    std::ifstream in(kDir / (name + ".expected.json"));
    const nlohmann::json expected = nlohmann::json::parse(in);
    c.rtol = expected.at("rtol").get<double>();
    for (const char* group : {"forward", "grads", "running"})
        if (expected.contains(group))
            for (const auto& [key, value] : expected.at(group).items())
                c.expected[std::string(group) + "." + key] = toMatrix(value);
    return c;
}

double familyTermScale(const std::string& key, const FamilyCase& c)
{
    const Session& s = c.session;
    const auto& e = c.expected;
    const Reduction r = Reduction::of(s.norm, s.samples(), s.features());
    // dgamma and dbeta sum over the N * L entries of a channel (N without channels).
    const double n = double(s.samples() * r.positions);
    const bool rms = r.layer == Layer::RmsNorm;
    const double inv = maxAbs(e.at(rms ? "forward.rrms" : "forward.inv_std"));
    Matrix xmu = s.x;
    if (r.eval)
        xmu = s.x - broadcastStat(r, e.at("forward.running_mean"));
    else if (!rms)
        xmu = s.x - broadcastStat(r, e.at("forward.mean"));
    // Layer and group norm: PyTorch's centring rounds at the size of x itself, which is all there
    // is when a set has one element (G = D, D = 1) and xmu is exactly 0 here: one rounding of
    // x - mean (1e-16 |x|) at rtol 1e-12 is 1e-4 |x|.
    const bool centred = !rms && !r.eval;
    const double x = maxAbs(xmu) + (centred ? 1e-4 * maxAbs(s.x) : 0.0);
    const double dxhat = maxAbs(s.dout) * maxAbs(s.gamma);
    const std::string stat = key.substr(key.find('.') + 1);
    std::map<std::string, double> scales = {
        {"forward.mean", maxAbs(s.x)}, {"forward.var", x * x}, {"forward.inv_std", inv},
        {"forward.rrms", inv}, {"forward.rms", maxAbs(s.x) + std::sqrt(s.eps)},
        {"forward.running_mean", 1}, {"forward.running_var", 1},
        {"forward.y", maxAbs(s.gamma) * x * inv + maxAbs(s.beta)},
        {"grads.dx", dxhat * inv},
        {"grads.dgamma", n * maxAbs(s.dout) * x * inv},
        {"grads.dbeta", n * maxAbs(s.dout)},
        {"running.mean", maxAbs(s.x)},
        {"running.var", x * x * (n > 1 ? n / (n - 1) : 1)},
    };
    if (s.norm.runningMean)
        scales["running.mean"] += maxAbs(*s.norm.runningMean);
    if (s.norm.runningVar)
        scales["running.var"] += maxAbs(*s.norm.runningVar);
    return std::max({scales.at(key), maxAbs(e.at(key)), 1e-300});
}

}  // namespace bnflow::test
