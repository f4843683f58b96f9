// The value a user edits: one batch, its parameters and its upstream gradient.
#pragma once

#include <core/model/exercise.h>
#include <core/model/norm_config.h>
#include <core/model/problem.h>
#include <core/model/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bnflow {

struct Session {
    Matrix x;            // N x D batch
    RowVector gamma;     // 1 x D scale
    RowVector beta;      // 1 x D shift
    double eps = 1e-5;   // PyTorch's default
    Matrix dout;         // N x D upstream gradient df/dy
    std::optional<std::uint64_t> doutSeed;  // set while dout is the seeded default, not typed in
    std::string title;
    std::string notes;
    Exercise exercise;   // exercise mode: hidden cells, predictions (empty: none; exercise.h)
    // Which normalization layer and mode, with the running statistics (norm_config.h); all
    // unset means batch norm in training mode, as every session before the family.
    NormConfig norm;
    // Keys of the session file that bnflow does not know, kept verbatim (compact JSON text)
    // so that saving the file again loses nothing.
    std::vector<std::pair<std::string, std::string>> extraFields;

    Eigen::Index samples() const { return x.rows(); }
    Eigen::Index features() const { return x.cols(); }

    // Every problem with the value itself (shapes, eps, non-finite numbers), in field order.
    // An empty list means forward and backward are defined, except for the zero-variance and
    // overflow cases that only the computation can see (see analysis.h).
    Problems validate() const;
};

// A session read from a file (JSON, session_json.h, or an .npz archive, session_npz.h).
struct SessionLoad {
    std::optional<Session> session;  // set exactly when problems is empty
    Problems problems;               // each names the field, or the line and column
    bool ok() const { return session.has_value(); }
};

// The default upstream gradient: standard-normal N x D, filled row by row from a 64-bit
// Mersenne Twister seeded with `seed`, Box-Muller on 53-bit uniforms. Spelled out rather than
// std::normal_distribution, whose output differs between standard libraries.
Matrix standardNormalMatrix(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed);

// The built-in example session (the one `bnflow` opens with no argument).
Session exampleSession();

}  // namespace bnflow
