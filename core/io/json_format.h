// Small helpers to write JSON text by hand, so the layout stays readable (one matrix row a line)
// and numbers are in shortest round-trip form.
#pragma once

#include <core/model/types.h>

#include <string>
#include <string_view>

namespace bnflow::json {

// Shortest round-trip form that every JSON reader reads as a floating-point number: "1.0" not
// "1", "-0.0" keeps its sign, "1e+20" as is. Throws std::domain_error on NaN or infinity: JSON
// has no spelling for them, and a NaN is never printed as a result.
std::string number(double value);
// Shortest round-trip form as std::to_chars writes it ("1", "-0", "nan"): for CSV and display.
std::string shortest(double value);
std::string string(std::string_view text);   // quoted and escaped
std::string row(const RowVector& values);    // [1.0, 2.5, -3.0]
// [[...], [...]]; with indent >= 0, one row a line, rows indented by indent + 2 spaces.
std::string matrix(const Matrix& values, int indent = -1);

}  // namespace bnflow::json
