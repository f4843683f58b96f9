#include <core/math/rounding.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace bnflow {
namespace {

struct Format {
    int precision;  // significand bits, hidden bit included
    int minExp;     // exponent of the smallest normal value
    int maxExp;     // exponent of the largest finite value
};

constexpr Format format(NumberType type)
{
    switch (type) {
    case NumberType::BF16: return {8, -126, 127};
    case NumberType::F16: return {11, -14, 15};
    case NumberType::F32: return {24, -126, 127};
    case NumberType::F64: return {53, -1022, 1023};
    }
    return {53, -1022, 1023};
}

}  // namespace

std::string_view numberTypeName(NumberType type)
{
    switch (type) {
    case NumberType::BF16: return "bf16";
    case NumberType::F16: return "f16";
    case NumberType::F32: return "f32";
    case NumberType::F64: return "f64";
    }
    return "f64";
}

std::optional<NumberType> numberTypeNamed(std::string_view name)
{
    for (const NumberType t : {NumberType::BF16, NumberType::F16, NumberType::F32, NumberType::F64})
        if (numberTypeName(t) == name)
            return t;
    return std::nullopt;
}

int significandBits(NumberType type)
{
    return format(type).precision;
}

double largestFinite(NumberType type)
{
    const Format f = format(type);
    // (2 - 2^(1-p)) * 2^maxExp, exact in a double.
    return std::ldexp(2.0 - std::ldexp(1.0, 1 - f.precision), f.maxExp);
}

bool fitsIn(NumberType a, NumberType b)
{
    const Format fa = format(a), fb = format(b);
    return fa.precision <= fb.precision && fa.maxExp <= fb.maxExp &&
           fa.minExp - fa.precision >= fb.minExp - fb.precision;
}

double roundTo(NumberType type, double x)
{
    if (type == NumberType::F64 || !std::isfinite(x) || x == 0)
        return x;
    const Format f = format(type);
    // |x| = significand * 2^scale, with the significand an integer below 2^53.
    const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
    const bool negative = bits >> 63;
    const int biased = static_cast<int>((bits >> 52) & 0x7ff);
    const std::uint64_t fraction = bits & ((std::uint64_t{1} << 52) - 1);
    const std::uint64_t significand = biased ? fraction | (std::uint64_t{1} << 52) : fraction;
    const int scale = (biased ? biased : 1) - 1075;
    // floor(log2 |x|), then the spacing 2^quantum of the type's values there (fixed below the
    // smallest normal: the subnormals are evenly spaced).
    const int exponent = static_cast<int>(std::bit_width(significand)) - 1 + scale;
    const int quantum = std::max(exponent, f.minExp) - (f.precision - 1);
    const int shift = quantum - scale;  // > 0: the narrow types have fewer bits than a double
    std::uint64_t kept = 0;
    if (shift < 64) {
        kept = significand >> shift;
        const std::uint64_t dropped = significand & ((std::uint64_t{1} << shift) - 1);
        const std::uint64_t half = std::uint64_t{1} << (shift - 1);
        if (dropped > half || (dropped == half && (kept & 1)))
            ++kept;  // to nearest, ties to the even neighbour
    }  // else the value is below half the smallest subnormal: it rounds to zero
    double magnitude = std::ldexp(static_cast<double>(kept), quantum);
    if (magnitude > largestFinite(type))
        magnitude = std::numeric_limits<double>::infinity();
    return negative ? -magnitude : magnitude;
}

}  // namespace bnflow
