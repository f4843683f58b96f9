#include "problem.h"

#include <cstdio>

namespace bnflow {

std::string oneLine(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte < 0x7f) {
            out += c;
        } else {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02X", byte);
            out += escaped;
        }
    }
    return out;
}

std::string formatProblem(const Problem& problem)
{
    return oneLine(problem.where.empty() ? problem.what : problem.where + ": " + problem.what);
}

}  // namespace bnflow
