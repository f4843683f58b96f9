#include "session_json.h"

#include "json_format.h"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <sstream>
#include <unordered_set>
#include <vector>

namespace bnflow {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::size_t kMaxProblems = 20;

struct TooDeep {};

std::string count(std::size_t n, const char* noun)
{
    return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

// "line 3, column 14" of a 0-based byte offset.
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

// A value quoted in a message, cut short so one line stays one line.
std::string quote(const Json& value)
{
    return clipped(value.dump(-1, ' ', false, Json::error_handler_t::replace));
}

const char* typeName(const Json& value)
{
    switch (value.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return "a boolean";
    case Json::value_t::string: return "a string";
    case Json::value_t::array: return "an array";
    case Json::value_t::object: return "an object";
    default: return "a number";
    }
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

// What the builder below throws to stop the parse; parseJson turns each into a problem.
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
        auto& members = frame.value->get_ref<Json::object_t&>();
        // The vector underneath ordered_map: append without its linear search for the key.
        members.emplace_back(std::move(name), nullptr);
        slot_ = &members.back().second;
        return true;
    }

    template <typename Exception>
    bool parse_error(std::size_t byte, const std::string& token, const Exception& e)
    {
        throw ParseFailure{byte, e.id, e.what(), token};
    }

private:
    struct Frame {
        Json* value;
        std::unordered_set<std::string> keys;  // this object's keys so far (unused for arrays)
    };

    template <typename V>
    bool number(V value)
    {
        if (++numbers_ > kMaxSessionNumbers)
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
        if (stack_.size() >= static_cast<std::size_t>(kMaxJsonDepth))
            throw TooDeep{};
        stack_.push_back({place(std::move(container)), {}});
        return true;
    }

    bool close()
    {
        stack_.pop_back();
        return true;
    }

    std::vector<Frame> stack_;
    Json* slot_ = nullptr;  // the value of the key read last
    std::size_t numbers_ = 0;
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
    const auto close = message.rfind('\'');
    if (close == std::string::npos || close < start)
        return message;
    return message.substr(0, start) + clipped(std::string_view(message).substr(start, close - start)) +
           message.substr(close);
}

std::optional<Json> parseJson(std::string_view text, Problems& problems)
{
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        problems.push_back({"", "the file is empty; expected a bnflow session (a JSON object)"});
        return std::nullopt;
    }
    // nlohmann takes a NUL byte for the end of the input, so a session followed by a NUL and
    // anything at all would pass. JSON text never holds a raw NUL, not even inside a string.
    const std::size_t nul = text.find('\0');
    const auto nulProblem = [&] {
        problems.push_back({lineColumn(text, nul),
                            "a NUL byte (\\x00); a session file is JSON text and holds none"});
    };
    DocumentBuilder builder;
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
        problems.push_back({"", "JSON nested deeper than " + std::to_string(kMaxJsonDepth) +
                                    " levels; a session needs 3"});
    } catch (const DuplicateKey& e) {
        problems.push_back({clipped(e.key), "appears twice in the same object; give each key once"});
    } catch (const TooManyNumbers&) {
        problems.push_back({"", "holds more than " + std::to_string(kMaxSessionNumbers) +
                                    " numbers; bnflow reads sessions of up to " +
                                    std::to_string(kMaxSessionElements) +
                                    " entries in x (N x D), and dout"});
    } catch (const Json::exception& e) {
        problems.push_back({"", clipLastRead(parseErrorText(e.what()))});
    }
    return std::nullopt;
}

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

bool isKnownKey(std::string_view key)
{
    for (const char* known : {"format", "version", "title", "notes", "x", "gamma", "beta", "eps",
                              "dout", "dout_seed"})
        if (key == known)
            return true;
    return false;
}

// Why open() or read() failed, in words that say what to fix.
std::string openError(int error)
{
    switch (error) {
    case ENOENT: return "no such file";
    case ENOTDIR: return "no such file (a part of the path is not a folder)";
    case ELOOP: return "cannot be opened: too many levels of symbolic links (a symlink loop?)";
    case EACCES: return "cannot be opened: permission denied (the file or a folder on its path)";
    case ENAMETOOLONG: return "cannot be opened: the file name is too long";
    default: return std::string("cannot be opened: ") + std::strerror(error);
    }
}

const char* fileKind(mode_t mode)
{
    if (S_ISDIR(mode)) return "is a directory; expected a session file";
    if (S_ISFIFO(mode)) return "is a FIFO (named pipe); expected a regular session file";
    if (S_ISCHR(mode)) return "is a character device; expected a regular session file";
    if (S_ISBLK(mode)) return "is a block device; expected a regular session file";
    if (S_ISSOCK(mode)) return "is a socket; expected a regular session file";
    return "is not a regular file; expected a session file";
}

struct FileCloser {
    int fd;
    ~FileCloser() { ::close(fd); }
};

// The bytes of a regular file, at most kMaxSessionBytes; or what is wrong. Opened with
// O_NONBLOCK so that a FIFO with no writer cannot block the open, and refused by fstat before
// any read, so that neither can a device that never ends.
std::optional<std::string> readSessionBytes(const std::string& path, std::string& text)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return openError(errno);
    const FileCloser closer{fd};
    struct stat info {};
    if (::fstat(fd, &info) != 0)
        return std::string("cannot be read: ") + std::strerror(errno);
    if (!S_ISREG(info.st_mode))
        return std::string(fileKind(info.st_mode));
    const std::string tooLarge =
        "is larger than " + std::to_string(kMaxSessionBytes >> 20) + " MiB; not a session file";
    if (static_cast<std::uintmax_t>(info.st_size) > kMaxSessionBytes)
        return tooLarge;
    text.reserve(static_cast<std::size_t>(info.st_size));
    char buffer[1 << 16];
    for (;;) {
        const ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got == 0)
            return std::nullopt;
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return std::string("cannot be read: ") + std::strerror(errno);
        }
        text.append(buffer, static_cast<std::size_t>(got));
        if (text.size() > kMaxSessionBytes)  // grew while being read
            return tooLarge;
    }
}

}  // namespace

SessionLoad parseSession(std::string_view text)
{
    SessionLoad result;
    const std::optional<Json> root = parseJson(text, result.problems);
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

    for (const auto& [key, value] : root->items()) {
        const bool seedShadowed = key == "dout_seed" && doutIt != root->end();
        if (!isKnownKey(key) || seedShadowed)  // a seed beside an explicit dout is kept, unused
            s.extraFields.emplace_back(key, value.dump());
    }

    if (!result.problems.empty() || !x || !gamma || !beta || !eps || !seed ||
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
    if (const auto problem = readSessionBytes(path, text)) {
        result.problems.push_back({"", *problem});
        return result;
    }
    return parseSession(text);
}

std::string writeSession(const Session& s)
{
    std::ostringstream out;
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
    for (const auto& [key, value] : s.extraFields)
        out << ",\n  " << json::string(key) << ": " << value;
    out << "\n}\n";
    return out.str();
}

}  // namespace bnflow
