// Reading the "exercise" value of a session file (exercise.h), for session_json.cpp.
#pragma once

#include <core/model/exercise.h>
#include <core/io/json_document.h>

#include <optional>

namespace bnflow {

// The exercise, or nullopt with problems appended, each naming its field from "exercise" down
// ("exercise.hidden[1].cells[0]: ..."). With the session's N x D shape known, a cell outside
// its quantity is a problem too.
struct SessionShape {
    Eigen::Index samples = 0;
    Eigen::Index features = 0;
};
std::optional<Exercise> readExercise(const JsonDocument& value, std::optional<SessionShape> shape,
                                     Problems& problems);

// The "exercise" value of a session file, as JSON text (layout in README.md, "Exercise mode").
// Cells outside an N x D session (left over from a shape edit) are left out.
std::string writeExercise(const Exercise& exercise, Eigen::Index samples, Eigen::Index features);

}  // namespace bnflow
