// The precision lens per quantity (doc/precision.md#the-precision-lens-in-the-window): the
// emulation of precision.h against the float64 family analysis, one error for every input and
// every step of the layer, and the step where the error is born. What the window's lens shows;
// pure, so that the tests read the same numbers the window does.
#pragma once

#include <core/math/precision.h>
#include <core/model/problem.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bnflow {

struct QuantityError {
    std::string id;           // a catalogue id: an input (x, gamma, ...) or a step of the layer
    // max |T value - float64 value| / max |float64 value| over the quantity (scaledError), the
    // absolute error where the float64 value is all zeros; +inf when a value is not finite.
    double error = 0;
    // The largest error among the quantities the step reads (0 for an input, which is rounded
    // once from the session's double).
    double inputError = 0;
    // The float64 value is rounding noise (0 in exact math, as dmean_via_var): its relative error
    // means nothing, and it is neither counted as an input's error nor a candidate birth.
    bool vanishes = false;
    bool overflowed = false;  // the first step whose value became infinite
    // Computed from the overflowed value (directly or not): its values, finite or not, mean
    // nothing (1/sqrt(inf) = 0), though its error is what the type would give.
    bool afterOverflow = false;
    bool born = false;        // the step where the error is born (PrecisionReport::birth)
};

struct PrecisionReport {
    NumberType type = NumberType::F64;
    NumberType accumulate = NumberType::F64;
    PrecisionRun run;                     // the emulated values
    std::vector<QuantityError> quantities;  // the inputs, then the layer's steps in teaching order
    // The step where the error is born: the overflowing step if one overflowed, else the first
    // step (forward, staged, fused) whose error exceeds kBirthFactor times both the largest
    // error of its inputs and T's unit roundoff 2^-p; nullopt when no step does.
    std::optional<std::string> birth;
    std::optional<std::string> overflow;  // run.overflow
    PrecisionErrors errors;               // grad --precision's error_vs_f64
    Problems problems;                    // the float64 reference cannot be computed

    bool ok() const { return problems.empty(); }
    const QuantityError* find(std::string_view id) const;
};

// How much a step must multiply the error it receives to be where the error is born.
inline constexpr double kBirthFactor = 10;

// 2^-p, p the type's significand bits: half the spacing of the type's values at 1.
double unitRoundoff(NumberType type);

// Runs the float64 family analysis and emulatePrecision(session, type, accumulate), then the
// errors per quantity. `accumulate` at least as wide as `type` (else std::invalid_argument).
// A session the family cannot compute (Session::validate, var + eps = 0) is a report with
// problems and nothing else.
PrecisionReport precisionReport(const Session& session, NumberType type, NumberType accumulate);

}  // namespace bnflow
