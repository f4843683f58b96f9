// The SESSION argument of every command: a file, or "-" for standard input.
#include "cli.h"

#include <session_json.h>

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bnflow::cli {

namespace {

constexpr const char* kStandardInput = "standard input";

// SESSION "-": the session's text from standard input, with the same size cap as a file.
SessionLoad loadStandardInput()
{
    std::string text;
    char buffer[1 << 16];
    for (;;) {
        const ssize_t got = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (got == 0)
            break;
        if (got < 0) {
            if (errno == EINTR)
                continue;
            SessionLoad failed;
            failed.problems.push_back({"", std::string("cannot be read: ") + std::strerror(errno)});
            return failed;
        }
        text.append(buffer, std::size_t(got));
        if (text.size() > kMaxSessionBytes) {
            SessionLoad failed;
            failed.problems.push_back(
                {"", "is larger than " + std::to_string(kMaxSessionBytes >> 20) + " MiB; not a session"});
            return failed;
        }
    }
    return parseSession(text);
}

}  // namespace

Loaded loadAndAnalyze(const ParsedArgs& parsed)
{
    if (parsed.positional.empty())
        throw UsageError{"missing SESSION (a .bnflow.json file, or - for standard input)"};
    if (parsed.positional.size() > 1)
        throw UsageError{"unexpected argument '" + parsed.positional[1] + "'"};
    const std::string& path = parsed.positional.front();
    const std::string name = path == "-" ? kStandardInput : oneLine(clippedPath(path));
    const auto fail = [&name](const Problems& problems) {
        std::string message = name + ": " + formatProblem(problems.front());
        if (problems.size() > 1)
            message += " (and " + std::to_string(problems.size() - 1) + " more)";
        return BadInput{message};
    };
    SessionLoad load = path == "-" ? loadStandardInput() : loadSessionFile(path);
    if (!load.ok())
        throw fail(load.problems);
    AnalysisResult result = analyze(*load.session);
    if (!result.ok())
        throw fail(result.problems);
    return {std::move(*load.session), std::move(*result.analysis), name};
}

}  // namespace bnflow::cli
