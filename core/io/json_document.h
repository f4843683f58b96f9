// Reading JSON text into an ordered document (key order kept, for the keys a session does not
// know and writes back), with every failure a Problem that says where and what.
#pragma once

#include <core/model/problem.h>

#include <nlohmann/json.hpp>

#include <optional>
#include <string_view>

namespace bnflow {

using JsonDocument = nlohmann::ordered_json;

// "null", "a boolean", "a string", "an array", "an object" or "a number": for messages that say
// what a field is instead of what was expected.
const char* jsonTypeName(const JsonDocument& value);

struct JsonLimits {
    int maxDepth = 64;                 // nesting of arrays and objects
    std::size_t maxNumbers = SIZE_MAX; // numbers in the whole document
    // What the document should be, for the messages: "a bnflow session (a JSON object)",
    // "an array of numbers or of rows".
    std::string_view expected = "a bnflow session (a JSON object)";
};

// The document, or nullopt with one problem appended: a syntax error at its line and column, a
// number that overflows a double, a NUL byte, a key given twice in one object, nesting or a
// count of numbers beyond the limits. Linear in the size of the text.
std::optional<JsonDocument> parseJsonDocument(std::string_view text, Problems& problems,
                                              const JsonLimits& limits);

// Empties `value` from the leaves up, so that destroying it allocates nothing. nlohmann's
// destructor moves a container's elements onto a heap stack as large as the container; out of
// memory, that allocation throws from a destructor (noexcept) and the process aborts instead
// of reporting "out of memory". Every document that may be destroyed by a bad_alloc passes
// through here first. Recursion is bounded by JsonLimits::maxDepth.
void dismantle(JsonDocument& value) noexcept;

// "line 3, column 14" of a 0-based byte offset.
std::string lineColumn(std::string_view text, std::size_t offset);

}  // namespace bnflow
