// Writing the network file (network_json.h), and telling it from a session.
#include <core/io/network_json.h>

#include <core/io/json_document.h>
#include <core/io/json_format.h>

namespace bnflow {

namespace {

std::string integer(std::int64_t v)
{
    return std::to_string(v);
}

}  // namespace

std::string networkFileJson(const NetworkFile& file)
{
    std::string out = "{\n \"format\": \"bnflow-network\",\n \"version\": 1,\n";
    out += " \"title\": " + json::string(file.title) + ",\n";
    out += " \"layers\": " + integer(file.layers) + ",\n";
    out += " \"width\": " + integer(file.width) + ",\n";
    out += " \"norm\": " + json::string(file.norm ? layerName(*file.norm) : "none") + ",\n";
    out += " \"activation\": " + json::string(activationName(file.activation)) + ",\n";
    if (const auto* seeded = std::get_if<SeededData>(&file.data))
        out += " \"data\": {\"n\": " + integer(seeded->n) + ", \"inputs\": " + integer(seeded->inputs) +
               ", \"classes\": " + integer(seeded->classes) + ", \"seed\": " + std::to_string(seeded->seed) + "},\n";
    else
        out += " \"data\": " + json::string(std::get<std::string>(file.data)) + ",\n";
    if (file.classes)
        out += " \"classes\": " + integer(*file.classes) + ",\n";
    if (file.weights)
        out += " \"weights\": " + json::string(*file.weights) + ",\n";
    out += " \"gain\": " + json::number(file.gain) + ",\n";
    out += std::string(" \"bias\": ") + (file.bias ? "true" : "false") + ",\n";
    out += " \"lr\": " + json::number(file.lr) + ",\n";
    out += " \"seed\": " + std::to_string(file.seed) + "\n}\n";
    return out;
}

bool declaresNetwork(std::string_view text)
{
    try {
        Problems problems;
        JsonLimits limits;
        limits.maxDepth = 8;
        limits.maxNumbers = 1000;
        const std::optional<JsonDocument> doc = parseJsonDocument(text, problems, limits);
        if (!doc || !doc->is_object())
            return false;
        const auto it = doc->find("format");
        return it != doc->end() && it->is_string() && it->get<std::string>() == "bnflow-network";
    } catch (...) {
        return false;
    }
}

}  // namespace bnflow
