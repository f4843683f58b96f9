// The command line of bnflow-cli, parsed by QCommandLineParser (Qt Core only: no application
// object, so grad and bench never start Qt). Each command declares its options once, in a
// CommandSpec; the parser, the error messages and the help text all come from that declaration.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace bnflow::cli {

// Bad usage: becomes exit status 2 and one line on stderr that points to the command's --help.
struct UsageError {
    std::string message;
};

struct OptionSpec {
    std::string name;         // without dashes: "h" is --h, "min-time-ms" is --min-time-ms
    std::string valueName;    // "H" for --h H; empty for a flag such as --json
    std::string description;  // '\n' starts a continuation line in the help
};

struct CommandSpec {
    std::string name;         // "gradcheck"
    std::string synopsis;     // what follows "bnflow-cli NAME" in the usage line
    std::string summary;      // one line in the command list of 'bnflow-cli --help'
    std::string description;  // the paragraphs between the usage line and the options
    std::vector<OptionSpec> options;
};

struct ParsedArgs {
    std::vector<std::string> positional;        // "-" (standard input) and anything after "--"
    std::map<std::string, std::string> values;  // "--h" -> "1e-5"
    std::set<std::string> flags;                // "--json"

    bool has(const std::string& name) const { return flags.count(name) || values.count(name); }
    std::optional<std::string> value(const std::string& name) const;
};

// True when "--help" comes before any "--": the help is printed whatever else is there.
bool asksForHelp(const std::vector<std::string>& args);

// Parses the arguments after the command name. --opt=value equals --opt value; "--" ends the
// options; an unknown option, a missing value or an option given twice throws UsageError.
ParsedArgs parseArgs(const std::vector<std::string>& args, const CommandSpec& spec);

// "Usage: bnflow-cli NAME SYNOPSIS", the description, then every option, aligned.
std::string helpText(const CommandSpec& spec);

// Strict number parsing: the whole text must be a finite number. Throws UsageError naming option.
double parseNumber(const std::string& option, const std::string& text);
long parseCount(const std::string& option, const std::string& text);  // >= 1
long parseIndex(const std::string& option, const std::string& text);  // >= 0

}  // namespace bnflow::cli
