#include "cli.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>
#include <ostream>

#ifndef BNFLOW_VERSION
#define BNFLOW_VERSION "unknown"
#endif

namespace bnflow::cli {
namespace {

struct Command {
    const CommandSpec* spec;
    Output (*run)(const ParsedArgs&);
};

// Every command of bnflow-cli, in the order of 'bnflow-cli --help'.
const Command kCommands[] = {
    {&kGradSpec, gradCommand},
    {&kGradcheckSpec, gradcheckCommand},
    {&kBenchSpec, benchCommand},
    {&kHandoutSpec, handoutCommand},
    {&kExportSpec, exportCommand},
    {&kCheckSpec, checkCommand},
    {&kJacobianSpec, jacobianCommand},
    {&kDepthSpec, depthCommand},
};

std::string usage()
{
    std::string text = "Usage: bnflow-cli COMMAND [OPTIONS]\n\nThe batchnorm engine of bnflow, headless.\n\n"
                       "Commands:\n";
    for (const Command& command : kCommands) {
        // The name and its positional argument (SESSION), not the options.
        const std::string& synopsis = command.spec->synopsis;
        const std::string first = synopsis.substr(0, synopsis.find(' '));
        std::string line = "  " + command.spec->name;
        if (!first.empty() && first[0] != '[' && first[0] != '-')
            line += " " + first;
        line.resize(std::max<std::size_t>(line.size() + 2, 25), ' ');
        text += line + command.spec->summary + "\n";
    }
    text += "\nOptions:\n"
            "  --help                 this text; 'bnflow-cli COMMAND --help' for a command\n"
            "  --version              the version\n\n"
            "SESSION '-' reads standard input; '--' ends the options; --opt=value equals --opt value.\n"
            "Exit status: 0 success, 2 bad input or usage (one line on stderr), 1 anything else;\n"
            "'check' exits 3 when the gradient is wrong.\n";
    return text;
}

// Prints `text` on stdout or says why it could not: a write error is never exit status 0.
int print(const std::string& text, int status, const std::string& who, std::ostream& err)
{
    const std::string reason = writeStdout(text);
    if (reason.empty())
        return status;
    err << who << ": cannot write to standard output (" << reason << ")\n" << std::flush;
    return kFailure;
}

int runCommand(const Command& command, const std::vector<std::string>& rest, std::ostream& err)
{
    const std::string who = "bnflow-cli " + command.spec->name;
    try {
        if (asksForHelp(rest))
            return print(helpText(*command.spec), kSuccess, who, err);
        const Output output = command.run(parseArgs(rest, *command.spec));
        return print(output.text, output.status, who, err);
    } catch (const UsageError& e) {
        err << who << ": " << e.message << "; try '" << who << " --help'\n";
        return kBadInput;
    } catch (const BadInput& e) {
        err << who << ": " << e.message << "\n";
        return kBadInput;
    } catch (const Failed& e) {
        err << who << ": " << e.message << "\n";
        return kFailure;
    } catch (const std::bad_alloc&) {
        err << who << ": out of memory\n";
        return kFailure;
    } catch (const std::exception& e) {
        err << who << ": internal error: " << e.what() << "\n";
        return kFailure;
    }
}

}  // namespace

std::string writeStdout(const std::string& text)
{
    const char* data = text.data();
    std::size_t left = text.size();
    while (left > 0) {
        const ssize_t written = ::write(STDOUT_FILENO, data, left);
        if (written < 0) {
            if (errno == EINTR)
                continue;
            return std::strerror(errno);
        }
        data += written;
        left -= std::size_t(written);
    }
    return {};
}

int run(const std::vector<std::string>& args, std::ostream& err)
{
    if (args.empty()) {
        err << "bnflow-cli: no command given; try 'bnflow-cli --help'\n";
        return kBadInput;
    }
    const std::string& name = args.front();
    if (name == "--help" || name == "help")
        return print(usage(), kSuccess, "bnflow-cli", err);
    if (name == "--version")
        return print(std::string("bnflow-cli ") + BNFLOW_VERSION + "\n", kSuccess, "bnflow-cli", err);
    for (const Command& command : kCommands)
        if (name == command.spec->name)
            return runCommand(command, {args.begin() + 1, args.end()}, err);
    err << "bnflow-cli: unknown command '" << name << "'; try 'bnflow-cli --help'\n";
    return kBadInput;
}

}  // namespace bnflow::cli
