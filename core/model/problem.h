// A problem with the user's input: where it is and what is wrong.
//
// The convention of every core routine that can fail (LabPlot's "settings in, result out"):
// it takes its inputs and settings by value or const reference, never throws for bad input,
// and returns a result struct that holds the value, in a std::optional named after what it is
// (AnalysisResult::analysis, SessionLoad::session, CheckOutcome::result, ...), set exactly when
// the problems that say why are empty, with ok() to ask. Routines that measure rather than
// compute (TimingResult, GradCheckReport) carry a Status instead, and GradCheckReport its
// Problem when the status is not Ok. Nothing is ever returned half-computed or as NaN.
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

// Input quoted in a message, cut to at most `limit` bytes with "..." so that a 100 000-digit
// number or a huge string never becomes a 100 KB line (or a message box wider than the screen).
// Never cuts inside a UTF-8 sequence.
inline constexpr std::size_t kMaxQuoted = 60;
std::string clipped(std::string_view text, std::size_t limit = kMaxQuoted);
// The same for a file path, cut in the middle: its start and its file name stay readable.
std::string clippedPath(std::string_view path, std::size_t limit = 2 * kMaxQuoted);

}  // namespace bnflow
