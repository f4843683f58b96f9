// bnflow-cli: the engine headless. The command line is a contract (shared/ARCHITECTURE.md).
#pragma once

#include <analysis.h>
#include <session.h>

#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

namespace bnflow::cli {

enum ExitCode { kSuccess = 0, kFailure = 1, kBadInput = 2, kWrongGradient = 3 };

// Bad input or bad usage: becomes exit status 2 and one line on stderr.
struct BadInput {
    std::string message;
};

// A command's text for stdout and its exit status: `check` prints its verdict and exits 3 when
// the gradient is wrong; every other command's text converts with status kSuccess.
struct CommandResult {
    CommandResult(std::string text_, int status_ = kSuccess)
        : text(std::move(text_)), status(status_)
    {
    }
    std::string text;
    int status;
};

// Runs one command; writes the complete result to out only once it has succeeded.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// The commands (each returns the text for stdout, or throws BadInput / UsageError).
std::string gradCommand(const std::vector<std::string>& args);
std::string gradcheckCommand(const std::vector<std::string>& args);
std::string benchCommand(const std::vector<std::string>& args);
std::string handoutCommand(const std::vector<std::string>& args);
std::string exportCommand(const std::vector<std::string>& args);  // the only command that starts Qt
CommandResult checkCommand(const std::vector<std::string>& args);

// bench's parsers of --shapes NxD,... and --dtype f32|f64|both; throw UsageError.
std::vector<std::pair<Eigen::Index, Eigen::Index>> parseShapeList(const std::string& text);
std::vector<Dtype> parseDtypeList(const std::string& text);


struct ParsedArgs;

// Loads and analyses the one positional SESSION argument; any problem is BadInput naming the file.
struct Loaded {
    Session session;
    Analysis analysis;
};
Loaded loadAndAnalyze(const ParsedArgs& parsed);

extern const char* const kGradHelp;
extern const char* const kGradcheckHelp;
extern const char* const kBenchHelp;
extern const char* const kHandoutHelp;
extern const char* const kExportHelp;
extern const char* const kCheckHelp;

}  // namespace bnflow::cli
