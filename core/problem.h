// A problem with the user's input: where it is and what is wrong.
#pragma once

#include <string>
#include <vector>

namespace bnflow {

struct Problem {
    std::string where;  // "x[2][1]", "gamma", "line 3, column 14", or empty for the whole input
    std::string what;   // what is wrong and what was expected
};

using Problems = std::vector<Problem>;

// "where: what", on one line: control and non-ASCII bytes are escaped as \xNN so that a message
// quoting a binary file never breaks a terminal or a one-line log.
std::string formatProblem(const Problem& problem);

// The same, made safe for one line of output, for any text.
std::string oneLine(std::string_view text);

}  // namespace bnflow
