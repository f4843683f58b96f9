// Small helpers to write JSON text by hand, so the layout stays readable (one matrix row a line)
// and numbers are in shortest round-trip form.
#pragma once

#include "types.h"

#include <string>
#include <string_view>

namespace bnflow::json {

std::string number(double value);            // shortest round-trip; finite values only
std::string string(std::string_view text);   // quoted and escaped
std::string row(const RowVector& values);    // [1, 2.5, -3]
// [[...], [...]]; with indent >= 0, one row a line, rows indented by indent + 2 spaces.
std::string matrix(const Matrix& values, int indent = -1);

}  // namespace bnflow::json
