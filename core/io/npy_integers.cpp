// Integer arrays from .npy files: the class labels of a network's data file (doc/depth.md).
#include <core/io/npy.h>

#include <limits>

namespace bnflow {
namespace {

NpyIntegers failure(std::string where, std::string what)
{
    NpyIntegers result;
    result.problem = {std::move(where), std::move(what)};
    return result;
}

}  // namespace

NpyIntegers parseNpyIntegers(std::string_view bytes)
{
    Problem problem;
    const std::optional<NpyHeader> header = parseNpyHeader(bytes, problem);
    if (!header)
        return failure(problem.where, problem.what);
    const std::string& d = header->descr;
    // '<i8', '|u1': byte order, kind, size.
    const char order = d.empty() ? '?' : d[0];
    const char kind = d.size() > 1 ? d[1] : '?';
    const std::string sizeText = d.size() > 2 ? d.substr(2) : "";
    const std::size_t size = sizeText == "1" ? 1 : sizeText == "2" ? 2 : sizeText == "4" ? 4
                             : sizeText == "8" ? 8 : 0;
    const bool integer = (kind == 'i' || kind == 'u') && size > 0 &&
                         (order == '<' || order == '|' || (order == '>' && size == 1));
    if (!integer) {
        const std::string what = kind == 'f' ? "a floating-point dtype"
                                 : kind == 'b' ? "a boolean dtype"
                                 : (kind == 'i' || kind == 'u') ? "a big-endian or odd-sized integer dtype"
                                                                : "dtype";
        return failure("header", what + " '" + d.substr(0, 20) +
                                     "'; expected integers (any little-endian integer dtype, e.g. "
                                     "labels.astype(np.int64))");
    }
    const std::vector<Eigen::Index>& shape = header->shape;
    const bool column = shape.size() == 2 && (shape[0] == 1 || shape[1] == 1);
    if (shape.size() != 1 && !column)
        return failure("header", "shape " + NdArray{shape, {}, {}}.shapeText() +
                                     "; expected a 1-d array of labels (n,)");
    const std::size_t count = shape.size() == 1 ? std::size_t(shape[0])
                                                : std::size_t(shape[0]) * std::size_t(shape[1]);
    if (count > kMaxArrayEntries)
        return failure("header", "has " + std::to_string(count) + " entries; at most " +
                                     std::to_string(kMaxArrayEntries) + " are read");
    const std::string_view data = bytes.substr(header->dataStart);
    if (data.size() != count * size)
        return failure("data", "needs " + std::to_string(count * size) + " data bytes, the file has " +
                                   std::to_string(data.size()));
    NpyIntegers result;
    result.dtype = d;
    result.values.reserve(count);
    for (std::size_t n = 0; n < count; ++n) {
        std::uint64_t raw = 0;
        for (std::size_t k = 0; k < size; ++k)
            raw |= std::uint64_t(static_cast<unsigned char>(data[n * size + k])) << (8 * k);
        if (kind == 'i' && size < 8 && (raw >> (8 * size - 1)) != 0)
            raw |= ~std::uint64_t(0) << (8 * size);  // sign extension
        if (kind == 'u' && raw > std::uint64_t(std::numeric_limits<std::int64_t>::max()))
            return failure("data[" + std::to_string(n) + "]",
                           "the integer " + std::to_string(raw) + " is out of range");
        result.values.push_back(static_cast<std::int64_t>(raw));
    }
    return result;
}

}  // namespace bnflow
