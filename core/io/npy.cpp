// The .npy reader. Debian packages no C or C++ .npy library (cnpy and libnpy are not in the
// archive), and the format is small, so this is a strict parser of its own: the header is a
// Python dict literal, read here with exactly the grammar NumPy writes, nothing more.
#include <core/io/npy.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>

namespace bnflow {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the .npy reader copies '<f8' and '<f4' data as they are");

constexpr std::string_view kMagic = "\x93NUMPY";
constexpr std::string_view kDtypeHint =
    "expected float64 ('<f8') or float32 ('<f4'): save x.astype(np.float64)";

// A value quoted in a message, cut short so one line stays one line.
std::string quoted(std::string_view text)
{
    return "'" + std::string(text.substr(0, 40)) + (text.size() > 40 ? "...'" : "'");
}

struct Header {
    std::string descr;
    bool fortranOrder = false;
    std::vector<Eigen::Index> shape;
};

// The header dict, e.g. {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }, then
// spaces and a newline as padding. Every method returns false with what_ set on a problem.
class HeaderParser {
public:
    explicit HeaderParser(std::string_view text) : text_(text) {}

    bool parse(Header& header)
    {
        skipSpaces();
        if (!expect('{'))
            return false;
        bool seenDescr = false, seenOrder = false, seenShape = false;
        for (skipSpaces(); !at('}'); skipSpaces()) {
            std::string key;
            if (!readString(key) || !(skipSpaces(), expect(':')))
                return false;
            skipSpaces();
            bool ok = false;
            if (key == "descr" && !seenDescr)
                ok = seenDescr = readDescr(header.descr);
            else if (key == "fortran_order" && !seenOrder)
                ok = seenOrder = readBool(header.fortranOrder);
            else if (key == "shape" && !seenShape)
                ok = seenShape = readShape(header.shape);
            else
                return fail("the key " + quoted(key) + (seenDescr || seenOrder || seenShape
                                                            ? " is repeated or unknown"
                                                            : " is unknown") +
                            "; expected 'descr', 'fortran_order' and 'shape'");
            if (!ok)
                return false;
            skipSpaces();
            if (at(','))
                ++pos_;
            else if (!at('}'))
                return fail("expected ',' or '}' after the value of " + quoted(key));
        }
        ++pos_;
        if (text_.find_first_not_of(" \n", pos_) != std::string_view::npos)
            return fail("unexpected text after the closing '}'");
        if (!seenDescr || !seenOrder || !seenShape)
            return fail(std::string("the key '") +
                        (!seenDescr ? "descr" : !seenOrder ? "fortran_order" : "shape") +
                        "' is missing");
        return true;
    }

    const std::string& what() const { return what_; }

private:
    bool fail(std::string what)
    {
        what_ = std::move(what);
        return false;
    }
    bool at(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
    void skipSpaces()
    {
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n'))
            ++pos_;
    }
    bool expect(char c)
    {
        if (!at(c))
            return fail(std::string("expected '") + c + "' at byte " + std::to_string(pos_) +
                        " of the header dict");
        ++pos_;
        return true;
    }

    bool readString(std::string& out)
    {
        if (!at('\'') && !at('"'))
            return fail("expected a quoted key at byte " + std::to_string(pos_) +
                        " of the header dict");
        const char quote = text_[pos_++];
        const auto end = text_.find(quote, pos_);
        if (end == std::string_view::npos)
            return fail("a quoted string in the header is not closed");
        out = std::string(text_.substr(pos_, end - pos_));
        pos_ = end + 1;
        return true;
    }

    bool readDescr(std::string& out)
    {
        if (at('['))
            return fail("a structured array (a list of fields as dtype); " +
                        std::string(kDtypeHint));
        return readString(out);
    }

    bool readBool(bool& out)
    {
        for (const auto& [word, value] : {std::pair{"True", true}, std::pair{"False", false}}) {
            if (text_.substr(pos_).starts_with(word)) {
                pos_ += std::strlen(word);
                out = value;
                return true;
            }
        }
        return fail("'fortran_order' is not True or False");
    }

    bool readShape(std::vector<Eigen::Index>& shape)
    {
        if (!expect('('))
            return false;
        for (skipSpaces(); !at(')'); skipSpaces()) {
            const std::size_t start = pos_;
            std::uint64_t n = 0;
            while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
                if (n > (std::uint64_t(std::numeric_limits<Eigen::Index>::max()) - 9) / 10)
                    return fail("a dimension of 'shape' is too large");
                n = n * 10 + std::uint64_t(text_[pos_++] - '0');
            }
            if (pos_ == start)
                return fail("'shape' is not a tuple of non-negative integers");
            shape.push_back(static_cast<Eigen::Index>(n));
            skipSpaces();
            if (at(','))
                ++pos_;
            else if (!at(')'))
                return fail("'shape' is not a tuple of non-negative integers");
        }
        ++pos_;
        return true;
    }

    std::string_view text_;
    std::size_t pos_ = 0;
    std::string what_;
};

// Refuses every dtype but little-endian float32 and float64, saying what the file holds.
std::optional<std::string> dtypeProblem(const std::string& descr, Dtype& dtype)
{
    if (descr == "<f8" || descr == "<f4") {
        dtype = descr == "<f8" ? Dtype::F64 : Dtype::F32;
        return std::nullopt;
    }
    if (descr == ">f8" || descr == ">f4")
        return "dtype " + quoted(descr) + " is big-endian; " + std::string(kDtypeHint);
    if (descr == "|O" || descr == "O" || descr == "<O")
        return "an object array (dtype 'O'), which cannot be read safely; " +
               std::string(kDtypeHint);
    std::string kind = "dtype";
    if (descr.size() >= 2) {
        switch (descr[1]) {
        case 'i': case 'u': kind = "an integer dtype"; break;
        case 'b': kind = "a boolean dtype"; break;
        case 'c': kind = "a complex dtype"; break;
        case 'f': kind = "a floating-point dtype of another size"; break;
        case 'U': case 'S': kind = "a string dtype"; break;
        default: break;
        }
    }
    return kind + " " + quoted(descr) + "; " + std::string(kDtypeHint);
}

template <typename S>
S readLittle(std::string_view data)
{
    S value;
    std::memcpy(&value, data.data(), sizeof value);
    return value;
}

template <typename S>
Matrix readValues(const char* data, Eigen::Index rows, Eigen::Index cols, bool fortranOrder)
{
    std::vector<S> buffer(static_cast<std::size_t>(rows * cols));
    std::memcpy(buffer.data(), data, buffer.size() * sizeof(S));
    using RowMajor = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    if (fortranOrder)
        return Eigen::Map<const Mat<S>>(buffer.data(), rows, cols).template cast<double>();
    return Eigen::Map<const RowMajor>(buffer.data(), rows, cols).template cast<double>();
}

NdArrayLoad failure(const char* where, std::string what)
{
    NdArrayLoad result;
    result.problem = {where, std::move(what)};
    return result;
}

}  // namespace

std::string NdArray::shapeText() const
{
    if (shape.size() == 1)
        return "(" + std::to_string(shape[0]) + ",)";
    std::string out = "(";
    for (std::size_t k = 0; k < shape.size(); ++k)
        out += (k > 0 ? ", " : "") + std::to_string(shape[k]);
    return out + ")";
}

namespace {

// The magic, version, header length and header dict of a .npy file; the data start after it.
// Returns a failure, or nullopt with header and dataStart set.
std::optional<NdArrayLoad> readHeader(std::string_view bytes, Header& header, std::size_t& dataStart)
{
    if (bytes.size() < kMagic.size() || !bytes.starts_with(kMagic))
        return failure("header", "does not start with \\x93NUMPY; expected a .npy file (np.save)");
    if (bytes.size() < 10)
        return failure("header", "truncated: the file ends inside the format version");
    const auto major = static_cast<unsigned char>(bytes[6]);
    const auto minor = static_cast<unsigned char>(bytes[7]);
    if (major < 1 || major > 3 || minor != 0)
        return failure("header", "format version " + std::to_string(major) + "." +
                                     std::to_string(minor) + "; expected 1.0, 2.0 or 3.0");
    const std::size_t lengthBytes = major == 1 ? 2 : 4;
    if (bytes.size() < 8 + lengthBytes)
        return failure("header", "truncated: the file ends inside the header length");
    std::size_t headerLength = 0;
    for (std::size_t k = 0; k < lengthBytes; ++k)
        headerLength |= std::size_t(static_cast<unsigned char>(bytes[8 + k])) << (8 * k);
    dataStart = 8 + lengthBytes + headerLength;
    if (bytes.size() < dataStart)
        return failure("header", "truncated: the header says " + std::to_string(headerLength) +
                                     " bytes but the file ends after " +
                                     std::to_string(bytes.size() - 8 - lengthBytes));
    HeaderParser parser(bytes.substr(8 + lengthBytes, headerLength));
    if (!parser.parse(header))
        return failure("header", parser.what());
    return std::nullopt;
}

}  // namespace

std::optional<NpyHeader> parseNpyHeader(std::string_view bytes, Problem& problem)
{
    Header header;
    std::size_t dataStart = 0;
    if (auto failed = readHeader(bytes, header, dataStart)) {
        problem = failed->problem;
        return std::nullopt;
    }
    return NpyHeader{std::move(header.descr), header.fortranOrder, std::move(header.shape), dataStart};
}

NdArrayLoad parseNpy(std::string_view bytes)
{
    Header header;
    std::size_t dataStart = 0;
    if (auto problem = readHeader(bytes, header, dataStart))
        return std::move(*problem);

    NdArray array;
    if (const auto problem = dtypeProblem(header.descr, array.dtype))
        return failure("header", *problem);
    // Three dimensions: a spatial (N, C, L) tensor in C order, read as N rows of C * L.
    if (header.shape.size() > 3)
        return failure("header", "shape " + NdArray{header.shape, {}, {}}.shapeText() + " has " +
                                     std::to_string(header.shape.size()) +
                                     " dimensions; expected at most 3 (N x D, D or N x C x L)");
    if (header.shape.size() == 3 && header.fortranOrder)
        return failure("header", "shape " + NdArray{header.shape, {}, {}}.shapeText() +
                                     " is in Fortran order; a 3-d array is read in C order only "
                                     "(np.save(FILE, np.ascontiguousarray(a)))");
    array.shape = header.shape;
    const Eigen::Index rows = header.shape.size() >= 2 ? header.shape[0] : 1;
    Eigen::Index cols = header.shape.empty() ? 1 : header.shape.back();
    if (header.shape.size() == 3) {
        if (header.shape[1] != 0 && header.shape[2] > Eigen::Index(kMaxArrayEntries) / header.shape[1])
            return failure("header", "shape " + array.shapeText() + " is too large");
        cols = header.shape[1] * header.shape[2];
    }
    const std::size_t itemSize = array.dtype == Dtype::F64 ? 8 : 4;
    const std::size_t available = bytes.size() - dataStart;
    // rows * cols * itemSize, refusing an overflow rather than wrapping around.
    const auto maxCount = std::numeric_limits<std::size_t>::max() / itemSize;
    if (cols != 0 && std::size_t(rows) > maxCount / std::size_t(cols))
        return failure("header", "shape " + array.shapeText() + " is too large");
    const std::size_t entries = std::size_t(rows) * std::size_t(cols);
    if (entries > kMaxArrayEntries)
        return failure("header", "shape " + array.shapeText() + " has " + std::to_string(entries) +
                                     " entries; at most " + std::to_string(kMaxArrayEntries) +
                                     " (2^22, a session's N x D) are read");
    const std::size_t needed = entries * itemSize;
    if (available != needed)
        return failure("data", "shape " + array.shapeText() + " of " +
                                   (itemSize == 8 ? "float64" : "float32") + " needs " +
                                   std::to_string(needed) + " data bytes, the file has " +
                                   std::to_string(available) +
                                   (available < needed ? " (truncated)" : ""));
    const char* data = bytes.data() + dataStart;
    array.values = array.dtype == Dtype::F64
                       ? readValues<double>(data, rows, cols, header.fortranOrder)
                       : readValues<float>(data, rows, cols, header.fortranOrder);
    NdArrayLoad result;
    result.array = std::move(array);
    return result;
}

NpyScalar parseNpyScalar(std::string_view bytes)
{
    NpyScalar result;
    const auto fail = [&result](std::string where, std::string what) {
        result.problem = {std::move(where), std::move(what)};
        return result;
    };
    Header header;
    std::size_t dataStart = 0;
    if (auto problem = readHeader(bytes, header, dataStart))
        return fail(problem->problem.where, problem->problem.what);
    std::uint64_t count = 1;
    for (const Eigen::Index n : header.shape)
        count = n == 0 ? 0 : (count > 1 ? 2 : count * std::uint64_t(n));
    if (count != 1)
        return fail("header", "shape " + NdArray{header.shape, {}, {}}.shapeText() +
                                  "; expected a single value (a 0-d array, np.savez(..., key=value))");
    const std::string_view data = bytes.substr(dataStart);
    const std::string& d = header.descr;
    // '<f8', '<i4', '|u1', '|b1', '<U7': byte order, kind, size.
    const char order = d.empty() ? '?' : d[0];
    const char kind = d.size() > 1 ? d[1] : '?';
    std::size_t size = 0;
    for (std::size_t k = 2; k < d.size() && k < 6; ++k)
        size = d[k] >= '0' && d[k] <= '9' ? size * 10 + std::size_t(d[k] - '0') : 1000;
    const bool little = order == '<' || order == '|';
    const bool known = little && d.size() > 2 && d.size() < 6 && size < 1000 &&
                       ((kind == 'f' && (size == 4 || size == 8)) ||
                        ((kind == 'i' || kind == 'u') && (size == 1 || size == 2 || size == 4 || size == 8)) ||
                        (kind == 'b' && size == 1) || (kind == 'U' && size >= 1));
    if (!known)
        return fail("header", "dtype " + quoted(d) + "; expected a number or a string (float, "
                                                     "integer, boolean or '<U')");
    const std::size_t needed = kind == 'U' ? 4 * size : size;
    if (data.size() != needed)
        return fail("data", "needs " + std::to_string(needed) + " data bytes, the file has " +
                                std::to_string(data.size()));
    if (kind == 'f') {
        result.number = size == 8 ? readLittle<double>(data) : double(readLittle<float>(data));
    } else if (kind == 'b') {
        result.integer = data[0] != 0;
    } else if (kind == 'i' || kind == 'u') {
        std::uint64_t raw = 0;
        for (std::size_t k = 0; k < size; ++k)
            raw |= std::uint64_t(static_cast<unsigned char>(data[k])) << (8 * k);
        if (kind == 'i' && size < 8 && (raw >> (8 * size - 1)) != 0)
            raw |= ~std::uint64_t(0) << (8 * size);  // sign extension
        if (kind == 'u' && raw > std::uint64_t(std::numeric_limits<std::int64_t>::max()))
            return fail("data", "the integer " + std::to_string(raw) + " is out of range");
        result.integer = static_cast<std::int64_t>(raw);
    } else {
        // UTF-32LE code points, NUL-padded; written back as UTF-8.
        std::string text;
        for (std::size_t k = 0; k < size; ++k) {
            std::uint32_t c = 0;
            for (std::size_t b = 0; b < 4; ++b)
                c |= std::uint32_t(static_cast<unsigned char>(data[4 * k + b])) << (8 * b);
            if (c == 0)
                break;
            if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
                return fail("data", "is not valid UTF-32 text");
            if (c < 0x80) {
                text += char(c);
            } else if (c < 0x800) {
                text += char(0xC0 | (c >> 6));
                text += char(0x80 | (c & 0x3F));
            } else if (c < 0x10000) {
                text += char(0xE0 | (c >> 12));
                text += char(0x80 | ((c >> 6) & 0x3F));
                text += char(0x80 | (c & 0x3F));
            } else {
                text += char(0xF0 | (c >> 18));
                text += char(0x80 | ((c >> 12) & 0x3F));
                text += char(0x80 | ((c >> 6) & 0x3F));
                text += char(0x80 | (c & 0x3F));
            }
        }
        result.text = std::move(text);
    }
    if (result.integer)
        result.number = double(*result.integer);
    return result;
}

bool looksLikeZip(std::string_view bytes)
{
    return bytes.starts_with(std::string_view("PK\x03\x04", 4)) ||
           bytes.starts_with(std::string_view("PK\x05\x06", 4));
}

}  // namespace bnflow
