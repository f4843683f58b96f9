#include "options.h"

#include <core/model/problem.h>

#include <QCommandLineParser>
#include <QRegularExpression>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <memory>

namespace bnflow::cli {

std::optional<std::string> ParsedArgs::value(const std::string& name) const
{
    const auto it = values.find(name);
    return it == values.end() ? std::nullopt : std::optional(it->second);
}

bool asksForHelp(const std::vector<std::string>& args)
{
    const auto end = std::find(args.begin(), args.end(), "--");
    return std::find(args.begin(), end, "--help") != end;
}

namespace {

QString qs(const std::string& text)
{
    return QString::fromStdString(text);
}

// How the user spelled an unknown option: "--fast" or "-f" (QCommandLineParser drops the dashes).
std::string spelled(const std::vector<std::string>& args, const std::string& name)
{
    const std::string longForm = std::string("--").append(name);
    for (const std::string& arg : args) {
        if (arg == "--")
            break;
        if (arg == longForm || arg.rfind(longForm + "=", 0) == 0)
            return longForm;
    }
    return std::string("-").append(name);
}

// QCommandLineParser's messages are English sentences; ours name the option the same way the
// help does, so the parser's error is rewritten from the option it quotes.
[[noreturn]] void refuse(const QCommandLineParser& parser, const CommandSpec& spec,
                         const std::vector<std::string>& args)
{
    const QStringList unknown = parser.unknownOptionNames();
    if (!unknown.isEmpty())
        throw UsageError{std::string("unknown option '").append(clipped(spelled(args, unknown.front().toStdString()))).append("'")};
    const QString error = parser.errorText();
    const auto quoted = QRegularExpression(QStringLiteral("'-*([^'=]*)")).match(error);
    const std::string name = quoted.hasMatch() ? quoted.captured(1).toStdString() : std::string();
    const auto option = std::find_if(spec.options.begin(), spec.options.end(),
                                     [&name](const OptionSpec& o) { return o.name == name; });
    if (option != spec.options.end())
        throw UsageError{"option --" + name +
                         (option->valueName.empty() ? " takes no value" : " needs a value")};
    throw UsageError{error.toStdString()};
}

}  // namespace

ParsedArgs parseArgs(const std::vector<std::string>& args, const CommandSpec& spec)
{
    QCommandLineParser parser;
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
    std::vector<std::unique_ptr<QCommandLineOption>> options;
    for (const OptionSpec& o : spec.options) {
        options.push_back(o.valueName.empty()
                              ? std::make_unique<QCommandLineOption>(qs(o.name))
                              : std::make_unique<QCommandLineOption>(qs(o.name), QString(), qs(o.valueName)));
        parser.addOption(*options.back());
    }
    QStringList arguments{QStringLiteral("bnflow-cli")};  // the parser skips the program name
    for (const std::string& arg : args)
        arguments << qs(arg);
    if (!parser.parse(arguments))
        refuse(parser, spec, args);

    ParsedArgs parsed;
    for (const QString& arg : parser.positionalArguments())
        parsed.positional.push_back(arg.toStdString());
    for (const OptionSpec& o : spec.options) {
        if (!parser.isSet(qs(o.name)))
            continue;
        const std::string name = std::string("--").append(o.name);
        if (o.valueName.empty()) {
            parsed.flags.insert(name);
            continue;
        }
        const QStringList given = parser.values(qs(o.name));
        if (given.size() > 1)
            throw UsageError{"option " + name + " is given twice"};
        // "--dgamma=" (or --dgamma "") would otherwise reach a reader as the file "" and come
        // back as "no such file" without saying which option: no option takes an empty value.
        if (given.front().isEmpty())
            throw UsageError{"option " + name + " is empty; expected " + o.valueName + ": " +
                             o.description.substr(0, o.description.find('\n'))};
        parsed.values[name] = given.front().toStdString();
    }
    return parsed;
}

std::string helpText(const CommandSpec& spec)
{
    std::vector<std::pair<std::string, std::string>> rows;
    for (const OptionSpec& o : spec.options)
        rows.emplace_back(std::string("--").append(o.name).append(o.valueName.empty() ? "" : " ").append(o.valueName),
                          o.description);
    rows.emplace_back("--help", "this text");
    std::size_t column = 0;
    for (const auto& row : rows)
        column = std::max(column, row.first.size());
    column += 4;  // two spaces of indent, two before the description

    std::string text = "Usage: bnflow-cli " + spec.name + (spec.synopsis.empty() ? "" : " " + spec.synopsis) +
                       "\n\n" + spec.description + "\nOptions:\n";
    for (const auto& [option, description] : rows) {
        std::string line = "  " + option;
        line.resize(column, ' ');
        for (const char c : description) {
            line += c;
            if (c == '\n')
                line.append(column, ' ');  // continuation lines line up under the first
        }
        text += line + "\n";
    }
    return text;
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
