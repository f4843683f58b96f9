// NumPy's array files: .npy (one array) and .npz (a zip of .npy files), read strictly.
// Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
#pragma once

#include <core/model/problem.h>
#include <core/model/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bnflow {

// A 0-d, 1-d or 2-d array of float32 or float64, widened to double.
struct NdArray {
    std::vector<Eigen::Index> shape;  // as NumPy gives it: () or (n,) or (rows, cols)
    Matrix values;                    // () -> 1 x 1, (n,) -> 1 x n, (r, c) -> r x c
    Dtype dtype = Dtype::F64;         // what the file held

    std::string shapeText() const;    // "()", "(3,)", "(4, 3)", as NumPy prints it
};

struct NdArrayLoad {
    std::optional<NdArray> array;  // set exactly when problem.what is empty
    Problem problem;               // where: "header" or "data"; what is wrong and what was expected
    bool ok() const { return array.has_value(); }
};

// Parses the bytes of one .npy file: format version 1.0, 2.0 or 3.0; dtype '<f8' or '<f4';
// C or Fortran order; at most 2 dimensions and kMaxArrayEntries entries; exactly as many data
// bytes as the shape needs.
// Big-endian, integer, complex, object and structured arrays are refused, as are truncated
// headers or data and trailing bytes. Non-finite values are read as they are.
NdArrayLoad parseNpy(std::string_view bytes);

// The header of one .npy file as it is written: dtype, order and shape, and where the data
// start. Problem (where "header") when the magic, version, length or dict is wrong; the dtype
// and shape are not judged here.
struct NpyHeader {
    std::string descr;                // '<f8', '<i4', '|u1', ...
    bool fortranOrder = false;
    std::vector<Eigen::Index> shape;  // as NumPy gives it
    std::size_t dataStart = 0;        // the first data byte
};
std::optional<NpyHeader> parseNpyHeader(std::string_view bytes, Problem& problem);

// A 1-d array of any integer dtype ('<i8', '|u1', ...; shape (n,), or (n, 1), (1, n)), widened
// to int64: class labels (npy_integers.cpp). Floating-point, boolean and every other dtype are
// refused, saying what the file holds; so are unsigned values beyond int64.
struct NpyIntegers {
    std::vector<std::int64_t> values;
    std::string dtype;  // the descr, for messages
    Problem problem;    // set when the array is not read
    bool ok() const { return problem.what.empty(); }
};
NpyIntegers parseNpyIntegers(std::string_view bytes);

// One value of a .npz session's scalar keys (eps, groups, layer, ...): a 0-d (or one-element)
// array of a float, integer or boolean dtype, or of NumPy's '<U' strings (UTF-32, read as UTF-8).
struct NpyScalar {
    std::optional<double> number;        // every numeric dtype (integers too)
    std::optional<std::int64_t> integer; // integer and boolean dtypes only
    std::optional<std::string> text;     // '<U' only
    Problem problem;                     // set when none of the three is
    bool ok() const { return problem.what.empty(); }
};
NpyScalar parseNpyScalar(std::string_view bytes);

// The members of a .npz archive, each the bytes of a .npy file, by array name ("dx" for the
// member "dx.npy"), in archive order.
struct NpzRead {
    std::vector<std::pair<std::string, std::string>> members;  // set when problem.what is empty
    Problem problem;  // where: the member, or empty for the archive
    bool ok() const { return problem.what.empty(); }
};

// Opens the bytes of a .npz file (np.savez stores, np.savez_compressed deflates). A zip that
// holds anything but .npy members, an encrypted member, a member of more than kMaxNpyBytes, a
// name given twice, or more than kMaxArrayFileBytes when unpacked is refused. Linear in the
// number of members.
NpzRead readNpz(std::string_view bytes);

// Whether the bytes start like a zip archive (local file header or an empty archive's end).
bool looksLikeZip(std::string_view bytes);

inline constexpr std::size_t kMaxArrayFileBytes = 256u << 20;

// The most entries one array may have: as many as a session's x (kMaxSessionElements, N x D).
// parseNpy refuses a larger shape from the header, before it allocates anything.
inline constexpr std::size_t kMaxArrayEntries = std::size_t(1) << 22;
// The most bytes one .npy member of an .npz may unpack to: the largest header NumPy writes in
// format 1.0 (65535 bytes and its 10-byte preamble) and kMaxArrayEntries float64 values.
// readNpz refuses a larger member from the archive's directory, before unpacking it.
inline constexpr std::size_t kMaxNpyBytes = 10 + 65535 + 8 * kMaxArrayEntries;

}  // namespace bnflow
