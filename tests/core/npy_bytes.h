// Hand-made NumPy and zip bytes for the reader tests: what NumPy writes, and what it never does.
#pragma once

#include <zip.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace bnflow::test {

// A .npy file's bytes with the given header dict and data.
inline std::string npyBytes(const std::string& dict, const std::string& data, char major = 1)
{
    std::string header = dict;
    const std::size_t prefix = major == 1 ? 10 : 12;
    while ((prefix + header.size() + 1) % 64 != 0)
        header += ' ';
    header += '\n';
    std::string out = std::string("\x93NUMPY", 6) + major + '\0';
    out += char(header.size() & 0xff);
    out += char(header.size() >> 8);
    if (major != 1)
        out += std::string(2, '\0');
    return out + header + data;
}

inline std::string doubles(std::initializer_list<double> values)
{
    std::string out;
    for (const double v : values)
        out.append(reinterpret_cast<const char*>(&v), sizeof v);
    return out;
}

// A stored zip of the given members, made with libzip in memory.
inline std::string zipOf(const std::vector<std::pair<std::string, std::string>>& members)
{
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* target = zip_source_buffer_create(nullptr, 0, 0, &error);
    zip_source_keep(target);
    zip_t* archive = zip_open_from_source(target, ZIP_TRUNCATE, &error);
    for (const auto& [name, bytes] : members) {
        zip_source_t* member = zip_source_buffer(archive, bytes.data(), bytes.size(), 0);
        zip_file_add(archive, name.c_str(), member, ZIP_FL_OVERWRITE);
    }
    zip_close(archive);
    zip_source_open(target);
    zip_source_seek(target, 0, SEEK_END);
    const auto size = zip_source_tell(target);
    zip_source_seek(target, 0, SEEK_SET);
    std::string out(std::size_t(size), '\0');
    zip_source_read(target, out.data(), zip_uint64_t(size));
    zip_source_close(target);
    zip_source_free(target);
    zip_error_fini(&error);
    return out;
}

inline std::string scalarNpy(const std::string& descr, const std::string& data)
{
    return npyBytes("{'descr': '" + descr + "', 'fortran_order': False, 'shape': (), }", data);
}

// NumPy's '<U' data: UTF-32LE, NUL-padded to `size` characters.
inline std::string unicodeNpy(const std::string& text, std::size_t size)
{
    std::string data;
    for (std::size_t k = 0; k < size; ++k) {
        const char c = k < text.size() ? text[k] : '\0';
        data += c;
        data += std::string(3, '\0');
    }
    return scalarNpy("<U" + std::to_string(size), data);
}

inline std::string int64Npy(std::int64_t value)
{
    return scalarNpy("<i8", std::string(reinterpret_cast<const char*>(&value), 8));
}

}  // namespace bnflow::test
