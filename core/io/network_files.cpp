#include <core/io/network_files.h>

#include <core/io/file_read.h>
#include <core/io/npy.h>
#include <core/net/seeded.h>

#include <filesystem>
#include <map>

namespace bnflow {
namespace {

using Index = Eigen::Index;

struct Fail {
    Problem problem;
};

std::string shapeText(Index rows, Index cols)
{
    return "(" + std::to_string(rows) + ", " + std::to_string(cols) + ")";
}

std::map<std::string, std::string> openArchive(const std::string& bytes, const std::string& name)
{
    NpzRead read = readNpz(bytes);
    if (!read.ok())
        throw Fail{{name + (read.problem.where.empty() ? "" : ": " + read.problem.where), read.problem.what}};
    std::map<std::string, std::string> members;
    for (auto& [key, value] : read.members)
        members.emplace(key, std::move(value));
    return members;
}

Dataset readDataFile(const std::string& bytes, const std::string& name,
                     std::optional<Index> declaredClasses, Index& classes)
{
    std::map<std::string, std::string> members = openArchive(bytes, name);
    for (const auto& [key, value] : members)
        if (key != "x" && key != "labels")
            throw Fail{{name + ": " + oneLine(clipped(key)), "does not belong in a data file; expected "
                                                             "only x and labels"}};
    for (const char* key : {"x", "labels"})
        if (!members.count(key))
            throw Fail{{name + ": " + key, "is missing; a data file holds x (N x D0) and labels (N integers)"}};
    Dataset data;
    NdArrayLoad x = parseNpy(members["x"]);
    if (!x.ok())
        throw Fail{{name + ": x", x.problem.what}};
    if (x.array->shape.size() != 2 || x.array->values.size() == 0)
        throw Fail{{name + ": x", "has shape " + x.array->shapeText() +
                                      "; expected N x D0 with N, D0 >= 1 (2 dimensions)"}};
    if (!x.array->values.allFinite())
        throw Fail{{name + ": x", "holds a value that is not a finite number (NaN or infinity)"}};
    data.x = std::move(x.array->values);
    const NpyIntegers labels = parseNpyIntegers(members["labels"]);
    if (!labels.ok())
        throw Fail{{name + ": labels", labels.problem.what}};
    if (Index(labels.values.size()) != data.x.rows())
        throw Fail{{name + ": labels", "has " + std::to_string(labels.values.size()) +
                                           " entries; expected one per row of x (" +
                                           std::to_string(data.x.rows()) + ")"}};
    std::int64_t largest = 0;
    for (std::size_t i = 0; i < labels.values.size(); ++i) {
        const std::int64_t v = labels.values[i];
        if (v < 0 || (declaredClasses && v >= *declaredClasses) || v >= std::int64_t(kMaxNetworkEntries))
            throw Fail{{name + ": labels[" + std::to_string(i) + "]",
                        "is " + std::to_string(v) + "; expected a class 0 .. " +
                            (declaredClasses ? std::to_string(*declaredClasses - 1) + " (\"classes\": " +
                                                   std::to_string(*declaredClasses) + ")"
                                             : std::string("2^22 - 1"))}};
        largest = std::max(largest, v);
        data.labels.push_back(Index(v));
    }
    classes = declaredClasses.value_or(Index(largest) + 1);
    return data;
}

// N * max(H, D0, K) and the parameter count within kMaxNetworkEntries.
void checkLimits(const NetworkShape& shape, Index n, const std::string& where)
{
    const auto size = [](Index a, Index b) { return double(a) * double(b); };
    const double widest = double(std::max({shape.width, shape.inputs, shape.classes}));
    if (double(n) * widest > double(kMaxNetworkEntries))
        throw Fail{{where, "N x max(width, inputs, classes) = " + std::to_string(n) + " x " +
                               std::to_string(Index(widest)) + " is more than 2^22 entries (the limit)"}};
    double parameters = 0;
    for (int k = 0; k < shape.layerCount(); ++k)
        parameters += size(shape.fanIn(k), shape.fanOut(k));
    if (parameters > double(kMaxNetworkEntries))
        throw Fail{{where, "the weights have " + std::to_string(std::int64_t(parameters)) +
                               " entries, more than 2^22 (the limit); lower width or layers"}};
}

// The member's layer k in 0..L and its kind, or nullopt for a name that is no parameter.
std::optional<std::pair<std::string, int>> parameterName(const std::string& key, int layers)
{
    for (const char* kind : {"W", "b", "gamma", "beta"}) {
        const std::string prefix = kind;
        if (!key.starts_with(prefix) || key.size() == prefix.size() || key.size() > prefix.size() + 2)
            continue;
        const std::string digits = key.substr(prefix.size());
        if (digits.find_first_not_of("0123456789") != std::string::npos || (digits.size() > 1 && digits[0] == '0'))
            continue;
        const int k = std::stoi(digits);
        if (k <= layers)
            return std::pair{prefix, k};
    }
    return std::nullopt;
}

void applyWeights(const std::string& bytes, const std::string& name, Network& net)
{
    const NetworkShape& shape = net.shape;
    for (auto& [key, member] : openArchive(bytes, name)) {
        const std::string where = name + ": " + oneLine(clipped(key));
        const auto parameter = parameterName(key, shape.hidden);
        if (!parameter)
            throw Fail{{where, "does not belong in the weights of this network; expected W0..W" +
                                   std::to_string(shape.hidden) + ", b, gamma, beta of each layer"}};
        const auto& [kind, k] = *parameter;
        LayerParameters& p = net.layers[std::size_t(k)];
        if (kind == "b" && !shape.bias)
            throw Fail{{where, "does not belong: the network has \"bias\": false"}};
        if ((kind == "gamma" || kind == "beta") && !shape.hasNorm(k))
            throw Fail{{where, std::string("does not belong: ") +
                                   (shape.norm ? "the output layer has no norm" : "the network has \"norm\": \"none\"")}};
        NdArrayLoad load = parseNpy(member);
        if (!load.ok())
            throw Fail{{where, load.problem.what}};
        const NdArray& array = *load.array;
        if (!array.values.allFinite())
            throw Fail{{where, "holds a value that is not a finite number (NaN or infinity)"}};
        const std::vector<Index>& dims = array.shape;
        const Matrix& values = array.values;
        if (kind == "W") {
            if (dims.size() != 2 || values.rows() != p.W.rows() || values.cols() != p.W.cols())
                throw Fail{{where, "has shape " + array.shapeText() + "; expected (fan_in, fan_out) = " +
                                       shapeText(p.W.rows(), p.W.cols())}};
            p.W = values;
            continue;
        }
        RowVector& target = kind == "b" ? p.b : kind == "gamma" ? p.gamma : p.beta;
        const bool vector = (dims.size() == 1 || (dims.size() == 2 && dims[0] == 1)) &&
                            values.cols() == target.size();
        if (!vector)
            throw Fail{{where, "has shape " + array.shapeText() + "; expected (" +
                                   std::to_string(target.size()) + ",) or (1, " +
                                   std::to_string(target.size()) + ")"}};
        target = values.row(0);
    }
}

}  // namespace

NetworkInputsLoad buildNetworkInputs(const NetworkFile& file, const std::string* dataBytes,
                                     const std::string& dataName, const std::string* weightsBytes,
                                     const std::string& weightsName)
{
    NetworkInputsLoad result;
    try {
        NetworkShape shape;
        shape.hidden = file.layers;
        shape.width = file.width;
        shape.norm = file.norm;
        shape.activation = file.activation;
        shape.bias = file.bias;
        Dataset data;
        if (const auto* seeded = std::get_if<SeededData>(&file.data)) {
            shape.inputs = seeded->inputs;
            shape.classes = seeded->classes;
            checkLimits(shape, seeded->n, "data");
            data = seededDataset(seeded->n, seeded->inputs, seeded->classes, seeded->seed);
        } else {
            data = readDataFile(*dataBytes, dataName, file.classes, shape.classes);
            shape.inputs = data.x.cols();
            checkLimits(shape, data.x.rows(), dataName);
        }
        Network net = emptyNetwork(shape);
        for (int k = 0; k < shape.layerCount(); ++k)
            net.layers[std::size_t(k)].W = seededWeights(shape, k, file.gain, file.seed);
        if (weightsBytes)
            applyWeights(*weightsBytes, weightsName, net);
        result.inputs = NetworkInputs{std::move(net), std::move(data)};
    } catch (Fail& failed) {
        result.problems.push_back(std::move(failed.problem));
    }
    return result;
}

NetworkInputsLoad loadNetworkInputs(const NetworkFile& file, const std::string& folder)
{
    const auto resolve = [&folder](const std::string& name) {
        const std::filesystem::path path(name);
        return path.is_absolute() || folder.empty() ? path.string() : (std::filesystem::path(folder) / path).string();
    };
    const auto read = [&](const std::string& name, std::string& bytes, Problems& problems) {
        if (auto what = readRegularFile(resolve(name), kMaxArrayFileBytes, bytes, "file (.npz)")) {
            problems.push_back({oneLine(clippedPath(name)), *what});
            return false;
        }
        return true;
    };
    NetworkInputsLoad failed;
    std::string dataBytes, weightsBytes;
    const std::string* dataName = std::get_if<std::string>(&file.data);
    if (dataName && !read(*dataName, dataBytes, failed.problems))
        return failed;
    if (file.weights && !read(*file.weights, weightsBytes, failed.problems))
        return failed;
    return buildNetworkInputs(file, dataName ? &dataBytes : nullptr,
                              dataName ? oneLine(clippedPath(*dataName)) : "",
                              file.weights ? &weightsBytes : nullptr,
                              file.weights ? oneLine(clippedPath(*file.weights)) : "");
}

}  // namespace bnflow
