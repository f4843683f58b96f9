#include "cli.h"

#include "options.h"

#include <functional>
#include <new>
#include <ostream>

#ifndef BNFLOW_VERSION
#define BNFLOW_VERSION "unknown"
#endif

namespace bnflow::cli {
namespace {

constexpr const char* kUsage = R"(Usage: bnflow-cli COMMAND [OPTIONS]

The batchnorm engine of bnflow, headless.

Commands:
  grad SESSION           forward values, staged and fused gradients, as JSON
  gradcheck SESSION      central-difference check of the gradients, as JSON
  bench                  time the staged and fused backward passes
  handout SESSION        the walkthrough as a PDF (--out FILE.pdf)
  export SESSION         save a plot as PNG, PDF or SVG (--plot NAME --out FILE)
  check SESSION          judge your own dx (--dx FILE or --npz FILE), name the mistake

Options:
  --help                 this text; 'bnflow-cli COMMAND --help' for a command
  --version              the version

Exit status: 0 success, 2 bad input or usage (one line on stderr), 1 anything else;
'check' exits 3 when the gradient is wrong.
)";

struct Command {
    const char* name;
    const char* help;
    std::function<CommandResult(const std::vector<std::string>&)> run;
};

const Command kCommands[] = {
    {"grad", kGradHelp, gradCommand},
    {"gradcheck", kGradcheckHelp, gradcheckCommand},
    {"bench", kBenchHelp, benchCommand},
    {"handout", kHandoutHelp, handoutCommand},
    {"export", kExportHelp, exportCommand},
    {"check", kCheckHelp, checkCommand},
};

}  // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    if (args.empty()) {
        err << "bnflow-cli: no command given; try 'bnflow-cli --help'\n";
        return kBadInput;
    }
    const std::string& name = args.front();
    if (name == "--help" || name == "-h" || name == "help") {
        out << kUsage;
        return kSuccess;
    }
    if (name == "--version") {
        out << "bnflow-cli " << BNFLOW_VERSION << "\n";
        return kSuccess;
    }
    for (const Command& command : kCommands) {
        if (name != command.name)
            continue;
        const std::vector<std::string> rest(args.begin() + 1, args.end());
        for (const std::string& arg : rest) {
            if (arg == "--help" || arg == "-h") {
                out << command.help;
                return kSuccess;
            }
        }
        try {
            const CommandResult result = command.run(rest);
            out << result.text << std::flush;
            return out ? result.status : kFailure;
        } catch (const UsageError& e) {
            err << "bnflow-cli " << name << ": " << e.message << "; try 'bnflow-cli " << name
                << " --help'\n";
            return kBadInput;
        } catch (const BadInput& e) {
            err << "bnflow-cli " << name << ": " << e.message << "\n";
            return kBadInput;
        } catch (const std::bad_alloc&) {
            err << "bnflow-cli " << name << ": out of memory\n";
            return kFailure;
        } catch (const std::exception& e) {
            err << "bnflow-cli " << name << ": internal error: " << e.what() << "\n";
            return kFailure;
        }
    }
    err << "bnflow-cli: unknown command '" << name << "'; try 'bnflow-cli --help'\n";
    return kBadInput;
}

}  // namespace bnflow::cli
