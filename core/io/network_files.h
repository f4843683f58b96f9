// A network file made whole: its data drawn or read from the data file, its parameters drawn
// from the seed and overridden by the weights file (doc/depth.md). Every problem names the file
// and the member ("d.npz: labels", "w.npz: gamma2") and says what was expected.
#pragma once

#include <core/io/network_json.h>
#include <core/net/network.h>

#include <optional>
#include <string>

namespace bnflow {

struct NetworkInputs {
    Network network;
    Dataset data;
};

struct NetworkInputsLoad {
    std::optional<NetworkInputs> inputs;  // set exactly when problems is empty
    Problems problems;
    bool ok() const { return inputs.has_value(); }
};

// File names in `file` are read relative to `folder` (the network file's; "" for the current
// directory), unless absolute.
NetworkInputsLoad loadNetworkInputs(const NetworkFile& file, const std::string& folder);

// The same from the bytes of the two .npz files (no data file bytes with seeded data; no weights
// bytes without a weights file); `dataName` and `weightsName` are for messages. For tests.
NetworkInputsLoad buildNetworkInputs(const NetworkFile& file, const std::string* dataBytes,
                                     const std::string& dataName, const std::string* weightsBytes,
                                     const std::string& weightsName);

}  // namespace bnflow
