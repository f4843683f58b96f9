// bnflow-cli depth: gradient flow through a small network of norm layers (doc/depth.md).
#include "cli.h"

#include <core/io/file_read.h>
#include <core/io/json_format.h>
#include <core/io/network_files.h>
#include <core/io/network_json.h>
#include <core/net/depth_run.h>

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace bnflow::cli {

namespace {

// The most SGD steps one run takes (doc/depth.md#limits).
constexpr long kMaxSteps = 100000;

}  // namespace

const CommandSpec kDepthSpec{
    "depth", "NETWORK [--steps K] [--lr LR]",
    "statistics of activations and gradients through a network, as JSON",
    R"(Reads a network file (*.bnflow-net.json; - reads standard input): L hidden layers
Linear -> norm (batchnorm, layernorm, rmsnorm or none) -> tanh, relu or linear, an output
Linear and the mean softmax cross-entropy, on data drawn from a seed or read from an .npz
file. Prints one JSON object: the loss and, per layer, the mean and std of the pre-activations,
the activations and their gradients, the fraction of saturated tanh units, std(W), the mean
and std of dW and std(dW) / std(W), all before any step; then "steps": the loss and
std(lr dW) / std(W) of every layer at each of K plain SGD steps. See doc/depth.md for the file,
the seeded draws and how to read the numbers. File names in NETWORK are relative to its
folder (to the current one for -). A step whose loss or parameters stop being finite numbers is
bad input (exit 2) naming the step.
)",
    {{"steps", "K", "SGD steps to take, 0 .. 100000 (default 0)"},
     {"lr", "LR", "the learning rate, any finite number (default: the file's \"lr\", else 0.1)"}}};

namespace {

std::string meanStdJson(const MeanStd& s)
{
    return "{\"mean\": " + json::number(s.mean) + ", \"std\": " + json::number(s.std) + "}";
}

std::string layerJson(const LayerStatistics& s, bool hidden)
{
    std::string out = "{\"pre\": " + meanStdJson(s.pre);
    if (hidden)
        out += ", \"act\": {\"mean\": " + json::number(s.act.mean) + ", \"std\": " +
               json::number(s.act.std) + ", \"saturated\": " + json::number(s.saturated) +
               "}, \"grad_act\": " + meanStdJson(s.gradAct);
    return out + ", \"W\": {\"std\": " + json::number(s.wStd) + "}, \"grad_W\": " +
           meanStdJson(s.gradW) + ", \"grad_to_data\": " + json::number(s.gradToData) + "}";
}

std::string reportJson(const DepthReport& report)
{
    std::string out = "{\"loss\": " + json::number(report.loss) + ",\n \"layers\": [";
    for (std::size_t k = 0; k < report.layers.size(); ++k)
        out += std::string(k ? ",\n  " : "\n  ") + layerJson(report.layers[k], k + 1 < report.layers.size());
    out += "],\n \"steps\": [";
    for (std::size_t t = 0; t < report.steps.size(); ++t) {
        const DepthStep& step = report.steps[t];
        out += std::string(t ? ",\n  " : "\n  ") + "{\"loss\": " + json::number(step.loss) +
               ", \"update_to_data\": [";
        for (std::size_t k = 0; k < step.updateToData.size(); ++k)
            out += (k ? ", " : "") + json::number(step.updateToData[k]);
        out += "]}";
    }
    return out + (report.steps.empty() ? "]}\n" : "\n ]}\n");
}

}  // namespace

Output depthCommand(const ParsedArgs& parsed)
{
    if (parsed.positional.empty())
        throw UsageError{"missing NETWORK (a .bnflow-net.json file, or - for standard input)"};
    if (parsed.positional.size() > 1)
        throw UsageError{"unexpected argument '" + clipped(parsed.positional[1]) + "'"};
    long steps = 0;
    if (const auto text = parsed.value("--steps")) {
        steps = parseIndex("--steps", *text);
        if (steps > kMaxSteps)
            throw UsageError{"option --steps must be at most " + std::to_string(kMaxSteps) +
                             ", got " + clipped(*text)};
    }
    std::optional<double> lr;
    if (const auto text = parsed.value("--lr"))
        lr = parseNumber("--lr", *text);

    const std::string& path = parsed.positional.front();
    const bool standardInput = path == "-";
    const std::string name = standardInput ? "standard input" : oneLine(clippedPath(path));
    std::string text;
    if (standardInput)
        text = readNetworkFromStandardInput(name);
    else if (const auto what = readRegularFile(path, kMaxNetworkFileBytes, text, "network file"))
        throw BadInput{name + ": " + *what};

    NetworkFileLoad file = parseNetworkFile(text);
    throwProblems(name, file.problems);
    const std::string folder = standardInput ? "" : std::filesystem::path(path).parent_path().string();
    NetworkInputsLoad inputs = loadNetworkInputs(*file.file, folder);
    throwProblems(name, inputs.problems);

    DepthResult result = runDepth(inputs.inputs->network, inputs.inputs->data, steps,
                                  lr.value_or(file.file->lr));
    throwProblems(name, result.problems);
    return reportJson(*result.report);
}

}  // namespace bnflow::cli
