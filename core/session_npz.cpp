#include "session_npz.h"

#include "npy.h"
#include "array_file.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace bnflow {
namespace {

const std::string* findMember(const NpzRead& npz, std::string_view name)
{
    for (const auto& [key, bytes] : npz.members)
        if (key == name)
            return &bytes;
    return nullptr;
}

// The member `name` parsed, or nullopt with a problem naming it.
std::optional<NdArray> member(const NpzRead& npz, const char* name, Problems& problems)
{
    const std::string* bytes = findMember(npz, name);
    if (!bytes)
        return std::nullopt;
    NdArrayLoad load = parseNpy(*bytes);
    if (!load.ok()) {
        problems.push_back({std::string(name) + ".npy " + load.problem.where, load.problem.what});
        return std::nullopt;
    }
    return std::move(load.array);
}

// The members' names for a message, clipped: an archive of 20 000 members, or one long name, must
// not make the message a 200 KB line.
std::string names(const NpzRead& npz)
{
    std::string out;
    for (const auto& [key, bytes] : npz.members) {
        out += (out.empty() ? "" : ", ") + clipped(key, 20);
        if (out.size() > kMaxQuoted)
            break;
    }
    const std::size_t count = npz.members.size();
    return std::to_string(count) + (count == 1 ? " array: " : " arrays: ") + clipped(oneLine(out));
}

}  // namespace

bool isSessionNpz(std::string_view path, std::string_view bytes)
{
    std::string extension = std::filesystem::path(path).extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return extension == ".npz" || looksLikeZip(bytes);
}

SessionLoad parseSessionNpz(std::string_view bytes)
{
    SessionLoad result;
    const NpzRead npz = readNpz(bytes);
    if (!npz.ok()) {
        result.problems.push_back(npz.problem);
        return result;
    }
    for (const char* required : {"x", "gamma", "beta"})
        if (!findMember(npz, required))
            result.problems.push_back({required, "missing from the archive (it holds " +
                                                     names(npz) +
                                                     "); expected np.savez(FILE, x=x, gamma=gamma, "
                                                     "beta=beta, dout=dout)"});
    if (!result.problems.empty())
        return result;

    Problems& problems = result.problems;
    const auto x = member(npz, "x", problems);
    const auto gamma = member(npz, "gamma", problems);
    const auto beta = member(npz, "beta", problems);
    const auto dout = member(npz, "dout", problems);
    const auto eps = member(npz, "eps", problems);
    if (!problems.empty())
        return result;
    if (x->shape.size() != 2) {
        problems.push_back({"x", "has shape " + x->shapeText() + "; expected (N, D)"});
        return result;
    }
    const Eigen::Index n = x->shape[0], d = x->shape[1];
    Session s;
    s.x = x->values;
    std::string what;
    const auto fit = [&](const std::optional<NdArray>& array, const char* name, Eigen::Index rows,
                         bool vectorOk) -> std::optional<Matrix> {
        auto m = arrayAsMatrix(*array, rows, d, vectorOk, what);
        if (!m)
            problems.push_back({name, what + " to match x " + x->shapeText()});
        return m;
    };
    const auto gammaValues = fit(gamma, "gamma", 1, true);
    const auto betaValues = fit(beta, "beta", 1, true);
    const auto doutValues = dout ? fit(dout, "dout", n, false) : std::nullopt;
    if (eps && eps->shape.size() != 0 && !(eps->shape.size() == 1 && eps->shape[0] == 1))
        problems.push_back({"eps", "has shape " + eps->shapeText() +
                                       "; expected a 0-d array (np.savez(..., eps=1e-5))"});
    if (!problems.empty())
        return result;
    s.gamma = *gammaValues;
    s.beta = *betaValues;
    if (eps)
        s.eps = eps->values(0, 0);
    if (dout) {
        s.dout = *doutValues;
    } else {
        s.doutSeed = 0;
        s.dout = standardNormalMatrix(n, d, 0);
    }
    result.problems = s.validate();
    if (result.problems.empty())
        result.session = std::move(s);
    return result;
}

}  // namespace bnflow
