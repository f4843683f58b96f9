#include "options.h"

#include <problem.h>

#include <charconv>
#include <cmath>

namespace bnflow::cli {

std::optional<std::string> ParsedArgs::value(const std::string& name) const
{
    const auto it = values.find(name);
    return it == values.end() ? std::nullopt : std::optional(it->second);
}

ParsedArgs parseArgs(const std::vector<std::string>& args, const OptionSpec& spec)
{
    ParsedArgs parsed;
    for (std::size_t k = 0; k < args.size(); ++k) {
        const std::string& arg = args[k];
        if (arg.size() < 2 || arg[0] != '-' || arg == "--") {
            parsed.positional.push_back(arg);
            continue;
        }
        const auto equals = arg.find('=');
        const std::string name = arg.substr(0, equals);
        if (spec.withValue.count(name)) {
            std::string value;
            if (equals != std::string::npos)
                value = arg.substr(equals + 1);
            else if (k + 1 < args.size())
                value = args[++k];
            else
                throw UsageError{"option " + name + " needs a value"};
            if (parsed.values.count(name))
                throw UsageError{"option " + name + " is given twice"};
            parsed.values[name] = value;
        } else if (spec.flags.count(name) || name == "--help") {
            if (equals != std::string::npos)
                throw UsageError{"option " + name + " takes no value"};
            parsed.flags.insert(name);
        } else {
            throw UsageError{"unknown option '" + clipped(arg) + "'"};
        }
    }
    return parsed;
}

double parseNumber(const std::string& option, const std::string& text)
{
    double value = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || !std::isfinite(value))
        throw UsageError{"option " + option + " expects a number, got '" + clipped(text) + "'"};
    return value;
}

namespace {

long parseWhole(const std::string& option, const std::string& text, long minimum)
{
    long value = minimum - 1;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || value < minimum)
        throw UsageError{"option " + option + " expects a whole number >= " +
                         std::to_string(minimum) + ", got '" + clipped(text) + "'"};
    return value;
}

}  // namespace

long parseCount(const std::string& option, const std::string& text)
{
    return parseWhole(option, text, 1);
}

long parseIndex(const std::string& option, const std::string& text)
{
    return parseWhole(option, text, 0);
}

}  // namespace bnflow::cli

