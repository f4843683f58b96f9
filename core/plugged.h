// A step's formula with the live numbers of one feature plugged in, as one line of UTF-8 text:
// "dσ² = dr · (−½)(σ² + ε)^(−3/2) = 0.7214 · (−½)(0.8125 + 1e-05)^(−3/2) = 0.8008".
// Every number shown is an input or the result of the step, read from the trace: nothing is
// computed here.
#pragma once

#include "analysis.h"

#include <string>
#include <string_view>

namespace bnflow {

std::string pluggedIn(std::string_view stepId, const Session& session, const Analysis& analysis,
                      Eigen::Index feature, int significantDigits = 4);

}  // namespace bnflow
