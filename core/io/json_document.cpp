#include <core/io/json_document.h>

#include <unordered_set>
#include <vector>

namespace bnflow {

std::string lineColumn(std::string_view text, std::size_t offset)
{
    offset = std::min(offset, text.size());
    std::size_t line = 1;
    std::size_t lineStart = 0;
    for (std::size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++line;
            lineStart = i + 1;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(offset - lineStart + 1);
}

void dismantle(JsonDocument& value) noexcept
{
    if (value.is_array()) {
        auto& items = value.get_ref<JsonDocument::array_t&>();
        for (JsonDocument& item : items)
            dismantle(item);
        items.clear();
    } else if (value.is_object()) {
        auto& members = value.get_ref<JsonDocument::object_t&>();
        for (auto& member : members)
            dismantle(member.second);
        members.clear();
    }
}

namespace {

using Json = JsonDocument;

struct TooDeep {};

// nlohmann's messages start with "[json.exception.parse_error.101] parse error at line 1,
// column 3: "; keep what follows the location, which says what was wrong.
std::string parseErrorText(const char* what)
{
    const std::string_view message(what);
    const auto colon = message.find(": ");
    std::string rest(colon == std::string_view::npos ? message : message.substr(colon + 2));
    if (rest.rfind("syntax error while parsing ", 0) == 0)
        rest = "JSON syntax error while parsing " + rest.substr(27);
    return rest;
}

// What the builder below throws to stop the parse; parseJsonDocument turns each into a problem.
struct ParseFailure {
    std::size_t byte;  // nlohmann's 1-based position of the character that could not be read
    int id;            // nlohmann's exception id: 101 syntax, 406 number overflow, ...
    std::string what;
    std::string token;  // the token read last, as nlohmann quotes it
};
struct DuplicateKey {
    std::string key;
};
struct TooManyNumbers {};

// Builds the ordered document from nlohmann's SAX events. nlohmann's own DOM builder looks a
// key up by a linear scan of the object's keys before inserting it, which is quadratic in the
// number of keys (200 000 keys: 24 s); here each object keeps a hash of its keys instead. It
// also refuses a key given twice (which would otherwise silently overwrite the first), bounds
// the nesting depth, and stops counting numbers once there are more than any session can use,
// before the document costs gigabytes.
class DocumentBuilder {
public:
    using number_integer_t = Json::number_integer_t;
    using number_unsigned_t = Json::number_unsigned_t;
    using number_float_t = Json::number_float_t;
    using string_t = Json::string_t;
    using binary_t = Json::binary_t;

    explicit DocumentBuilder(const JsonLimits& limits) : limits_(limits) {}
    DocumentBuilder(const DocumentBuilder&) = delete;
    DocumentBuilder& operator=(const DocumentBuilder&) = delete;
    ~DocumentBuilder()  // after a throw: what was built so far, and the open objects' members
    {
        for (Frame& frame : stack_)
            for (auto& member : frame.members)
                dismantle(member.second);
        dismantle(root);
    }

    Json root;

    bool null() { return put(nullptr); }
    bool boolean(bool value) { return put(value); }
    bool number_integer(number_integer_t value) { return number(value); }
    bool number_unsigned(number_unsigned_t value) { return number(value); }
    bool number_float(number_float_t value, const string_t&) { return number(value); }
    bool string(string_t& value) { return put(std::move(value)); }
    bool binary(binary_t& value) { return put(Json::binary(std::move(value))); }

    bool start_object(std::size_t) { return open(Json::object()); }
    bool start_array(std::size_t) { return open(Json::array()); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }

    bool key(string_t& name)
    {
        Frame& frame = stack_.back();
        if (!frame.keys.insert(name).second)
            throw DuplicateKey{std::move(name)};
        frame.members.emplace_back(std::move(name), nullptr);
        slot_ = &frame.members.back().second;
        return true;
    }

    template <typename Exception>
    bool parse_error(std::size_t byte, const std::string& token, const Exception& e)
    {
        throw ParseFailure{byte, e.id, e.what(), token};
    }

private:
    // An open array or object. An object's members wait here, in a vector of movable pairs,
    // until it closes: ordered_map's own pairs have a const key, so each reallocation of the
    // map would deep-copy every value read so far (and copies allocate, and can fail).
    struct Frame {
        Json* value;
        std::vector<std::pair<std::string, Json>> members;  // an object's, in file order
        std::unordered_set<std::string> keys;               // the same keys, to find duplicates
    };

    template <typename V>
    bool number(V value)
    {
        if (++numbers_ > limits_.maxNumbers)
            throw TooManyNumbers{};
        return put(value);
    }

    // Places a value where the document is being built; returns where it went.
    template <typename V>
    Json* place(V&& value)
    {
        if (stack_.empty()) {
            root = std::forward<V>(value);
            return &root;
        }
        Json* top = stack_.back().value;
        if (top->is_array()) {
            auto& items = top->get_ref<Json::array_t&>();
            items.emplace_back(std::forward<V>(value));
            return &items.back();
        }
        *slot_ = std::forward<V>(value);
        return slot_;
    }

    template <typename V>
    bool put(V&& value)
    {
        place(std::forward<V>(value));
        return true;
    }

    bool open(Json&& container)
    {
        if (stack_.size() >= static_cast<std::size_t>(limits_.maxDepth))
            throw TooDeep{};
        stack_.push_back({place(std::move(container)), {}, {}});
        return true;
    }

    bool close()
    {
        Frame& frame = stack_.back();
        if (frame.value->is_object()) {
            auto& members = frame.value->get_ref<Json::object_t&>();
            members.reserve(frame.members.size());
            // The vector underneath ordered_map: append without its linear search for the key.
            for (auto& [name, value] : frame.members)
                members.emplace_back(std::move(name), std::move(value));
        }
        stack_.pop_back();
        return true;
    }

    std::vector<Frame> stack_;
    Json* slot_ = nullptr;  // the value of the key read last
    std::size_t numbers_ = 0;
    JsonLimits limits_;
};

// nlohmann quotes the token it read last in full: a 100 000-character token would make a
// 100 KB line. Keep the message, cut the quotation.
std::string clipLastRead(std::string message)
{
    static constexpr std::string_view kLastRead = "last read: '";
    const auto open = message.find(kLastRead);
    if (open == std::string::npos)
        return message;
    const auto start = open + kLastRead.size();
    // The token ends where nlohmann's text goes on ("'; expected ...") or at the final quote.
    auto close = message.find("'; expected ", start);
    if (close == std::string::npos && message.back() == '\'')
        close = message.size() - 1;
    if (close == std::string::npos || close < start)
        return message;
    return message.substr(0, start) + clipped(std::string_view(message).substr(start, close - start)) +
           message.substr(close);
}

}  // namespace

std::optional<JsonDocument> parseJsonDocument(std::string_view text, Problems& problems,
                                              const JsonLimits& limits)
{
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        problems.push_back({"", "the file is empty; expected " + std::string(limits.expected)});
        return std::nullopt;
    }
    // nlohmann takes a NUL byte for the end of the input, so a session followed by a NUL and
    // anything at all would pass. JSON text never holds a raw NUL, not even inside a string.
    const std::size_t nul = text.find('\0');
    const auto nulProblem = [&] {
        problems.push_back({lineColumn(text, nul),
                            "a NUL byte (\\x00); a session file is JSON text and holds none"});
    };
    DocumentBuilder builder(limits);
    try {
        Json::sax_parse(text.begin(), text.end(), &builder);
        if (nul != std::string_view::npos) {
            nulProblem();
            return std::nullopt;
        }
        return std::move(builder.root);
    } catch (const ParseFailure& e) {
        // e.byte is 1-based: the position of the character that could not be read.
        const std::size_t at = e.byte > 0 ? e.byte - 1 : 0;
        if (nul != std::string_view::npos && at >= nul)
            nulProblem();
        else if (e.id == 406)  // number overflow ("1e999"), read up to the byte before e.byte
            problems.push_back({lineColumn(text, e.byte - std::min(e.byte, e.token.size())),
                                "the number " + clipped(e.token) +
                                                          " is out of range for a double (overflow)"});
        else
            problems.push_back({lineColumn(text, at), clipLastRead(parseErrorText(e.what.c_str()))});
    } catch (const TooDeep&) {
        problems.push_back({"", "JSON nested deeper than " + std::to_string(limits.maxDepth) +
                                    " levels; expected " + std::string(limits.expected)});
    } catch (const DuplicateKey& e) {
        problems.push_back({clipped(e.key), "appears twice in the same object; give each key once"});
    } catch (const TooManyNumbers&) {
        problems.push_back({"", "holds more than " + std::to_string(limits.maxNumbers) +
                                    " numbers, more than any session has"});
    } catch (const Json::exception& e) {
        problems.push_back({"", clipLastRead(parseErrorText(e.what()))});
    }
    return std::nullopt;
}

const char* jsonTypeName(const JsonDocument& value)
{
    switch (value.type()) {
    case JsonDocument::value_t::null: return "null";
    case JsonDocument::value_t::boolean: return "a boolean";
    case JsonDocument::value_t::string: return "a string";
    case JsonDocument::value_t::array: return "an array";
    case JsonDocument::value_t::object: return "an object";
    default: return "a number";
    }
}

}  // namespace bnflow
