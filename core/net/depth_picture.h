// What the Depth tab draws (doc/depth.md#the-depth-tab), computed once per network: the
// statistics of bnflow-cli depth and, per hidden layer, the histograms of the activations h_k and
// of their gradients d loss / d h_k on ranges shared by every layer (so that layers compare at
// a glance); and the session of one layer's norm, for the walkthrough.
#pragma once

#include <core/model/session.h>
#include <core/net/depth_run.h>

#include <limits>
#include <vector>

namespace bnflow {

// Fractions of a tensor's entries per bin over [lo, hi]; entries outside fall into the end bins.
// `saturated` splits off the entries with |value| > kSaturated (tanh's flat tails), bin by
// bin, so that fraction[b] + saturated[b] is the bin's share and the sum of saturated is
// LayerStatistics::saturated.
struct Histogram {
    double lo = 0, hi = 1;
    std::vector<double> fraction;   // the entries that are not saturated
    std::vector<double> saturated;  // all 0 unless saturation was asked for
    int bins() const { return int(fraction.size()); }
    double width() const { return (hi - lo) / double(bins()); }
    double centre(int b) const { return lo + (b + 0.5) * width(); }
};

// bins equal-width bins over [lo, hi] (lo < hi); countSaturated: split off |value| > kSaturated.
Histogram histogram(const Matrix& values, double lo, double hi, int bins, bool countSaturated);

// The shared ranges: activations [-1.03, 1.03] for tanh, else symmetric about 0 out to the largest
// |mean| + 4 std of any layer; gradients likewise out to the largest |mean| + 4 std.
struct HistogramRanges {
    double act = 1;
    double grad = 1;
};

// tanh's activations: bins 0.02 wide over [-1.03, 1.03], so that +-0.97 is an edge and a bin
// holds saturated entries only or none; the others' reach is split into kActivationBins.
inline constexpr double kTanhReach = 1.03;
inline constexpr int kTanhBins = 103;
inline constexpr int kActivationBins = 100;
inline constexpr int kGradientBins = 80;

struct DepthPass {
    NetworkForward forward;
    NetworkBackward backward;
    std::vector<LayerStatistics> stats;  // layerStatistics(): L + 1
};
DepthPass depthPass(const Network& net, const Dataset& data);
HistogramRanges histogramRanges(const Network& net, const DepthPass& pass);
HistogramRanges unite(const HistogramRanges& a, const HistogramRanges& b);

struct DepthPicture {
    NetworkShape shape;
    double loss = 0;
    std::vector<LayerStatistics> stats;  // L + 1
    std::vector<Histogram> act, grad;    // L: the hidden layers
    HistogramRanges ranges;
};
DepthPicture depthPicture(const Network& net, const DepthPass& pass, const HistogramRanges& ranges);

// The session of hidden layer k's norm as the network ran it: x = h_{k-1} @ W_k + b_k (the
// norm's input), gamma_k, beta_k, eps = kNetworkEps, the network's norm in training mode, and
// dout = d loss / d norm_k(x), the gradient that arrived from above. Requires shape.norm.
Session normSession(const Network& net, const DepthPass& pass, int k);

}  // namespace bnflow
