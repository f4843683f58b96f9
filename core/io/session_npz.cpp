#include <core/io/session_npz.h>

#include <core/io/npy.h>
#include <core/io/npz_write.h>
#include <core/io/array_file.h>

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

// The scalar member `name` (a 0-d array), or nullopt: absent, or a problem naming it.
std::optional<NpyScalar> scalar(const NpzRead& npz, const char* name, Problems& problems)
{
    const std::string* bytes = findMember(npz, name);
    if (!bytes)
        return std::nullopt;
    NpyScalar value = parseNpyScalar(*bytes);
    if (!value.ok()) {
        problems.push_back({std::string(name) + ".npy " + value.problem.where, value.problem.what});
        return std::nullopt;
    }
    return value;
}

// A name key ("layer", "mode", "convention"): a 0-d string array whose text `parse` knows.
template <typename T, typename Parse>
std::optional<T> nameMember(const NpzRead& npz, const char* key, Parse parse, const char* expected,
                            Problems& problems)
{
    const auto value = scalar(npz, key, problems);
    if (!value)
        return std::nullopt;
    if (value->text)
        if (const auto parsed = parse(*value->text))
            return parsed;
    problems.push_back({key, (value->text ? "is '" + clipped(*value->text) + "'" : std::string("is a number")) +
                                 "; expected " + expected + " (a 0-d string array: np.savez(..., " +
                                 key + "=\"...\"))"});
    return std::nullopt;
}

// The normalization family's keys of the archive, as the session file has them (norm_config.h).
NormConfig readNormMembers(const NpzRead& npz, Eigen::Index features, Problems& problems)
{
    NormConfig c;
    c.layer = nameMember<Layer>(npz, "layer", parseLayer,
                                "batchnorm, layernorm, rmsnorm or groupnorm", problems);
    c.mode = nameMember<Mode>(npz, "mode", parseMode, "train or eval", problems);
    c.convention = nameMember<Convention>(npz, "convention", parseConvention,
                                          "pytorch, keras or cs231n", problems);
    for (auto [name, target] : {std::pair{"groups", &c.groups}, std::pair{"channels", &c.channels}})
        if (const auto value = scalar(npz, name, problems)) {
            if (value->integer && *value->integer >= 1)
                *target = *value->integer;
            else
                problems.push_back({name, std::string("expected an integer >= 1 that divides D (an "
                                                      "integer 0-d array: np.savez(..., ") +
                                              name + "=2))"});
        }
    if (const auto momentum = scalar(npz, "momentum", problems)) {
        if (momentum->number)
            c.momentum = *momentum->number;
        else
            problems.push_back({"momentum", "expected a number in [0, 1]"});
    }
    for (const char* name : {"running_mean", "running_var"}) {
        const auto array = member(npz, name, problems);
        if (!array)
            continue;
        std::string what;
        const auto values = arrayAsMatrix(*array, 1, c.affineSize(features), true, what);
        if (!values)
            problems.push_back({name, what});
        else
            (std::string_view(name) == "running_mean" ? c.runningMean : c.runningVar) = RowVector(*values);
    }
    return c;
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
    const auto eps = scalar(npz, "eps", problems);
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
    s.norm = readNormMembers(npz, d, problems);
    if (!problems.empty())
        return result;
    const auto fit = [&](const std::optional<NdArray>& array, const char* name, Eigen::Index rows,
                         Eigen::Index cols, bool vectorOk) -> std::optional<Matrix> {
        auto m = arrayAsMatrix(*array, rows, cols, vectorOk, what);
        if (!m)
            problems.push_back({name, what + (cols == d ? " to match x " + x->shapeText()
                                                        : " (one per channel)")});
        return m;
    };
    const Eigen::Index affine = s.norm.affineSize(d);
    const auto gammaValues = fit(gamma, "gamma", 1, affine, true);
    const auto betaValues = fit(beta, "beta", 1, affine, true);
    const auto doutValues = dout ? fit(dout, "dout", n, d, false) : std::nullopt;
    if (eps && !eps->number)
        problems.push_back({"eps", "is a string; expected a number >= 0 (np.savez(..., eps=1e-5))"});
    if (!problems.empty())
        return result;
    s.gamma = *gammaValues;
    s.beta = *betaValues;
    if (eps)
        s.eps = *eps->number;
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

std::string writeSessionNpz(const Session& s)
{
    const Eigen::Index n = s.samples(), d = s.features();
    const auto vector = [](const RowVector& v) { return npyOfMatrix(Matrix(v), {v.size()}); };
    std::vector<std::pair<std::string, std::string>> members = {
        {"x", npyOfMatrix(s.x, {n, d})},
        {"gamma", vector(s.gamma)},
        {"beta", vector(s.beta)},
        {"dout", npyOfMatrix(s.dout, {n, d})},
        {"eps", npyOfScalar(s.eps)},
    };
    const NormConfig& c = s.norm;
    if (c.layer)
        members.emplace_back("layer", npyOfText(std::string(layerName(*c.layer))));
    if (c.mode)
        members.emplace_back("mode", npyOfText(std::string(modeName(*c.mode))));
    if (c.convention)
        members.emplace_back("convention", npyOfText(std::string(conventionName(*c.convention))));
    if (c.groups)
        members.emplace_back("groups", npyOfInteger(*c.groups));
    if (c.channels)
        members.emplace_back("channels", npyOfInteger(*c.channels));
    if (c.momentum)
        members.emplace_back("momentum", npyOfScalar(*c.momentum));
    if (c.runningMean)
        members.emplace_back("running_mean", vector(*c.runningMean));
    if (c.runningVar)
        members.emplace_back("running_var", vector(*c.runningVar));
    return npzArchive(members);
}

}  // namespace bnflow
