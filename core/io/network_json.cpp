#include <core/io/network_json.h>

#include <core/io/json_document.h>

#include <cmath>
#include <set>

namespace bnflow {
namespace {

using Json = JsonDocument;

std::string quote(const Json& value)
{
    return clipped(value.dump(-1, ' ', false, Json::error_handler_t::replace));
}

// Reads one object's keys; every failure is one problem naming the key. The first problem
// stops nothing: each key is judged on its own, so one message per mistake.
class KeyReader {
public:
    // prefix: "data." for the data object's keys, "" for the network's.
    KeyReader(const Json& object, std::string prefix, Problems& problems)
        : object_(object), prefix_(std::move(prefix)), problems_(problems) {}

    void fail(const std::string& key, std::string what) { problems_.push_back({prefix_ + key, std::move(what)}); }

    // The value of `key`, or nullptr (a problem when required).
    const Json* find(const std::string& key, bool required)
    {
        known_.insert(key);
        const auto it = object_.find(key);
        if (it != object_.end())
            return &*it;
        if (required)
            fail(key, "is missing");
        return nullptr;
    }

    // An integer in [low, high].
    std::optional<std::int64_t> integer(const std::string& key, std::int64_t low, std::int64_t high,
                                        bool required = true)
    {
        const Json* v = find(key, required);
        if (!v)
            return std::nullopt;
        const std::string range = std::to_string(low) + " .. " + std::to_string(high);
        if (!v->is_number_integer()) {
            fail(key, "expected an integer " + range + ", got " +
                          (v->is_number() ? quote(*v) : std::string(jsonTypeName(*v))));
            return std::nullopt;
        }
        // nlohmann reads every non-negative integer as unsigned, which may not fit int64.
        const bool inRange = v->is_number_unsigned()
                                 ? v->get<std::uint64_t>() <= std::uint64_t(high) &&
                                       v->get<std::int64_t>() >= low
                                 : v->get<std::int64_t>() >= low && v->get<std::int64_t>() <= high;
        if (!inRange) {
            fail(key, "is " + quote(*v) + "; expected an integer " + range);
            return std::nullopt;
        }
        return v->get<std::int64_t>();
    }

    std::optional<std::uint64_t> seed(const std::string& key, bool required)
    {
        const Json* v = find(key, required);
        if (!v)
            return std::nullopt;
        if (v->is_number_unsigned())
            return v->get<std::uint64_t>();
        fail(key, "expected an integer 0 .. 2^64 - 1, got " +
                      (v->is_number() ? quote(*v) : std::string(jsonTypeName(*v))));
        return std::nullopt;
    }

    std::optional<double> number(const std::string& key)
    {
        const Json* v = find(key, false);
        if (!v)
            return std::nullopt;
        if (v->is_number() && std::isfinite(v->get<double>()))
            return v->get<double>();
        fail(key, std::string("expected a finite number, got ") + jsonTypeName(*v));
        return std::nullopt;
    }

    std::optional<std::string> text(const std::string& key, bool required, const char* expected)
    {
        const Json* v = find(key, required);
        if (!v)
            return std::nullopt;
        if (v->is_string())
            return v->get<std::string>();
        fail(key, std::string("expected ") + expected + ", got " + jsonTypeName(*v));
        return std::nullopt;
    }

    // Every key not asked for is unknown.
    void refuseUnknown()
    {
        for (const auto& [key, value] : object_.items())
            if (!known_.count(key))
                fail(oneLine(clipped(key)), std::string("is not a key of ") +
                                                (prefix_.empty() ? "a bnflow network" : "\"data\"") +
                                                "; expected one of " + expectedKeys());
    }

private:
    std::string expectedKeys() const
    {
        std::string list;
        for (const std::string& key : known_)
            list += (list.empty() ? "" : ", ") + key;
        return list;
    }

    const Json& object_;
    std::string prefix_;
    Problems& problems_;
    std::set<std::string> known_;
};

std::optional<SeededData> readSeededData(const Json& object, Problems& problems)
{
    KeyReader keys(object, "data.", problems);
    const auto limit = std::int64_t(kMaxNetworkEntries);
    const auto n = keys.integer("n", 1, limit);
    const auto inputs = keys.integer("inputs", 1, limit);
    const auto classes = keys.integer("classes", 1, limit);
    const auto seed = keys.seed("seed", true);
    keys.refuseUnknown();
    if (!(n && inputs && classes && seed))
        return std::nullopt;
    return SeededData{*n, *inputs, *classes, *seed};
}

void readChoices(KeyReader& keys, NetworkFile& file)
{
    if (const auto norm = keys.text("norm", true, "\"batchnorm\", \"layernorm\", \"rmsnorm\" or \"none\"")) {
        const std::optional<Layer> layer = parseLayer(*norm);
        if (*norm == "none")
            file.norm.reset();
        else if (layer && *layer != Layer::GroupNorm)
            file.norm = layer;
        else
            keys.fail("norm", "is \"" + oneLine(clipped(*norm)) +
                                  "\"; expected \"batchnorm\", \"layernorm\", \"rmsnorm\" or \"none\"");
    }
    if (const auto act = keys.text("activation", true, "\"tanh\", \"relu\" or \"linear\"")) {
        if (const auto a = parseActivation(*act))
            file.activation = *a;
        else
            keys.fail("activation", "is \"" + oneLine(clipped(*act)) +
                                        "\"; expected \"tanh\", \"relu\" or \"linear\"");
    }
}

}  // namespace

NetworkFileLoad parseNetworkFile(std::string_view text)
{
    NetworkFileLoad result;
    JsonLimits limits;
    limits.maxDepth = 8;
    limits.maxNumbers = 1000;
    limits.expected = "a bnflow network (a JSON object)";
    std::optional<Json> doc = parseJsonDocument(text, result.problems, limits);
    if (!doc)
        return result;
    if (!doc->is_object()) {
        result.problems.push_back({"", std::string("expected a bnflow network (a JSON object), got ") +
                                           jsonTypeName(*doc)});
        return result;
    }
    Problems& problems = result.problems;
    KeyReader keys(*doc, "", problems);
    if (const auto format = keys.text("format", true, "\"bnflow-network\"");
        format && *format != "bnflow-network")
        keys.fail("format", "is \"" + oneLine(clipped(*format)) + "\"; expected \"bnflow-network\"" +
                                (*format == "bnflow-session" ? " (a session: use grad, not depth)" : ""));
    if (const Json* version = keys.find("version", true);
        version && !(version->is_number_integer() && *version == 1))
        keys.fail("version", "is " + quote(*version) + "; expected 1 (the network file's version)");
    NetworkFile file;
    const auto layers = keys.integer("layers", 1, kMaxNetworkLayers);
    const auto width = keys.integer("width", 1, kMaxNetworkWidth);
    readChoices(keys, file);
    if (const Json* data = keys.find("data", true)) {
        if (data->is_string() && !data->get<std::string>().empty())
            file.data = data->get<std::string>();
        else if (data->is_object()) {
            if (auto seeded = readSeededData(*data, problems))
                file.data = *seeded;
        } else
            keys.fail("data", std::string("expected {\"n\": N, \"inputs\": D0, \"classes\": K, "
                                          "\"seed\": s} or a data file name (\"d.npz\"), got ") +
                                  (data->is_string() ? "an empty string" : jsonTypeName(*data)));
    }
    if (const auto gain = keys.number("gain")) {
        if (*gain > 0)
            file.gain = *gain;
        else
            keys.fail("gain", "is " + quote((*doc)["gain"]) + "; expected a number > 0");
    }
    if (const Json* bias = keys.find("bias", false)) {
        if (bias->is_boolean())
            file.bias = bias->get<bool>();
        else
            keys.fail("bias", std::string("expected true or false, got ") + jsonTypeName(*bias));
    }
    if (const auto lr = keys.number("lr"))
        file.lr = *lr;
    if (const auto seed = keys.seed("seed", false))
        file.seed = *seed;
    if (const auto title = keys.text("title", false, "text"))
        file.title = *title;
    if (const auto classes = keys.integer("classes", 1, std::int64_t(kMaxNetworkEntries), false)) {
        if (std::holds_alternative<std::string>(file.data))
            file.classes = *classes;
        else
            keys.fail("classes", "applies to a data file only; seeded data has its own "
                                 "\"data\": {\"classes\": K}");
    }
    if (const auto weights = keys.text("weights", false, "a weights file name (\"w.npz\")")) {
        if (weights->empty())
            keys.fail("weights", "is empty; expected a weights file name (\"w.npz\")");
        else
            file.weights = *weights;
    }
    keys.refuseUnknown();
    if (!problems.empty())
        return result;
    file.layers = int(*layers);
    file.width = *width;
    result.file = std::move(file);
    return result;
}

}  // namespace bnflow
