#include <core/io/session_json.h>

#include <core/io/exercise_json.h>
#include <core/io/file_read.h>
#include <core/io/json_document.h>
#include <core/io/json_format.h>
#include <core/io/session_npz.h>
#include <core/io/text_stream.h>

#include <cmath>
#include <cstdint>
#include <sstream>

namespace bnflow {
namespace {

using Json = JsonDocument;

constexpr std::size_t kMaxProblems = 20;

std::string count(std::size_t n, const char* noun)
{
    return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

// A value quoted in a message, cut short so one line stays one line.
std::string quote(const Json& value)
{
    return clipped(value.dump(-1, ' ', false, Json::error_handler_t::replace));
}

const char* typeName(const Json& value)
{
    return jsonTypeName(value);
}

class Reader {
public:
    explicit Reader(Problems& problems) : problems_(problems) {}

    void fail(std::string where, std::string what)
    {
        if (problems_.size() < kMaxProblems)
            problems_.push_back({std::move(where), std::move(what)});
        else
            ++dropped_;
    }

    std::size_t dropped() const { return dropped_; }

    std::optional<double> number(const Json& value, const std::string& where)
    {
        if (value.is_number())
            return value.get<double>();
        fail(where, std::string("expected a number, got ") + typeName(value));
        return std::nullopt;
    }

    std::optional<RowVector> vector(const Json& value, const std::string& where)
    {
        if (!value.is_array()) {
            fail(where, std::string("expected an array of numbers, got ") + typeName(value));
            return std::nullopt;
        }
        RowVector out(static_cast<Eigen::Index>(value.size()));
        bool ok = true;
        for (std::size_t j = 0; j < value.size(); ++j) {
            const auto v = number(value[j], where + "[" + std::to_string(j) + "]");
            ok = ok && v.has_value();
            if (v)
                out[static_cast<Eigen::Index>(j)] = *v;
        }
        return ok ? std::optional(out) : std::nullopt;
    }

    std::optional<Matrix> matrix(const Json& value, const std::string& where)
    {
        if (!value.is_array()) {
            fail(where, std::string("expected an array of rows (arrays of numbers), got ") +
                            typeName(value));
            return std::nullopt;
        }
        const std::size_t rows = value.size();
        const std::size_t cols = rows > 0 && value[0].is_array() ? value[0].size() : 0;
        if (cols > 0 && rows > kMaxSessionElements / cols) {
            // Refused before allocating: every N x D matrix that grad or a plot derives from it
            // costs as much again, and the work of a gradient check grows with N^2 D.
            fail(where, "is " + std::to_string(rows) + " x " + std::to_string(cols) + " = " +
                            std::to_string(rows * cols) + " numbers; bnflow handles at most " +
                            std::to_string(kMaxSessionElements) + " (N x D)");
            return std::nullopt;
        }
        Matrix out(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
        bool ok = true;
        for (std::size_t i = 0; i < rows; ++i) {
            const std::string rowWhere = where + "[" + std::to_string(i) + "]";
            const Json& row = value[i];
            if (!row.is_array()) {
                fail(rowWhere, std::string("expected a row (an array of numbers), got ") +
                                   typeName(row));
                ok = false;
                continue;
            }
            if (row.size() != cols) {
                fail(rowWhere, "has " + count(row.size(), "number") + "; expected " +
                                   std::to_string(cols) + " like " + where +
                                   "[0] (all rows must have the same length)");
                ok = false;
                continue;
            }
            for (std::size_t j = 0; j < cols; ++j) {
                const auto v = number(row[j], rowWhere + "[" + std::to_string(j) + "]");
                ok = ok && v.has_value();
                if (v)
                    out(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = *v;
            }
        }
        return ok ? std::optional(out) : std::nullopt;
    }

private:
    Problems& problems_;
    std::size_t dropped_ = 0;
};

void readHeader(const Json& root, Reader& reader)
{
    const auto format = root.find("format");
    if (format == root.end())
        reader.fail("format", "missing; expected \"format\": \"bnflow-session\"");
    else if (!format->is_string() || format->get<std::string>() != kSessionFormat)
        reader.fail("format", "is " + quote(*format) + "; expected \"bnflow-session\"");

    const auto version = root.find("version");
    if (version == root.end())
        reader.fail("version", "missing; expected \"version\": 1");
    else if (!version->is_number() || version->get<double>() != kSessionVersion)
        reader.fail("version", "is " + quote(*version) + "; this bnflow reads version " +
                                   std::to_string(kSessionVersion));
}

std::string optionalString(const Json& root, const char* key, Reader& reader)
{
    const auto it = root.find(key);
    if (it == root.end())
        return {};
    if (!it->is_string()) {
        reader.fail(key, std::string("expected a string, got ") + typeName(*it));
        return {};
    }
    return it->get<std::string>();
}

const Json* required(const Json& root, const char* key, const char* expected, Reader& reader)
{
    const auto it = root.find(key);
    if (it == root.end()) {
        reader.fail(key, std::string("missing; expected ") + expected);
        return nullptr;
    }
    return &*it;
}

std::optional<std::uint64_t> readSeed(const Json& value, Reader& reader)
{
    if (value.is_number_unsigned())
        return value.get<std::uint64_t>();
    if (value.is_number_integer())  // negative
        reader.fail("dout_seed", "is negative; expected an integer >= 0");
    else if (value.is_number_float() && value.get<double>() >= 0x1.0p64 &&
             std::floor(value.get<double>()) == value.get<double>())  // whole, but too large
        reader.fail("dout_seed", "is " + quote(value) +
                                     ", out of range; expected an integer from 0 to 2^64 - 1 (" +
                                     std::to_string(UINT64_MAX) + ")");
    else
        reader.fail("dout_seed", std::string("expected an integer >= 0, got ") +
                                     (value.is_number() ? "a fraction" : typeName(value)));
    return std::nullopt;
}

// One of the family's names ("layer", "mode", "convention"), or a problem listing them.
template <typename T, typename Parse>
std::optional<T> readName(const Json& root, const char* key, Parse parse, const char* expected,
                          Reader& reader)
{
    const auto it = root.find(key);
    if (it == root.end())
        return std::nullopt;
    if (it->is_string())
        if (const auto value = parse(it->get<std::string>()))
            return value;
    reader.fail(key, "is " + quote(*it) + "; expected " + expected);
    return std::nullopt;
}

// "groups" or "channels": an integer >= 1 (that it divides D is validateNorm()'s question).
std::optional<std::int64_t> readCount(const Json& root, const char* key, Reader& reader)
{
    const auto it = root.find(key);
    if (it == root.end())
        return std::nullopt;
    if (it->is_number_integer() && it->get<std::int64_t>() >= 1)
        return it->get<std::int64_t>();
    if (it->is_number_integer())
        reader.fail(key, "is " + quote(*it) + "; expected an integer >= 1 that divides D");
    else
        reader.fail(key, std::string("expected an integer >= 1 that divides D, got ") +
                             (it->is_number() ? "a fraction or a huge number" : typeName(*it)));
    return std::nullopt;
}

// The optional keys of the normalization family (norm_config.h); whether they apply to the
// layer is Session::validate()'s question, once the shape is known.
NormConfig readNormConfig(const Json& root, Reader& reader)
{
    NormConfig c;
    c.layer = readName<Layer>(root, "layer", parseLayer,
                              "\"batchnorm\", \"layernorm\", \"rmsnorm\" or \"groupnorm\"", reader);
    c.mode = readName<Mode>(root, "mode", parseMode, "\"train\" or \"eval\"", reader);
    c.convention = readName<Convention>(root, "convention", parseConvention,
                                        "\"pytorch\", \"keras\" or \"cs231n\"", reader);
    c.groups = readCount(root, "groups", reader);
    c.channels = readCount(root, "channels", reader);
    if (const auto it = root.find("momentum"); it != root.end())
        c.momentum = reader.number(*it, "momentum");
    if (const auto it = root.find("running_mean"); it != root.end())
        c.runningMean = reader.vector(*it, "running_mean");
    if (const auto it = root.find("running_var"); it != root.end())
        c.runningVar = reader.vector(*it, "running_var");
    return c;
}

bool isKnownKey(std::string_view key)
{
    for (const char* known : {"format", "version", "title", "notes", "x", "gamma", "beta", "eps",
                              "dout", "dout_seed", "exercise", "layer", "groups", "channels", "mode", "running_mean",
                              "running_var", "momentum", "convention"})
        if (key == known)
            return true;
    return false;
}

}  // namespace

SessionLoad parseSession(std::string_view text)
{
    SessionLoad result;
    std::optional<Json> root =
        parseJsonDocument(text, result.problems, {kMaxJsonDepth, kMaxSessionNumbers});
    struct Dismantle {  // however this function ends, out of memory included (json_document.h)
        std::optional<Json>& document;
        ~Dismantle()
        {
            if (document)
                dismantle(*document);
        }
    } dismantleRoot{root};
    if (!root)
        return result;
    if (!root->is_object()) {
        result.problems.push_back({"", std::string("the top level is ") + typeName(*root) +
                                           "; expected a JSON object, a bnflow session"});
        return result;
    }

    Reader reader(result.problems);
    readHeader(*root, reader);
    Session s;
    s.title = optionalString(*root, "title", reader);
    s.notes = optionalString(*root, "notes", reader);

    std::optional<Matrix> x;
    std::optional<RowVector> gamma, beta;
    std::optional<double> eps;
    if (const Json* v = required(*root, "x", "an array of N rows of D numbers", reader))
        x = reader.matrix(*v, "x");
    if (const Json* v = required(*root, "gamma", "an array of D numbers", reader))
        gamma = reader.vector(*v, "gamma");
    if (const Json* v = required(*root, "beta", "an array of D numbers", reader))
        beta = reader.vector(*v, "beta");
    if (const Json* v = required(*root, "eps", "a number >= 0, such as 1e-5", reader))
        eps = reader.number(*v, "eps");

    std::optional<Matrix> dout;
    std::optional<std::uint64_t> seed = 0;
    const auto doutIt = root->find("dout");
    const auto seedIt = root->find("dout_seed");
    if (doutIt != root->end())
        dout = reader.matrix(*doutIt, "dout");
    if (seedIt != root->end())
        seed = readSeed(*seedIt, reader);

    std::optional<Exercise> exercise = Exercise{};
    if (const auto it = root->find("exercise"); it != root->end()) {
        // The cells are checked against x's shape when x could be read.
        std::optional<SessionShape> shape;
        if (x)
            shape = SessionShape{x->rows(), x->cols()};
        exercise = readExercise(*it, shape, result.problems);
    }
    s.norm = readNormConfig(*root, reader);
    // Renamed ids: RMSNorm's path through the mean square was "dx_via_var" before it had a name
    // of its own; exercises saved then still hide and predict it.
    if (exercise && s.norm.layer == Layer::RmsNorm) {
        for (HiddenQuantity& h : exercise->hidden)
            if (h.quantity == "dx_via_var")
                h.quantity = "dx_via_ms";
        for (Prediction& p : exercise->predictions)
            if (p.quantity == "dx_via_var")
                p.quantity = "dx_via_ms";
    }

    for (const auto& [key, value] : root->items()) {
        const bool seedShadowed = key == "dout_seed" && doutIt != root->end();
        if (!isKnownKey(key) || seedShadowed)  // a seed beside an explicit dout is kept, unused
            s.extraFields.emplace_back(key, value.dump());
    }

    if (!result.problems.empty() || !x || !gamma || !beta || !eps || !seed || !exercise ||
        (doutIt != root->end() && !dout)) {
        if (reader.dropped() > 0)
            result.problems.push_back({"", "... and " + std::to_string(reader.dropped()) +
                                               " more problems"});
        return result;
    }

    s.x = std::move(*x);
    s.gamma = std::move(*gamma);
    s.beta = std::move(*beta);
    s.eps = *eps;
    s.exercise = std::move(*exercise);
    if (dout) {
        s.dout = std::move(*dout);
    } else {
        s.doutSeed = *seed;
        s.dout = standardNormalMatrix(s.x.rows(), s.x.cols(), *seed);
    }
    result.problems = s.validate();
    if (result.problems.empty())
        result.session = std::move(s);
    return result;
}

SessionLoad loadSessionFile(const std::string& path)
{
    SessionLoad result;
    std::string text;
    if (const auto problem = readRegularFile(path, kMaxSessionBytes, text)) {
        result.problems.push_back({"", *problem});
        return result;
    }
    if (isSessionNpz(path, text))
        return parseSessionNpz(text);
    return parseSession(text);
}

std::string writeSession(const Session& s)
{
    TextStream out;
    out << "{\n  \"format\": " << json::string(kSessionFormat) << ",\n  \"version\": "
        << kSessionVersion << ",\n";
    if (!s.title.empty())
        out << "  \"title\": " << json::string(s.title) << ",\n";
    if (!s.notes.empty())
        out << "  \"notes\": " << json::string(s.notes) << ",\n";
    out << "  \"x\": " << json::matrix(s.x, 2) << ",\n";
    out << "  \"gamma\": " << json::row(s.gamma) << ",\n";
    out << "  \"beta\": " << json::row(s.beta) << ",\n";
    out << "  \"eps\": " << json::number(s.eps);
    if (s.doutSeed)
        out << ",\n  \"dout_seed\": " << *s.doutSeed;
    else
        out << ",\n  \"dout\": " << json::matrix(s.dout, 2);
    if (!s.exercise.empty())
        out << ",\n  \"exercise\": " << writeExercise(s.exercise, s.samples(), s.features());
    const NormConfig& norm = s.norm;  // only the keys the session has (norm_config.h)
    if (norm.layer)
        out << ",\n  \"layer\": " << json::string(layerName(*norm.layer));
    if (norm.groups)
        out << ",\n  \"groups\": " << *norm.groups;
    if (norm.channels)
        out << ",\n  \"channels\": " << *norm.channels;
    if (norm.mode)
        out << ",\n  \"mode\": " << json::string(modeName(*norm.mode));
    if (norm.runningMean)
        out << ",\n  \"running_mean\": " << json::row(*norm.runningMean);
    if (norm.runningVar)
        out << ",\n  \"running_var\": " << json::row(*norm.runningVar);
    if (norm.momentum)
        out << ",\n  \"momentum\": " << json::number(*norm.momentum);
    if (norm.convention)
        out << ",\n  \"convention\": " << json::string(conventionName(*norm.convention));
    for (const auto& [key, value] : s.extraFields)
        out << ",\n  " << json::string(key) << ": " << value;
    out << "\n}\n";
    return out.str();
}

}  // namespace bnflow
