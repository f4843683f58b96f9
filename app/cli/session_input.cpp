// The SESSION argument of every command: a file, or "-" for standard input.
#include "cli.h"

#include <core/io/network_files.h>
#include <core/io/npy.h>
#include <core/io/session_json.h>

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <string>

namespace bnflow::cli {

namespace {

constexpr const char* kStandardInput = "standard input";

// Standard input's text, at most `cap` bytes; else why not ("cannot be read: ...", "is larger
// than N MiB; not `what`").
std::optional<std::string> readStandardInput(std::string& text, std::size_t cap, const char* what)
{
    char buffer[1 << 16];
    for (;;) {
        const ssize_t got = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (got == 0)
            return std::nullopt;
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return std::string("cannot be read: ") + std::strerror(errno);
        }
        text.append(buffer, std::size_t(got));
        if (text.size() > cap)
            return "is larger than " + std::to_string(cap >> 20) + " MiB; not " + what;
    }
}

// SESSION "-": the session's text from standard input, with the same size cap as a file.
SessionLoad loadStandardInput()
{
    std::string text;
    if (const auto why = readStandardInput(text, kMaxSessionBytes, "a session")) {
        SessionLoad failed;
        failed.problems.push_back({"", *why});
        return failed;
    }
    // A JSON syntax error about a zip's bytes would not say what to do instead.
    if (looksLikeZip(text) || text.starts_with("\x93NUMPY")) {
        SessionLoad failed;
        failed.problems.push_back({"", std::string("holds ") +
                                           (looksLikeZip(text) ? "a zip archive (.npz)" : "a .npy array") +
                                           "; standard input must be a JSON session (give an .npz "
                                           "session as a file name instead of -)"});
        return failed;
    }
    return parseSession(text);
}

}  // namespace

namespace {

BadInput badInput(const std::string& name, const Problems& problems)
{
    std::string message = name + ": " + formatProblem(problems.front());
    if (problems.size() > 1)
        message += " (and " + std::to_string(problems.size() - 1) + " more)";
    return BadInput{message};
}

}  // namespace

LoadedSession loadSessionArgument(const ParsedArgs& parsed)
{
    if (parsed.positional.empty())
        throw UsageError{"missing SESSION (a .bnflow.json file, or - for standard input)"};
    if (parsed.positional.size() > 1)
        throw UsageError{"unexpected argument '" + clipped(parsed.positional[1]) + "'"};
    const std::string& path = parsed.positional.front();
    const std::string name = path == "-" ? kStandardInput : oneLine(clippedPath(path));
    SessionLoad load = path == "-" ? loadStandardInput() : loadSessionFile(path);
    if (!load.ok())
        throw badInput(name, load.problems);
    return {std::move(*load.session), name};
}

void throwProblems(const std::string& name, const Problems& problems)
{
    if (!problems.empty())
        throw badInput(name, problems);
}

LoadedAnyLayer loadAndAnalyzeAnyLayer(const ParsedArgs& parsed)
{
    LoadedSession in = loadSessionArgument(parsed);
    FamilyResult result = analyzeFamily(in.session);
    throwProblems(in.name, result.problems);
    return {std::move(in.session), std::move(*result.analysis), std::move(in.name)};
}

std::string readNetworkFromStandardInput(const std::string& name)
{
    std::string text;
    if (const auto why = readStandardInput(text, kMaxNetworkFileBytes, "a network file"))
        throw BadInput{name + ": " + *why};
    return text;
}

}  // namespace bnflow::cli
