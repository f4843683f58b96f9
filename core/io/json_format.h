// Small helpers to write JSON text by hand, so the layout stays readable (one matrix row a line)
// and numbers are in shortest round-trip form.
#pragma once

#include <core/model/types.h>

#include <string>
#include <string_view>

namespace bnflow::json {

// What a non-finite number becomes: an error (std::domain_error), or null where an infinity is
// the result being shown (grad --precision, doc/precision.md).
enum class NonFinite { Refuse, Null };

// Shortest round-trip form that every JSON reader reads as a floating-point number: "1.0" not
// "1", "-0.0" keeps its sign, "1e+20" as is. Throws std::domain_error on NaN or infinity: JSON
// has no spelling for them, and a NaN is never printed as a result (NonFinite::Null: "null").
std::string number(double value, NonFinite nonFinite = NonFinite::Refuse);
// Shortest round-trip form as std::to_chars writes it ("1", "-0", "nan"): for CSV and display.
std::string shortest(double value);
std::string string(std::string_view text);   // quoted and escaped
// [1.0, 2.5, -3.0]
std::string row(const RowVector& values, NonFinite nonFinite = NonFinite::Refuse);
// [[...], [...]]; with indent >= 0, one row a line, rows indented by indent + 2 spaces.
std::string matrix(const Matrix& values, int indent = -1, NonFinite nonFinite = NonFinite::Refuse);

}  // namespace bnflow::json
