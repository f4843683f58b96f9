// Edits of a Session as pure functions: the GUI's undo commands call these, so no slot does math
// and every edit keeps x, gamma, beta and dout in shape.
#pragma once

#include <core/model/session.h>

#include <cstdint>
#include <optional>
#include <string>

namespace bnflow {

// The largest batch the editor accepts (the engine itself has no such limit).
inline constexpr Eigen::Index kMaxEditSamples = 256;
inline constexpr Eigen::Index kMaxEditFeatures = 32;

// "" when the shape is editable, else a message such as
// "300 x 4 is too large to edit: at most 256 samples and 32 features".
std::string checkEditableShape(Eigen::Index samples, Eigen::Index features);

// Shape edits. Each returns the edited copy, or std::nullopt with *error set when the edit is
// impossible (index out of range, the result would have 0 or too many samples or features).
// New x cells are 0, new gamma 1, new beta 0. dout follows x: a seeded dout (doutSeed set) is
// drawn again from its seed for the new shape; a typed dout gets 0 in its new cells.
std::optional<Session> insertSamples(const Session& s, Eigen::Index at, Eigen::Index count,
                                     std::string* error);
std::optional<Session> removeSamples(const Session& s, Eigen::Index at, Eigen::Index count,
                                     std::string* error);
std::optional<Session> insertFeatures(const Session& s, Eigen::Index at, Eigen::Index count,
                                      std::string* error);
std::optional<Session> removeFeatures(const Session& s, Eigen::Index at, Eigen::Index count,
                                      std::string* error);

// Replaces x by `batch` (e.g. an imported CSV): gamma and beta keep their values for the
// features that remain, new features get 1 and 0; dout follows as for the shape edits.
// s with another layer configuration. When it changes the channels (core/model/norm_config.h),
// gamma, beta and the running statistics are regrouped to the new count: every feature keeps
// its channel's value (per feature to per channel: a channel takes its first feature's).
Session withNorm(const Session& s, const NormConfig& norm);

std::optional<Session> replaceBatch(const Session& s, const Matrix& batch, std::string* error);

enum class Which { X, Dout };

// Writes `block` into x or dout with its top-left corner at (row, col), growing the batch when
// the block reaches past its edge (within the limits); (row, col) is a cell or just past the
// edge. Writing into dout makes it typed (doutSeed is cleared) before it grows, so its existing
// values stay. A block with a non-finite number is refused.
std::optional<Session> pasteBlock(const Session& s, Which which, Eigen::Index row,
                                  Eigen::Index col, const Matrix& block, std::string* error);

// x drawn again with the same shape, from the generator of standardNormalMatrix seeded with
// seed XOR 0x9E3779B97F4A7C15: a stream of its own, so x never equals a dout of the same seed.
enum class Distribution {
    StandardNormal,  // randn
    Uniform,         // uniform on [-1, 1)
    Cs231nOffset,    // 5 * randn + 12, CS231n's test data
};
Session randomizeBatch(const Session& s, Distribution distribution, std::uint64_t seed);

// dout presets. Each keeps the shape of x.
Session doutFromSeed(const Session& s, std::uint64_t seed);  // sets doutSeed
Session doutAllOnes(const Session& s);                      // f = sum(y): dx = 0 in exact math
Session doutOneHot(const Session& s, Eigen::Index row, Eigen::Index col);  // clamps into range
// dout = y, the upstream gradient of L = sum(y^2) / 2: y is the session's output, of any layer.
Session doutFromHalfSquareLoss(const Session& s, const Matrix& y);

// Uniform on [-1, 1), N x D, row by row, from the same engine as standardNormalMatrix.
Matrix uniformMatrix(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed);

}  // namespace bnflow
