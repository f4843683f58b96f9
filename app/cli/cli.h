// bnflow-cli: the engine headless. The command line is a contract (doc/contracts.md).
#pragma once

#include "options.h"

#include <core/math/family.h>
#include <core/model/session.h>

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

class QString;
namespace bnflow::ui {
struct ExportSize;
struct PlotStyle;
}  // namespace bnflow::ui

namespace bnflow::cli {

enum ExitCode { kSuccess = 0, kFailure = 1, kBadInput = 2, kWrongGradient = 3 };

// Bad input: becomes exit status 2 and one line on stderr.
struct BadInput {
    std::string message;
};

// Anything else that went wrong (a file that cannot be written, a full disk): exit status 1
// and one line on stderr.
struct Failed {
    std::string message;
};

// What a command prints on stdout (only once it has succeeded) and its exit status.
struct Output {
    std::string text;
    int status = kSuccess;

    Output() = default;
    Output(std::string printed, int exitStatus = kSuccess) : text(std::move(printed)), status(exitStatus) {}
};

// Runs one command line (without the program name). stdout receives the command's text whole,
// written by writeStdout(); a failed write is exit status 1 with one line on stderr.
int run(const std::vector<std::string>& args, std::ostream& err);

// The commands. To add one: declare its CommandSpec and function here, define them in its own
// file, and add one row to kCommands in cli.cpp; parsing and --help come from the spec.
// Each function gets the parsed arguments and returns its output, or throws BadInput /
// UsageError.
extern const CommandSpec kGradSpec;
extern const CommandSpec kGradcheckSpec;
extern const CommandSpec kBenchSpec;
extern const CommandSpec kExportSpec;
extern const CommandSpec kHandoutSpec;
extern const CommandSpec kCheckSpec;
extern const CommandSpec kJacobianSpec;
extern const CommandSpec kDepthSpec;
Output gradCommand(const ParsedArgs& parsed);
Output gradcheckCommand(const ParsedArgs& parsed);
Output benchCommand(const ParsedArgs& parsed);
Output exportCommand(const ParsedArgs& parsed);   // starts Qt (qt_start.h), after every check
Output handoutCommand(const ParsedArgs& parsed);  // likewise
Output checkCommand(const ParsedArgs& parsed);    // exit status 3 when the gradient is wrong
Output jacobianCommand(const ParsedArgs& parsed);
Output depthCommand(const ParsedArgs& parsed);    // a network file, not a session

// export of a network file (depth_export.cpp): whether SESSION is a network (its "format"), and
// its plot written; throws BadInput / UsageError / Failed.
bool isNetworkArgument(const ParsedArgs& parsed);
Output depthExport(const ParsedArgs& parsed, const QString& name, const QString& outPath,
                   const ui::ExportSize& size, const ui::PlotStyle& style);

// bench's parsers of --shapes NxD,... and --dtype f32|f64|both; throw UsageError.
std::vector<std::pair<Eigen::Index, Eigen::Index>> parseShapeList(const std::string& text);
std::vector<Dtype> parseDtypeList(const std::string& text);

// Loads and analyses SESSION for any layer, training batch norm included, through
// analyzeFamily() (what the window reads); throws BadInput with the session's first problem.
struct LoadedAnyLayer {
    Session session;
    FamilyAnalysis analysis;
    std::string name;
};
LoadedAnyLayer loadAndAnalyzeAnyLayer(const ParsedArgs& parsed);

// The SESSION argument loaded and validated, not analysed: grad and gradcheck, which compute
// every layer of the normalization family.
struct LoadedSession {
    Session session;
    std::string name;
};
LoadedSession loadSessionArgument(const ParsedArgs& parsed);
// Throws BadInput naming the session, for the first of `problems` (if any).
void throwProblems(const std::string& name, const Problems& problems);
// NETWORK "-" (depth, export): standard input's text, at most a network file's 1 MiB; throws
// BadInput naming `name` when it cannot be read or is larger.
std::string readNetworkFromStandardInput(const std::string& name);

// The text for stdout, written whole to file descriptor 1. Returns an empty string on success,
// else the reason (strerror) for the one-line message.
std::string writeStdout(const std::string& text);

}  // namespace bnflow::cli
