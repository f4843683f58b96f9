// A session from a NumPy archive: np.savez('mine.npz', x=x, gamma=gamma, beta=beta, dout=dout).
#pragma once

#include <core/model/session.h>

#include <string_view>

namespace bnflow {

// Whether a session file is an .npz archive: by its extension or by its first bytes.
bool isSessionNpz(std::string_view path, std::string_view bytes);

// Reads x (N x D), gamma and beta ((D,) or (1, D)), optional dout (N x D; the seeded default
// when absent, as in the session file), and the session file's other keys as 0-d arrays: eps,
// groups, momentum (numbers), layer, mode, convention (strings, NumPy '<U'), and running_mean,
// running_var ((D,) or (1, D)); they mean what the session file's keys mean and are checked
// alike. Other arrays in the archive are ignored, so one archive may also hold a student's dx.
SessionLoad parseSessionNpz(std::string_view bytes);

// The session as the bytes of such an archive, for NumPy: x, gamma, beta, dout (always explicit,
// the seeded default included), eps, and each key the session sets (layer, mode, convention as
// 0-d strings; groups, channels as 0-d integers; momentum; running_mean, running_var).
// parseSessionNpz reads it back to the same session; empty when the archive cannot be built.
std::string writeSessionNpz(const Session& session);

}  // namespace bnflow
