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
        throw UsageError{"unexpected argument '" + parsed.positional[1] + "'"};
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

Loaded loadAndAnalyze(const ParsedArgs& parsed, std::string_view command)
{
    LoadedSession in = loadSessionArgument(parsed);
    // Analysis is training batch norm; a command built on it refuses the other layers by name.
    if (const auto refusal = batchNormOnly(in.session.norm, "bnflow-cli " + std::string(command)))
        throw badInput(in.name, {*refusal});
    AnalysisResult result = analyze(in.session);
    throwProblems(in.name, result.problems);
    return {std::move(in.session), std::move(*result.analysis), in.name};
}

}  // namespace bnflow::cli
