// A small, strict command-line parser: every option of a command is declared, anything else is
// a usage error that names the offending word.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace bnflow::cli {

struct UsageError {
    std::string message;
};

struct ParsedArgs {
    std::vector<std::string> positional;
    std::map<std::string, std::string> values;  // "--h" -> "1e-5"
    std::set<std::string> flags;                // "--json"

    bool has(const std::string& name) const { return flags.count(name) || values.count(name); }
    std::optional<std::string> value(const std::string& name) const;
};

struct OptionSpec {
    std::set<std::string> withValue;  // options followed by a value: --h 1e-5 or --h=1e-5
    std::set<std::string> flags;      // options on their own: --json
};

// Throws UsageError. "--help" is always accepted as a flag.
ParsedArgs parseArgs(const std::vector<std::string>& args, const OptionSpec& spec);

// Strict number parsing: the whole text must be a finite number. Throws UsageError naming option.
double parseNumber(const std::string& option, const std::string& text);
long parseCount(const std::string& option, const std::string& text);  // >= 1
long parseIndex(const std::string& option, const std::string& text);  // >= 0

}  // namespace bnflow::cli
