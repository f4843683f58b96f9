// Times bnflow-cli depth's engine on the default network of doc/depth.md: 5 hidden layers of
// 100, batch 32, 30 inputs, 27 classes, tanh, batch norm. Prints min and median of
//   one forward + backward + statistics pass, and
//   runDepth with 1000 SGD steps (the statistics, then 1000 passes and updates).
// Not a test: timings depend on the machine. Targets: < 1 ms a pass, < 2 s for 1000 steps.
#include <core/io/network_files.h>
#include <core/net/depth_run.h>
#include <core/net/seeded.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

using namespace bnflow;

namespace {

using Clock = std::chrono::steady_clock;

NetworkInputs defaultNetwork()
{
    NetworkFile file;
    file.layers = 5;
    file.width = 100;
    file.norm = Layer::BatchNorm;
    file.activation = Activation::Tanh;
    file.gain = 5.0 / 3.0;
    file.data = SeededData{32, 30, 27, 1};
    NetworkInputsLoad load = buildNetworkInputs(file, nullptr, "", nullptr, "");
    return std::move(*load.inputs);
}

void report(const char* what, std::vector<double> seconds, double scale, const char* unit)
{
    std::sort(seconds.begin(), seconds.end());
    std::printf("%-40s min %.3f %s, median %.3f %s (%zu runs)\n", what, seconds.front() * scale, unit,
                seconds[seconds.size() / 2] * scale, unit, seconds.size());
}

}  // namespace

int main()
{
    const NetworkInputs inputs = defaultNetwork();
    double sink = 0;
    std::vector<double> pass;
    for (int run = 0; run < 300; ++run) {
        const auto start = Clock::now();
        const NetworkForward f = forwardPass(inputs.network, inputs.data);
        const NetworkBackward g = backwardPass(inputs.network, inputs.data, f);
        const std::vector<LayerStatistics> stats = layerStatistics(inputs.network, f, g);
        pass.push_back(std::chrono::duration<double>(Clock::now() - start).count());
        sink += stats.back().gradToData;
    }
    report("forward + backward + statistics", pass, 1e3, "ms");
    std::vector<double> training;
    for (int run = 0; run < 7; ++run) {
        Network net = inputs.network;
        const auto start = Clock::now();
        const DepthResult result = runDepth(net, inputs.data, 1000, 0.1);
        training.push_back(std::chrono::duration<double>(Clock::now() - start).count());
        sink += result.report->steps.back().loss;
    }
    report("statistics + 1000 SGD steps", training, 1.0, "s");
    std::printf("(checksum %g)\n", sink);
    return 0;
}
