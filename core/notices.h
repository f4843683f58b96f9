// Plain-language notes on computable sessions whose numbers look wrong but are right: the
// window shows these instead of leaving a student to wonder (N = 1, constant features, ...).
#pragma once

#include "analysis.h"

#include <string>
#include <vector>

namespace bnflow {

// One sentence each, in the order a reader should see them.
std::vector<std::string> notices(const Session& session, const Analysis& analysis);

}  // namespace bnflow
