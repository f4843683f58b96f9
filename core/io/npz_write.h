// NumPy's formats written: an .npy array (version 1.0, little-endian, C order) and an .npz
// archive of them (stored, as np.savez writes it), whole in memory so that the caller writes the
// file at once (or not at all).
#pragma once

#include <core/model/types.h>

#include <string>
#include <utility>
#include <vector>

namespace bnflow {

// float64 '<f8' of the given shape ({} a 0-d array, {n} a vector, {rows, cols}), C order.
std::string npyOfMatrix(const Matrix& values, const std::vector<Eigen::Index>& shape);
std::string npyOfScalar(double value);            // a 0-d '<f8'
std::string npyOfInteger(std::int64_t value);     // a 0-d '<i8'
std::string npyOfText(const std::string& ascii);  // a 0-d '<U' (NumPy's str), ASCII text

// The members, each "NAME" stored as NAME.npy, as the bytes of a zip archive; empty when libzip
// fails (out of memory).
std::string npzArchive(const std::vector<std::pair<std::string, std::string>>& members);

}  // namespace bnflow
