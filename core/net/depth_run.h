// What bnflow-cli depth reports (doc/contracts.md, doc/depth.md#the-statistics): per-layer
// statistics of the activations and gradients before any step, then K plain SGD steps with the
// update-to-data ratio of every W.
#pragma once

#include <core/model/problem.h>
#include <core/net/network.h>

#include <optional>
#include <vector>

namespace bnflow {

// Over every entry of a tensor; std is the population one (ddof 0).
struct MeanStd {
    double mean = 0;
    double std = 0;
};
MeanStd meanStd(const Matrix& m);

struct LayerStatistics {
    MeanStd pre;              // h_{k-1} @ W_k + b_k (the logits for the output layer)
    MeanStd act;              // h_k (hidden layers only)
    double saturated = 0;     // the fraction of |h_k| > 0.97 (tanh; 0 otherwise)
    MeanStd gradAct;          // d loss / d h_k (hidden layers only)
    double wStd = 0;          // std(W_k)
    MeanStd gradW;            // d loss / d W_k
    double gradToData = 0;    // std(dW_k) / std(W_k)
};

struct DepthStep {
    double loss = 0;                   // before the step
    std::vector<double> updateToData;  // std(lr * dW_k) / std(W_k), W before the update; L + 1
};

struct DepthReport {
    double loss = 0;                      // before any step
    std::vector<LayerStatistics> layers;  // L + 1: hidden layers, then the output layer
    std::vector<DepthStep> steps;         // K
};

struct DepthResult {
    std::optional<DepthReport> report;  // set exactly when problems is empty
    Problems problems;
    bool ok() const { return report.has_value(); }
};

// The statistics of one forward and backward pass.
std::vector<LayerStatistics> layerStatistics(const Network& net, const NetworkForward& f,
                                             const NetworkBackward& g);

// Statistics before any step, then `steps` SGD steps of `lr` on `net` (changed in place).
// Problems, never NaN: a non-finite loss, gradient or parameter names the step ("step 3", or
// "the network before any step"); a W whose entries are all equal (std 0) has no ratio.
DepthResult runDepth(Network& net, const Dataset& data, long steps, double lr);

}  // namespace bnflow
