// Numeric tables as text: CSV files and spreadsheet clipboard blocks in, results CSV out.
#pragma once

#include <core/model/problem.h>
#include <core/model/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bnflow {

struct TableLimits {
    Eigen::Index maxRows = 256;
    Eigen::Index maxCols = 32;
    std::size_t maxEntries = SIZE_MAX;  // rows x cols in all, checked as each row is read
};

struct TableParse {
    std::optional<Matrix> table;  // set exactly when problem is empty
    Problem problem;              // where: "line L, column C" (1-based, C counts fields)
    bool skippedHeader = false;   // a first line with no number at all was taken as a header
    bool ok() const { return table.has_value(); }
};

// Parses rows of numbers separated by tabs, commas or semicolons (one separator for the whole
// text, detected from the first data line: tab, then semicolon, then comma), as spreadsheets
// copy them. Handles \n, \r\n and \r line ends, a UTF-8 BOM, surrounding spaces, "quoted"
// fields and one trailing empty line. A first line in which no field is a number is a header
// and is skipped. Numbers are read locale-independently (1.5, -2e-3); anything else, a
// non-finite or overflowing number, an empty field, ragged rows, no rows, or more rows or
// columns than the limits is a problem naming the line and column. It stops reading as soon as
// the row limit is exceeded, so a million-line input costs no more than limit + 1 lines.
TableParse parseTable(std::string_view text, const TableLimits& limits = {});

// A CSV field: quoted, with quotes doubled, when it holds a comma, a quote or a line end.
std::string csvField(std::string_view text);

// The block as spreadsheet clipboard text: tab-separated, one row a line, shortest round-trip
// numbers, "\n" line ends.
std::string formatTable(const Matrix& block);

// One named quantity for a results CSV: N x D per element, or 1 x D per feature. Said
// explicitly, because with one sample a per-element quantity is 1 x D too.
struct NamedMatrix {
    std::string name;
    const Matrix* values;
    bool perFeature = false;
    // Cells that exercise mode hides (exercise.h): written with an empty value, never the number.
    std::function<bool(Eigen::Index, Eigen::Index)> hidden = {};
};

// Long ("tidy") format, one value a line: "quantity,sample,feature,value"; per-feature
// quantities have an empty sample field. Numbers in shortest round-trip form.
std::string resultsCsv(const std::vector<NamedMatrix>& quantities);

}  // namespace bnflow
