// A small multilayer perceptron for seeing how gradients flow through depth (doc/depth.md):
// L hidden layers h_k = act(norm_k(h_{k-1} @ W_k + b_k)), an output layer
// logits = h_{L-1} @ W_L + b_L, and the mean softmax cross-entropy. The norms are the session's
// layers (core/math/family.h), run through the family's own forward and fused backward.
#pragma once

#include <core/math/family.h>
#include <core/model/norm_config.h>
#include <core/model/types.h>

#include <optional>
#include <string_view>
#include <vector>

namespace bnflow {

enum class Activation { Tanh, Relu, Linear };

std::string_view activationName(Activation activation);  // "tanh", "relu", "linear"
std::optional<Activation> parseActivation(std::string_view name);

inline constexpr double kNetworkEps = 1e-5;   // every norm layer's eps
inline constexpr double kSaturated = 0.97;    // |tanh| above this counts as saturated

// What the network is made of, before any parameter is drawn.
struct NetworkShape {
    int hidden = 1;                         // L >= 1
    Eigen::Index inputs = 1;                // D0, the columns of x
    Eigen::Index width = 1;                 // H, every hidden layer's
    Eigen::Index classes = 1;               // K, the output layer's
    std::optional<Layer> norm;              // batch norm (training mode), layer norm, RMSNorm; none
    Activation activation = Activation::Tanh;
    bool bias = true;                       // false: no b_k at all, b_L included

    int layerCount() const { return hidden + 1; }  // the hidden layers and the output layer
    Eigen::Index fanIn(int k) const { return k == 0 ? inputs : width; }
    Eigen::Index fanOut(int k) const { return k == hidden ? classes : width; }
    bool hasNorm(int k) const { return norm.has_value() && k < hidden; }
};

// One layer's parameters; the output layer (k = L) never has gamma or beta.
struct LayerParameters {
    Matrix W;          // fan_in x fan_out, so that h @ W
    RowVector b;       // 1 x fan_out; empty without bias
    RowVector gamma;   // 1 x H; empty without a norm
    RowVector beta;    // 1 x H; empty without a norm
};

struct Network {
    NetworkShape shape;
    std::vector<LayerParameters> layers;  // L + 1: the hidden layers, then the output layer
};

struct Dataset {
    Matrix x;                          // N x D0
    std::vector<Eigen::Index> labels;  // N class indices in [0, K)
};

// One hidden layer's forward cache.
struct HiddenForward {
    Matrix pre;          // h_{k-1} @ W_k + b_k, N x H
    FamilyForward norm;  // the norm's cache (its y is norm_k(pre)); empty without a norm
    Matrix act;          // h_k = act(norm_k(pre)), N x H
};

struct NetworkForward {
    std::vector<HiddenForward> hidden;  // L
    Matrix logits;                      // h_{L-1} @ W_L + b_L, N x K
    Matrix probs;                       // softmax of each row of logits, N x K
    double loss = 0;                    // mean over the N samples of -log probs(i, label_i)
};

// d loss / d (each parameter), and d loss / d h_k.
struct LayerGradients {
    Matrix dW;                 // like W
    RowVector db;              // like b (empty without bias)
    RowVector dgamma, dbeta;   // like gamma, beta (empty without a norm)
    Matrix dact;               // d loss / d h_k, N x H; empty for the output layer
};

struct NetworkBackward {
    std::vector<LayerGradients> layers;  // L + 1, as Network::layers
};

// Parameters of the right shapes for `shape`: b = 0, gamma = 1, beta = 0, W all zero (to be
// filled from a seed or a file).
Network emptyNetwork(const NetworkShape& shape);

// The forward pass of `data` (N x D0) through `net`. Batch norm uses the batch's own
// statistics (training mode). Non-finite values are left for the caller to find.
NetworkForward forwardPass(const Network& net, const Dataset& data);
// Every gradient of the loss, given the forward pass's cache.
NetworkBackward backwardPass(const Network& net, const Dataset& data, const NetworkForward& f);
// p <- p - lr * dp for every W, b, gamma and beta.
void sgdStep(Network& net, const NetworkBackward& grads, double lr);
// Whether every parameter is a finite number.
bool allFinite(const Network& net);

}  // namespace bnflow
