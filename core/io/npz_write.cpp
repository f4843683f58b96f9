#include <core/io/npz_write.h>

#include <zip.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace bnflow {
namespace {

// The magic, version 1.0, the header's length and the header itself: a Python dict literal,
// padded with spaces and ended by a newline so that the data starts at a multiple of 64 bytes.
std::string npyHeader(const std::string& descr, const std::vector<Eigen::Index>& shape)
{
    std::string dims;
    for (const Eigen::Index n : shape)
        dims += std::to_string(n) + ", ";
    if (shape.size() > 1)
        dims.resize(dims.size() - 2);  // (4, 3); a vector keeps NumPy's (3,)
    else if (shape.size() == 1)
        dims.pop_back();
    std::string dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
    const std::size_t unpadded = 10 + dict.size() + 1;
    dict.append((64 - unpadded % 64) % 64, ' ');
    dict += '\n';
    std::string out = "\x93NUMPY";
    out += char(1);
    out += char(0);
    out += char(dict.size() & 0xff);
    out += char((dict.size() >> 8) & 0xff);
    return out + dict;
}

template <typename T>
void appendLittleEndian(std::string& out, T value)
{
    unsigned char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));  // x86 and ARM Linux are little-endian, as '<' says
    out.append(reinterpret_cast<const char*>(bytes), sizeof(T));
}

}  // namespace

std::string npyOfMatrix(const Matrix& values, const std::vector<Eigen::Index>& shape)
{
    std::string out = npyHeader("<f8", shape);
    out.reserve(out.size() + std::size_t(values.size()) * 8);
    for (Eigen::Index i = 0; i < values.rows(); ++i)  // C order: row by row
        for (Eigen::Index j = 0; j < values.cols(); ++j)
            appendLittleEndian(out, values(i, j));
    return out;
}

std::string npyOfScalar(double value)
{
    std::string out = npyHeader("<f8", {});
    appendLittleEndian(out, value);
    return out;
}

std::string npyOfInteger(std::int64_t value)
{
    std::string out = npyHeader("<i8", {});
    appendLittleEndian(out, value);
    return out;
}

std::string npyOfText(const std::string& ascii)
{
    const std::size_t length = std::max<std::size_t>(ascii.size(), 1);
    std::string out = npyHeader("<U" + std::to_string(length), {});
    for (std::size_t k = 0; k < length; ++k)  // UTF-32LE code units
        appendLittleEndian(out, std::uint32_t(k < ascii.size() ? static_cast<unsigned char>(ascii[k]) : 0));
    return out;
}

std::string npzArchive(const std::vector<std::pair<std::string, std::string>>& members)
{
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
    if (!buffer)
        return {};
    zip_source_keep(buffer);  // read back after the archive is closed
    zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
    zip_error_fini(&error);
    if (!archive) {
        zip_source_free(buffer);
        return {};
    }
    bool added = true;
    for (const auto& [name, bytes] : members) {
        // The member's bytes stay with the caller until zip_close has written them.
        zip_source_t* member = zip_source_buffer(archive, bytes.data(), bytes.size(), 0);
        const zip_int64_t index =
            member ? zip_file_add(archive, (name + ".npy").c_str(), member, ZIP_FL_ENC_UTF_8) : -1;
        if (index < 0) {
            if (member)
                zip_source_free(member);
            added = false;
            break;
        }
        zip_set_file_compression(archive, zip_uint64_t(index), ZIP_CM_STORE, 0);  // as np.savez
    }
    if (!added || zip_close(archive) != 0) {
        zip_discard(archive);
        zip_source_free(buffer);
        return {};
    }
    std::string out;
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_source_stat(buffer, &stat) == 0 && (stat.valid & ZIP_STAT_SIZE) && zip_source_open(buffer) == 0) {
        out.resize(std::size_t(stat.size));
        const zip_int64_t read = zip_source_read(buffer, out.data(), stat.size);
        zip_source_close(buffer);
        if (read != zip_int64_t(stat.size))
            out.clear();
    }
    zip_source_free(buffer);
    return out;
}

}  // namespace bnflow
