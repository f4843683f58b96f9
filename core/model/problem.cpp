#include <core/model/problem.h>

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

std::string clipped(std::string_view text, std::size_t limit)
{
    if (text.size() <= limit)
        return std::string(text);
    std::size_t cut = limit > 3 ? limit - 3 : 0;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;  // a UTF-8 continuation byte: back up to the start of its character
    return std::string(text.substr(0, cut)) + "...";
}

std::string clippedPath(std::string_view path, std::size_t limit)
{
    if (path.size() <= limit || limit < 8)
        return clipped(path, limit);
    const auto continuation = [&path](std::size_t k) {
        return k < path.size() && (static_cast<unsigned char>(path[k]) & 0xC0) == 0x80;
    };
    std::size_t tail = path.size() - (limit - 3) / 2;  // the file name's end of the path
    while (continuation(tail))
        ++tail;
    std::size_t head = limit - 3 - (path.size() - tail);
    while (head > 0 && continuation(head))
        --head;
    return std::string(path.substr(0, head)) + "..." + std::string(path.substr(tail));
}

std::string formatProblem(const Problem& problem)
{
    return oneLine(problem.where.empty() ? problem.what : problem.where + ": " + problem.what);
}

}  // namespace bnflow
