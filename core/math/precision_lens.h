// The arithmetic of the precision lens (precision.h): one operation at a time, each rounded once
// to the type T, sums in the accumulate type A, and the first step where a value overflowed.
// Internal to core/math/precision.cpp; a header so that the pieces can be tested one by one.
#pragma once

#include <core/math/family.h>
#include <core/math/rounding.h>

#include <cmath>
#include <optional>
#include <string>
#include <string_view>

namespace bnflow {

class PrecisionLens {
public:
    PrecisionLens(NumberType type, NumberType accumulate) : type_(type), acc_(accumulate) {}

    NumberType type() const { return type_; }
    // Names the step the following operations belong to (a catalogue id).
    void at(std::string_view step) { step_ = step; }
    const std::optional<std::string>& overflow() const { return overflow_; }

    // A value stored in T: an input, a constant, a finished sum.
    double store(double v) { return checked(roundTo(type_, v), std::isfinite(v)); }
    Matrix store(const Matrix& m);
    RowVector store(const RowVector& v);

    // One operation each, computed exactly (or correctly rounded) in double, rounded once to T.
    // A double holds the exact sum, difference and product of two values of bf16 or f16 and is
    // correctly rounded for f32, whose double rounding to T then cannot err (53 >= 2 * 24 + 2).
    double add(double a, double b) { return op(a + b, a, b); }
    double sub(double a, double b) { return op(a - b, a, b); }
    double mul(double a, double b) { return op(a * b, a, b); }
    double div(double a, double b) { return op(a / b, a, b); }
    double sqrt(double a) { return op(std::sqrt(a), a, a); }
    double rsqrt(double a) { return op(1.0 / std::sqrt(a), a, a); }
    double cube(double a) { return op(a * a * a, a, a); }

    // One step of a running sum in A: the new partial sum, rounded to A.
    double accumulate(double sum, double term)
    {
        return checked(roundTo(acc_, sum + term), std::isfinite(sum) && std::isfinite(term));
    }

private:
    double op(double exact, double a, double b)
    {
        return checked(roundTo(type_, exact), std::isfinite(a) && std::isfinite(b));
    }
    double checked(double result, bool finiteOperands)
    {
        if (!overflow_ && finiteOperands && !std::isfinite(result))
            overflow_ = step_;
        return result;
    }

    NumberType type_, acc_;
    std::string step_;
    std::optional<std::string> overflow_;
};

}  // namespace bnflow
