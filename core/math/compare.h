// Two configurations of one batch side by side (the compare view): the same session computed
// under another eps or in float32 (and, with the normalization family, another layer or
// running-statistics convention), so that what changes can be read cell by cell.
#pragma once

#include <core/math/rounding.h>
#include <core/model/problem.h>
#include <core/model/session.h>

#include <optional>
#include <string>

namespace bnflow {

struct Configuration {
    // Unset: the session's own layer. Another layer replaces the session's family keys (mode,
    // running statistics) with that layer's defaults.
    std::optional<Layer> layer;
    std::optional<double> eps;  // unset: the session's own
    Dtype dtype = Dtype::F64;   // float32 runs the forward and the fused backward in float
    // Set (bf16 or f16): the precision lens instead of dtype (core/math/precision.h), every
    // stored value and operation rounded to this type, the sums in `accumulate` (unset: the
    // type itself), any layer.
    std::optional<NumberType> emulated;
    std::optional<NumberType> accumulate;
    // Set: batch norm in training mode updates its running statistics under this convention
    // (from the session's running statistics, or 0 and 1 where it has none).
    std::optional<Convention> convention;

    // "batch norm, eps 1e-05, float64": for titles and exported captions.
    std::string describe(const Session& session) const;
    bool operator==(const Configuration&) const = default;
};

// What the compare view shows of one configuration, in double whatever it was computed in.
struct Computed {
    Matrix y;
    Matrix dx;          // the fused dx (float32: the float kernel's)
    RowVector dgamma;
    RowVector dbeta;
    std::optional<RowVector> runningMean, runningVar;  // updated after the batch, when it has them
};

struct ConfigurationResult {
    std::optional<Computed> computed;  // set exactly when problems is empty
    Problems problems;
    bool ok() const { return computed.has_value(); }
};

// Validates the configuration (eps >= 0 and finite), then computes: training batch norm through
// the analysis (or in float32), layer norm and RMSNorm in float32 through their fused kernels,
// the other layers through the family's analysis (float64 only); an emulated type through
// emulatePrecision, the fused results.
// A float32 result that overflows or divides by zero is a problem naming the quantity, never a
// NaN in a table; so is an emulated one, naming the first step that overflowed.
ConfigurationResult runConfiguration(const Session& session, const Configuration& configuration);

}  // namespace bnflow
