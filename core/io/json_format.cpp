#include <core/io/json_format.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace bnflow::json {

std::string shortest(double value)
{
    char buffer[32];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, end);
}

std::string number(double value, NonFinite nonFinite)
{
    if (!std::isfinite(value) && nonFinite == NonFinite::Null)
        return "null";
    if (!std::isfinite(value))
        throw std::domain_error("a non-finite number cannot be written as JSON");
    std::string text = shortest(value);
    // Digits alone ("1", "-0", "123456789012") read back as an integer; a point makes a float.
    if (text.find_first_not_of("-0123456789") == std::string::npos)
        text += ".0";
    return text;
}

std::string string(std::string_view text)
{
    std::string out = "\"";
    for (const char c : text) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char escaped[8];
                std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
                out += escaped;
            } else {
                out += c;
            }
        }
    }
    return out + "\"";
}

std::string row(const RowVector& values, NonFinite nonFinite)
{
    std::string out = "[";
    for (Eigen::Index j = 0; j < values.size(); ++j) {
        if (j > 0)
            out += ", ";
        out += number(values[j], nonFinite);
    }
    return out + "]";
}

std::string matrix(const Matrix& values, int indent, NonFinite nonFinite)
{
    const std::string breakLine = indent >= 0 ? "\n" + std::string(indent + 2, ' ') : "";
    std::string out = "[";
    for (Eigen::Index i = 0; i < values.rows(); ++i) {
        if (i > 0)
            out += ",";
        out += breakLine + row(values.row(i), nonFinite);
    }
    if (indent >= 0 && values.rows() > 0)
        out += "\n" + std::string(indent, ' ');
    return out + "]";
}

}  // namespace bnflow::json
