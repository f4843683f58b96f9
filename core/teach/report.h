// The session's results as text for other programs: bnflow-cli grad's JSON and the results CSV
// of File > Export results. Both list quantities of the catalogue by id and write their
// catalogue names, so a quantity has the same name in the JSON, the CSV and the tables.
#pragma once

#include <core/math/analysis.h>

#include <string>

namespace bnflow {

// The JSON of the `grad` contract (doc/contracts.md): shape, forward, staged, fused,
// max_abs_diff; one matrix row a line.
// With `running` (training batch norm with running statistics), a top-level "running" too.
struct RunningUpdate;
std::string gradJson(const Session& session, const Analysis& analysis,
                     const RunningUpdate* running = nullptr);

// Long ("tidy") CSV, one value a line, "quantity,sample,feature,value": the inputs, the forward
// values, the gradients of both forms and their difference, named by catalogue id. With
// `running` (training batch norm with running statistics), updated_running_mean and
// updated_running_var after them.
std::string resultsCsv(const Session& session, const Analysis& analysis,
                       const RunningUpdate* running = nullptr);

}  // namespace bnflow
