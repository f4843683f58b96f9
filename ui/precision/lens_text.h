// What the precision lens says, in words: the same sentences on the Results tab, in the
// walkthrough and in the tests. Formatting only; the numbers are precisionReport()'s.
#pragma once

#include <core/teach/precision_report.h>

#include <QString>

#include <optional>
#include <string_view>

namespace bnflow::ui {

// "bfloat16", "float16", "float32", "float64".
QString typeTitle(NumberType type);
// "bfloat16, sums in float32"; "float16, sums in float16" for the sums in T itself.
QString lensTitle(NumberType type, std::optional<NumberType> accumulate);
// The quantity's name and symbol from the catalogue: "mean (μ)".
QString quantityTitle(std::string_view id);
// An error in three significant digits ("1.23e-02"), "0", "overflow" for the step that overflowed,
// "not finite" for one computed from it, "1.00e+00 (meaningless)" for a finite one computed from it.
QString errorText(const QuantityError& q);
// How many times the step multiplied the error it read ("x 81"), empty where that means nothing
// (an input, a value that vanishes in exact math, an infinite error).
QString growthText(const QuantityError& q);
// One line for a step shown in the walkthrough: its error, its inputs', and whether it is where
// the error is born or where the type overflowed.
QString stepNote(const PrecisionReport& report, std::string_view id, const QString& lens);
// "In float16, var (σ²) overflows: ... " when a step overflowed, else empty.
QString overflowMessage(const PrecisionReport& report);
// The errors grad --precision prints and where the error is born, one paragraph.
QString summaryText(const PrecisionReport& report, const QString& lens);

}  // namespace bnflow::ui
