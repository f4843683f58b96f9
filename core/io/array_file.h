// A student's tensor from a file: .npy, .csv / .tsv (numbers only) or .json (an array, or an
// array of rows); and the bytes of any file, read with a size limit.
#pragma once

#include <core/io/npy.h>

namespace bnflow {

// The whole file, or nullopt with problem.what set: no such file, a directory, unreadable, or
// larger than limit bytes.
std::optional<std::string> readFileBytes(const std::string& path, std::size_t limit,
                                         Problem& problem);

// Parses bytes by the file name's extension (.npy, .csv, .tsv, .txt, .json; an .npz is refused
// with a hint to use it as an archive). An unknown extension is recognised by the content.
NdArrayLoad parseArrayFile(std::string_view bytes, std::string_view path);

// readFileBytes, then parseArrayFile.
NdArrayLoad loadArrayFile(const std::string& path);

// The array as a rows x cols matrix, or nullopt with `what` set naming the shapes. A vector
// (vectorOk) may come as (cols,) or (1, cols); anything else must be exactly (rows, cols).
std::optional<Matrix> arrayAsMatrix(const NdArray& array, Eigen::Index rows, Eigen::Index cols,
                                    bool vectorOk, std::string& what);

}  // namespace bnflow
