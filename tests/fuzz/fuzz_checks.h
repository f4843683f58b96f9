// What the fuzzers check on every input, shared with the regression test that replays kept
// inputs in the normal build. Each returns normally for any input, or aborts (a finding).
#pragma once

#include <cstddef>
#include <cstdint>

namespace bnflow::fuzz {

// parseSession on arbitrary bytes: never crashes; a session it accepts validates, writes and
// parses back to the same numbers, and analyze() of it gives finite results or a problem.
void checkSession(const std::uint8_t* data, std::size_t size);

// parseTable (CSV files and clipboard blocks) on arbitrary bytes: never crashes; a table it
// accepts is within the limits, finite, and formatTable of it parses back exactly.
void checkTable(const std::uint8_t* data, std::size_t size);

// parseNpy, readNpz (and each member), parseSessionNpz and the JSON array reader on arbitrary
// bytes: never crash; an accepted array has the shape it claims and at most 2 dimensions.
void checkNpy(const std::uint8_t* data, std::size_t size);

// The "exercise" value of a session (readExercise) on arbitrary JSON bytes, for a 4 x 3 session:
// never crashes; every message is one line; an exercise it accepts stays inside the shape, has
// no repeated cell or prediction, and writeExercise of it reads back to the same exercise.
void checkExercise(const std::uint8_t* data, std::size_t size);

// parseNetworkFile on arbitrary bytes: never crashes; every message is one line; a network it
// accepts is within the documented limits, and one with seeded data small enough to run here
// (N x max(H, D0, K) <= 4096) builds, and its depth run gives finite statistics or a problem.
void checkNetwork(const std::uint8_t* data, std::size_t size);

}  // namespace bnflow::fuzz
