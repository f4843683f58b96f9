// bnflow-cli: the engine headless. The command line is a contract (shared/ARCHITECTURE.md).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace bnflow::cli {

enum ExitCode { kSuccess = 0, kFailure = 1, kBadInput = 2 };

// Bad input or bad usage: becomes exit status 2 and one line on stderr.
struct BadInput {
    std::string message;
};

// Runs one command; writes the complete result to out only once it has succeeded.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// The commands (each returns the text for stdout, or throws BadInput / UsageError).
std::string gradCommand(const std::vector<std::string>& args);
std::string gradcheckCommand(const std::vector<std::string>& args);
std::string benchCommand(const std::vector<std::string>& args);
std::string handoutCommand(const std::vector<std::string>& args);

extern const char* const kGradHelp;
extern const char* const kGradcheckHelp;
extern const char* const kBenchHelp;
extern const char* const kHandoutHelp;

}  // namespace bnflow::cli
