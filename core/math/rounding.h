// The number formats of the precision lens (doc/precision.md): bfloat16, IEEE binary16 (with
// subnormals), binary32, and binary64 itself. A value of a narrow format is held in a double,
// which holds every one of them exactly; roundTo() makes one from any double.
#pragma once

#include <optional>
#include <string_view>

namespace bnflow {

enum class NumberType { BF16, F16, F32, F64 };

// "bf16", "f16", "f32", "f64"; numberTypeNamed() reads them back (nullopt for anything else).
std::string_view numberTypeName(NumberType type);
std::optional<NumberType> numberTypeNamed(std::string_view name);

// Significand bits, the hidden bit included: 8, 11, 24, 53.
int significandBits(NumberType type);
// The largest finite value of the type.
double largestFinite(NumberType type);
// Whether every value of a is a value of b (a's range and precision within b's).
bool fitsIn(NumberType a, NumberType b);

// x rounded to the nearest value of the type, ties to even, overflowing to +-inf: the IEEE 754
// conversion, taken directly from the double's bits (never through float first, which could
// round twice). Gradual underflow: f16 has subnormals down to 2^-24, bf16 and f32 down to
// 2^-133 and 2^-149. NaN stays NaN, infinities and signed zeros stay as they are. F64 returns x.
double roundTo(NumberType type, double x);

}  // namespace bnflow
