// The network file (*.bnflow-net.json; doc/contracts.md, doc/depth.md#the-network-file): read
// strictly, every key checked for its type and range, unknown keys refused.
#pragma once

#include <core/model/problem.h>
#include <core/net/network.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace bnflow {

// The limits of a network (doc/depth.md#limits).
inline constexpr int kMaxNetworkLayers = 64;                 // L
inline constexpr Eigen::Index kMaxNetworkWidth = 4096;       // H
inline constexpr std::size_t kMaxNetworkEntries = 1u << 22;  // N * max(H, D0, K); all parameters
inline constexpr std::size_t kMaxNetworkFileBytes = 1u << 20;

// "data": {"n": N, "inputs": D0, "classes": K, "seed": s}: drawn from the seed (net/seeded.h).
struct SeededData {
    Eigen::Index n = 0;
    Eigen::Index inputs = 0;
    Eigen::Index classes = 0;
    std::uint64_t seed = 0;
};

struct NetworkFile {
    int layers = 1;                                 // L
    Eigen::Index width = 1;                         // H
    std::optional<Layer> norm;                      // "none": unset
    Activation activation = Activation::Tanh;
    std::variant<SeededData, std::string> data;     // drawn, or a data file's name as written
    double gain = 1.0;
    bool bias = true;
    double lr = 0.1;
    std::uint64_t seed = 0;
    std::string title;
    std::optional<Eigen::Index> classes;            // with a data file only
    std::optional<std::string> weights;             // a weights file's name as written
};

struct NetworkFileLoad {
    std::optional<NetworkFile> file;  // set exactly when problems is empty
    Problems problems;                // where: the key ("layers", "data.n"), what was expected
    bool ok() const { return file.has_value(); }
};

NetworkFileLoad parseNetworkFile(std::string_view text);

}  // namespace bnflow
