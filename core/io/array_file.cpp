#include <core/io/array_file.h>

#include <core/io/csv.h>
#include <core/io/file_read.h>
#include <core/io/json_document.h>


#include <algorithm>
#include <filesystem>

namespace bnflow {
namespace {

NdArrayLoad failure(std::string where, std::string what)
{
    NdArrayLoad result;
    result.problem = {std::move(where), std::move(what)};
    return result;
}

std::string lowerExtension(std::string_view path)
{
    std::string extension = std::filesystem::path(path).extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return extension;
}

NdArrayLoad fromTable(std::string_view text)
{
    // A student's batch may be much larger than what the GUI's editors take, but never more
    // numbers than a session can hold.
    const TableParse table = parseTable(text, TableLimits{1 << 20, 1 << 16, kMaxArrayEntries});
    if (!table.ok())
        return failure(table.problem.where, table.problem.what);
    NdArray array;
    array.values = *table.table;
    array.shape = {array.values.rows(), array.values.cols()};
    return NdArrayLoad{std::move(array), {}};
}

// One number of a JSON array, or a problem naming its position.
bool jsonNumber(const JsonDocument& value, const std::string& where, double& out, Problem& problem)
{
    if (!value.is_number()) {
        problem = {where, "expected a number, got " + std::string(jsonTypeName(value))};
        return false;
    }
    out = value.get<double>();
    return true;
}

// The parsed document as an array: numbers (a vector) or rows of numbers (a matrix).
NdArrayLoad fromJsonArray(const JsonDocument& root)
{
    if (!root.is_array() || root.empty())
        return failure("", "expected a non-empty JSON array of numbers or of rows");
    NdArray array;
    Problem problem;
    if (!root.front().is_array()) {
        array.shape = {Eigen::Index(root.size())};
        array.values.resize(1, Eigen::Index(root.size()));
        for (std::size_t j = 0; j < root.size(); ++j)
            if (!jsonNumber(root[j], "[" + std::to_string(j) + "]",
                            array.values(0, Eigen::Index(j)), problem))
                return failure(problem.where, problem.what);
        return NdArrayLoad{std::move(array), {}};
    }
    const std::size_t cols = root.front().size();
    array.shape = {Eigen::Index(root.size()), Eigen::Index(cols)};
    array.values.resize(Eigen::Index(root.size()), Eigen::Index(cols));
    for (std::size_t i = 0; i < root.size(); ++i) {
        const std::string where = "[" + std::to_string(i) + "]";
        if (!root[i].is_array() || root[i].size() != cols)
            return failure(where, "expected a row of " + std::to_string(cols) +
                                      " numbers like [0] (all rows the same length)");
        for (std::size_t j = 0; j < cols; ++j)
            if (!jsonNumber(root[i][j], where + "[" + std::to_string(j) + "]",
                            array.values(Eigen::Index(i), Eigen::Index(j)), problem))
                return failure(problem.where, problem.what);
    }
    return NdArrayLoad{std::move(array), {}};
}

NdArrayLoad fromJson(std::string_view text)
{
    // The project's own reader, not nlohmann's DOM: it stops at kMaxArrayEntries numbers before a
    // 256 MB file costs gigabytes, says "1e999" overflows in words, and refuses deep nesting (an
    // array of rows is 2 levels deep).
    Problems problems;
    std::optional<JsonDocument> parsed =
        parseJsonDocument(text, problems, {8, kMaxArrayEntries, "an array of numbers or of rows"});
    if (!parsed)
        return failure(problems.front().where, problems.front().what);
    JsonDocument root = std::move(*parsed);
    NdArrayLoad result = fromJsonArray(root);
    dismantle(root);
    return result;
}

}  // namespace

std::optional<std::string> readFileBytes(const std::string& path, std::size_t limit,
                                         Problem& problem)
{
    // Not an ifstream: a FIFO with no writer would block its open forever, and a device would be
    // read without end. readRegularFile refuses both before a single read.
    std::string bytes;
    if (const auto what = readRegularFile(path, limit, bytes, "file")) {
        problem = {"", *what};
        return std::nullopt;
    }
    return bytes;
}

NdArrayLoad parseArrayFile(std::string_view bytes, std::string_view path)
{
    std::string extension = lowerExtension(path);
    if (extension == ".npz" || (extension != ".npy" && looksLikeZip(bytes)))
        return failure("", "is an .npz archive; pass it as --npz FILE");
    if (extension != ".npy" && extension != ".csv" && extension != ".tsv" &&
        extension != ".txt" && extension != ".json") {
        const auto first = bytes.find_first_not_of(" \t\r\n");
        extension = bytes.starts_with("\x93NUMPY")                           ? ".npy"
                    : first != std::string_view::npos && bytes[first] == '[' ? ".json"
                                                                             : ".csv";
    }
    if (extension == ".npy")
        return parseNpy(bytes);
    if (extension == ".json")
        return fromJson(bytes);
    return fromTable(bytes);
}

NdArrayLoad loadArrayFile(const std::string& path)
{
    Problem problem;
    const std::optional<std::string> bytes = readFileBytes(path, kMaxArrayFileBytes, problem);
    if (!bytes)
        return failure(problem.where, problem.what);
    return parseArrayFile(*bytes, path);
}

std::optional<Matrix> arrayAsMatrix(const NdArray& array, Eigen::Index rows, Eigen::Index cols,
                                    bool vectorOk, std::string& what)
{
    const auto& shape = array.shape;
    const bool exact = shape.size() == 2 && shape[0] == rows && shape[1] == cols;
    const bool vector = vectorOk && rows == 1 && shape.size() == 1 && shape[0] == cols;
    if (exact || vector)
        return array.values;
    what = "has shape " + array.shapeText() + "; expected " +
           (vectorOk ? "(" + std::to_string(cols) + ",) or (1, " + std::to_string(cols) + ")"
                     : "(" + std::to_string(rows) + ", " + std::to_string(cols) + ")");
    return std::nullopt;
}

}  // namespace bnflow
