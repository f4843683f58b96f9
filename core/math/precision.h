// The precision lens (doc/precision.md): the whole layer, forward, staged and fused backward,
// computed as a narrow number format would compute it. Every stored value (the inputs, each
// statistic, each intermediate) is a value of the type T; every arithmetic operation is rounded
// once to nearest even in T; every sum runs in index order in the accumulate type A (at least
// as wide as T) and is stored in T when it ends. The operations are family.cpp's, step by step,
// so each value has its catalogue id, and the first step that overflowed T is named.
#pragma once

#include <core/math/family.h>
#include <core/math/rounding.h>

#include <optional>
#include <string>

namespace bnflow {

struct PrecisionRun {
    NumberType type = NumberType::F64;
    NumberType accumulate = NumberType::F64;
    // Every value of family.h's analysis, each a value of T (or +-inf, NaN after an overflow);
    // the differences of staged and fused (absDiffDx, maxAbsDiff*) are taken in float64.
    FamilyAnalysis analysis;
    // The catalogue id of the first step, forward then backward, where a value became infinite
    // from finite operands ("var", "dxhat"; "x", "dout" when an input itself is out of T's
    // range); nullopt when nothing overflowed.
    std::optional<std::string> overflow;
};

// Emulates the session's layer (any layer and mode; training batch norm through the family's
// reduction) in `type`, sums in `accumulate`. The session must be valid (Session::validate()).
// Throws std::invalid_argument when `accumulate` is narrower than `type`.
PrecisionRun emulatePrecision(const Session& session, NumberType type, NumberType accumulate);

// max |result - reference| / max |reference|, or the absolute error where the reference is all
// zeros; +inf when the result has a non-finite entry. Shapes must match.
double scaledError(const Matrix& result, const Matrix& reference);

// error_vs_f64: y, the staged dx, dgamma and dbeta against a float64 analysis of the session.
struct PrecisionErrors {
    double y = 0, dx = 0, dgamma = 0, dbeta = 0;
};
PrecisionErrors errorsAgainst(const FamilyAnalysis& emulated, const FamilyAnalysis& reference);

}  // namespace bnflow
