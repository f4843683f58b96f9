#include <core/io/csv.h>

#include <core/io/json_format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace bnflow {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kExpectedRows =
    "expected rows of numbers separated by tabs, commas or semicolons";

std::string lineColumn(std::size_t line, std::size_t column)
{
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// A field quoted in a message, cut short so one line stays one line.
std::string quote(std::string_view field)
{
    return "\"" + std::string(field.size() <= 40 ? field : field.substr(0, 37)) +
           (field.size() <= 40 ? "\"" : "...\"");
}

std::string_view trimmed(std::string_view s)
{
    const auto first = s.find_first_not_of(' ');
    if (first == std::string_view::npos)
        return {};
    return s.substr(first, s.find_last_not_of(' ') - first + 1);
}

// The field without surrounding spaces and one pair of surrounding quotes.
std::string_view unquoted(std::string_view field)
{
    field = trimmed(field);
    if (field.size() >= 2 && field.front() == '"' && field.back() == '"')
        field = trimmed(field.substr(1, field.size() - 2));
    return field;
}

// Whether a literal that from_chars found out of range is tiny rather than huge: the decimal
// exponent of its first significant digit is negative ("0.001e-999"), not positive ("12e999").
bool isUnderflow(std::string_view literal)
{
    long long order = -1;  // of the first significant digit, before the exponent
    bool point = false;
    bool significant = false;
    std::size_t i = literal.front() == '-' ? 1 : 0;
    for (; i < literal.size() && literal[i] != 'e' && literal[i] != 'E'; ++i) {
        if (literal[i] == '.')
            point = true;
        else if (!point && (significant || literal[i] != '0'))
            ++order;  // one more digit before the point
        else if (point && !significant && literal[i] == '0' && order < 0)
            --order;  // a zero between the point and the first significant digit
        significant = significant || (literal[i] >= '1' && literal[i] <= '9');
    }
    if (i == literal.size())
        return order < 0;
    std::string_view digits = literal.substr(i + 1);
    const bool negative = !digits.empty() && digits.front() == '-';
    if (!digits.empty() && (digits.front() == '-' || digits.front() == '+'))
        digits.remove_prefix(1);
    long long magnitude = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude);
    if (ec == std::errc::result_out_of_range)
        return negative;  // an exponent beyond 64 bits decides alone
    return negative ? order < magnitude : order < -magnitude;
}

enum class NumberRead { Ok, NotANumber, NonFinite, Overflow };

// Locale-independent, the whole field or nothing. A number too small for a double reads as
// (signed) 0, as with strtod.
NumberRead readNumber(std::string_view field, double& value)
{
    if (field.size() > 1 && field.front() == '+' && field[1] != '-')
        field.remove_prefix(1);  // from_chars refuses "+1.5", which spreadsheets may write
    const char* end = field.data() + field.size();
    const auto [stop, ec] = std::from_chars(field.data(), end, value);
    if (ec == std::errc::invalid_argument || stop != end)
        return NumberRead::NotANumber;
    if (ec == std::errc::result_out_of_range) {
        if (!isUnderflow(field))
            return NumberRead::Overflow;
        value = field.front() == '-' ? -0.0 : 0.0;
    }
    return std::isfinite(value) ? NumberRead::Ok : NumberRead::NonFinite;
}

// The field with its one comma made a point, when that reads as a number: "1,5" from a locale
// that writes a decimal comma.
std::optional<std::string> withDecimalPoint(std::string_view field)
{
    const auto comma = field.find(',');
    if (comma == std::string_view::npos || field.find(',', comma + 1) != std::string_view::npos)
        return std::nullopt;
    std::string pointed(field);
    pointed[comma] = '.';
    double value = 0;
    return readNumber(pointed, value) == NumberRead::Ok ? std::optional(pointed) : std::nullopt;
}

std::string numberProblem(NumberRead read, std::string_view field)
{
    if (read == NumberRead::NonFinite)
        return quote(field) + " is not a finite number; expected a number such as 1.5 or -2e-3";
    if (read == NumberRead::Overflow)
        return quote(field) + " is out of range for a double (overflow); expected a magnitude "
                              "below 1.8e308";
    if (const auto pointed = withDecimalPoint(field))
        return quote(field) + " is not a number; expected a decimal point (" + *pointed +
               "), not a decimal comma";
    return quote(field) + " is not a number; expected a number such as 1.5 or -2e-3";
}

// Reads lines one at a time: "\n", "\r\n" and "\r" all end a line, and a line end as the very
// last thing in the text does not start another, empty line.
class LineReader {
public:
    explicit LineReader(std::string_view text) : text_(text) {}

    bool next(std::string_view& line)
    {
        if (position_ >= text_.size())
            return false;
        const auto end = std::min(text_.find_first_of("\r\n", position_), text_.size());
        line = text_.substr(position_, end - position_);
        position_ = end + (text_.compare(end, 2, "\r\n") == 0 ? 2 : 1);
        ++number_;
        return true;
    }

    std::size_t number() const { return number_; }  // 1-based, of the line last read

private:
    std::string_view text_;
    std::size_t position_ = 0;
    std::size_t number_ = 0;
};

// Tab first: a spreadsheet's clipboard; then semicolon, which locales with a decimal comma use.
char detectSeparator(std::string_view line)
{
    for (const char separator : {'\t', ';', ','})
        if (line.find(separator) != std::string_view::npos)
            return separator;
    return '\t';
}

struct Split {
    bool tooMany = false;          // more than maxFields fields; the rest was not read
    std::size_t openQuote = 0;     // 1-based column of a quote left open, or 0
};

// Splits line at separators outside "quotes" into at most maxFields fields, reusing fields.
Split splitFields(std::string_view line, char separator, std::size_t maxFields,
                  std::vector<std::string_view>& fields)
{
    fields.clear();
    Split split;
    bool inQuotes = false;
    std::size_t start = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '"') {
            inQuotes = !inQuotes;  // "" inside quotes toggles twice
            if (inQuotes)
                split.openQuote = fields.size() + 1;
        } else if (line[i] == separator && !inQuotes) {
            if (fields.size() == maxFields) {
                split.tooMany = true;
                return split;
            }
            fields.push_back(line.substr(start, i - start));
            start = i + 1;
        }
    }
    split.tooMany = fields.size() == maxFields;
    if (!split.tooMany)
        fields.push_back(line.substr(start));
    if (!inQuotes)
        split.openQuote = 0;
    return split;
}

// A header has text and no field that reads as a number, even a bad one ("nan", "1e999",
// "1,5").
bool isHeader(const std::vector<std::string_view>& fields)
{
    bool text = false;
    for (const std::string_view raw : fields) {
        const std::string_view field = unquoted(raw);
        double value = 0;
        if (!field.empty() &&
            (readNumber(field, value) != NumberRead::NotANumber || withDecimalPoint(field)))
            return false;
        text = text || !field.empty();
    }
    return text;
}

// Reads the data lines of a table, one at a time, into a row-major buffer.
class TableReader {
public:
    explicit TableReader(const TableLimits& limits) : limits_(limits) {}

    // false with problem() set when the line is not a row of numbers that fits.
    bool readRow(std::string_view line, std::size_t lineNumber)
    {
        if (rows_ == 0)
            separator_ = detectSeparator(line);
        else if (trimmed(line).empty())
            return fail(lineNumber, 1, "is an empty line; expected " + std::to_string(cols_) +
                                           (cols_ == 1 ? " number" : " numbers") + " like line " +
                                           std::to_string(firstLine_) +
                                           " (blank lines may only end the text)");
        if (rows_ >= limits_.maxRows)
            return fail(lineNumber, 1, "more than " + std::to_string(limits_.maxRows) +
                                           " rows; at most " + std::to_string(limits_.maxRows) +
                                           " rows fit");
        const std::size_t maxFields = static_cast<std::size_t>(
            std::max<Eigen::Index>(rows_ == 0 ? limits_.maxCols : cols_, 0));
        const Split split = splitFields(line, separator_, maxFields, fields_);
        if (!checkWidth(split, lineNumber))
            return false;
        if (std::size_t(rows_ + 1) * fields_.size() > limits_.maxEntries)
            return fail(lineNumber, 1, "more than " + std::to_string(limits_.maxEntries) +
                                           " numbers in all; at most that many fit");
        for (std::size_t j = 0; j < fields_.size(); ++j)
            if (!readField(unquoted(fields_[j]), lineNumber, j + 1))
                return false;
        if (rows_ == 0)
            firstLine_ = lineNumber;
        ++rows_;
        return true;
    }

    Matrix table() const
    {
        using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
        return Eigen::Map<const RowMajor>(values_.data(), rows_, cols_);
    }

    const Problem& problem() const { return problem_; }

private:
    bool fail(std::size_t line, std::size_t column, std::string what)
    {
        problem_ = {lineColumn(line, column), std::move(what)};
        return false;
    }

    bool checkWidth(const Split& split, std::size_t lineNumber)
    {
        const std::size_t count = fields_.size();
        if (rows_ == 0 && split.tooMany)
            return fail(lineNumber, count + 1, "more than " + std::to_string(limits_.maxCols) +
                                                   " columns; at most " +
                                                   std::to_string(limits_.maxCols) + " fit");
        if (split.tooMany || (rows_ > 0 && static_cast<Eigen::Index>(count) != cols_))
            return fail(lineNumber, count + 1, raggedRow(split.tooMany, count));
        if (split.openQuote > 0)
            return fail(lineNumber, split.openQuote,
                        "a quote opened here is not closed on this line; expected \"...\" "
                        "around one field");
        cols_ = static_cast<Eigen::Index>(count);
        return true;
    }

    std::string raggedRow(bool tooMany, std::size_t count) const
    {
        const std::string has = tooMany ? "more than " + std::to_string(cols_)
                                        : std::to_string(count);
        const char* noun = !tooMany && count == 1 ? " field" : " fields";
        return "has " + has + noun + "; expected " + std::to_string(cols_) + " like line " +
               std::to_string(firstLine_) + " (all rows must have the same number of fields)";
    }

    bool readField(std::string_view field, std::size_t lineNumber, std::size_t column)
    {
        if (field.empty())
            return fail(lineNumber, column, "is empty; expected a number");
        double value = 0;
        const NumberRead read = readNumber(field, value);
        if (read != NumberRead::Ok)
            return fail(lineNumber, column, numberProblem(read, field));
        values_.push_back(value);
        return true;
    }

    const TableLimits limits_;
    char separator_ = '\t';               // detected from the first data line
    std::vector<std::string_view> fields_;  // the fields of the current line, reused
    std::vector<double> values_;          // rows_ x cols_, row-major
    Eigen::Index rows_ = 0;               // data rows read so far
    Eigen::Index cols_ = 0;               // fields per row, set by the first data line
    std::size_t firstLine_ = 0;           // line number of the first data row
    Problem problem_;
};

}  // namespace

TableParse parseTable(std::string_view text, const TableLimits& limits)
{
    TableParse result;
    if (text.starts_with(kBom))
        text.remove_prefix(kBom.size());
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        result.problem = {lineColumn(1, 1), "the text is empty; " + std::string(kExpectedRows)};
        return result;
    }
    // Blank lines at the end are what editors and exporters leave; only blank lines between
    // rows are a problem. Cutting the tail changes no line number before it.
    text = text.substr(0, text.find_last_not_of(" \t\r\n") + 1);
    LineReader lines(text);
    std::string_view line;
    lines.next(line);
    std::vector<std::string_view> fields;
    const auto maxFields = static_cast<std::size_t>(std::max<Eigen::Index>(limits.maxCols, 1));
    splitFields(line, detectSeparator(line), maxFields, fields);
    if (isHeader(fields)) {
        result.skippedHeader = true;
        if (!lines.next(line)) {
            result.problem = {lineColumn(2, 1), "line 1 has no number, so it was taken as a "
                                                "header, and no rows of numbers follow; " +
                                                    std::string(kExpectedRows)};
            return result;
        }
    }
    TableReader reader(limits);
    do {
        if (!reader.readRow(line, lines.number())) {
            result.problem = reader.problem();
            return result;
        }
    } while (lines.next(line));
    result.table = reader.table();
    return result;
}

std::string formatTable(const Matrix& block)
{
    std::string out;
    for (Eigen::Index i = 0; i < block.rows(); ++i) {
        for (Eigen::Index j = 0; j < block.cols(); ++j) {
            if (j > 0)
                out += '\t';
            out += json::shortest(block(i, j));
        }
        out += '\n';
    }
    return out;
}

std::string csvField(std::string_view text)
{
    if (text.find_first_of(",\"\r\n") == std::string_view::npos)
        return std::string(text);
    std::string out = "\"";
    for (const char c : text)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}


std::string resultsCsv(const std::vector<NamedMatrix>& quantities)
{
    std::string out = "quantity,sample,feature,value\n";
    for (const NamedMatrix& quantity : quantities) {
        if (!quantity.values)
            continue;
        const Matrix& m = *quantity.values;
        const std::string name = csvField(quantity.name) + ",";
        const bool perFeature = quantity.perFeature;
        for (Eigen::Index i = 0; i < m.rows(); ++i) {
            for (Eigen::Index j = 0; j < m.cols(); ++j) {
                out += name;
                out += perFeature ? std::string() : std::to_string(i);
                const bool hidden = quantity.hidden && quantity.hidden(i, j);
                out += "," + std::to_string(j) + "," + (hidden ? std::string() : json::shortest(m(i, j))) + "\n";
            }
        }
    }
    return out;
}

}  // namespace bnflow
