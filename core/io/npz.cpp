// The .npz reader: libzip opens the archive from memory; each member must be a .npy file.
#include <core/io/npy.h>

#include <zip.h>

#include <memory>
#include <unordered_set>

namespace bnflow {
namespace {

NpzRead failure(std::string where, std::string what)
{
    NpzRead result;
    result.problem = {std::move(where), std::move(what)};
    return result;
}

struct ArchiveCloser {
    void operator()(zip_t* archive) const { zip_discard(archive); }
};
struct FileCloser {
    void operator()(zip_file_t* file) const { zip_fclose(file); }
};

std::string libzipError(zip_error_t* error)
{
    std::string text = zip_error_strerror(error);
    return text.empty() ? "unknown error" : text;
}

// Reads exactly `size` bytes of member `index`; a member shorter or longer than its directory
// entry says is a damaged archive.
std::optional<std::string> readMember(zip_t* archive, zip_uint64_t index, zip_uint64_t size,
                                      std::string& what)
{
    const std::unique_ptr<zip_file_t, FileCloser> file(zip_fopen_index(archive, index, 0));
    if (!file) {
        what = "cannot be opened: " + libzipError(zip_get_error(archive));
        return std::nullopt;
    }
    std::string bytes(size, '\0');
    zip_uint64_t done = 0;
    while (done < size) {
        const zip_int64_t n = zip_fread(file.get(), bytes.data() + done, size - done);
        if (n < 0) {
            what = "cannot be unpacked: " + libzipError(zip_file_get_error(file.get()));
            return std::nullopt;
        }
        if (n == 0)
            break;
        done += zip_uint64_t(n);
    }
    char extra = 0;
    if (done != size || zip_fread(file.get(), &extra, 1) != 0) {
        what = "unpacks to a different size than the archive's directory says; the archive "
               "is damaged";
        return std::nullopt;
    }
    return bytes;
}

}  // namespace

NpzRead readNpz(std::string_view bytes)
{
    if (!looksLikeZip(bytes))
        return failure("", "is not a zip archive; expected an .npz file (np.savez)");
    zip_error_t error;
    zip_error_init(&error);
    // The buffer is only read: libzip's source does not own or change it.
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (!source) {
        const std::string what = libzipError(&error);
        zip_error_fini(&error);
        return failure("", "cannot be read as a zip archive: " + what);
    }
    std::unique_ptr<zip_t, ArchiveCloser> archive(
        zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error));
    if (!archive) {
        zip_source_free(source);
        const std::string what = libzipError(&error);
        zip_error_fini(&error);
        return failure("", "is not a readable zip archive (" + what + "); expected an .npz file");
    }
    zip_error_fini(&error);

    NpzRead result;
    const zip_int64_t count = zip_get_num_entries(archive.get(), 0);
    if (count <= 0)
        return failure("", "is an empty zip archive; expected the arrays of np.savez");
    std::size_t total = 0;
    std::unordered_set<std::string> names;
    for (zip_uint64_t index = 0; index < zip_uint64_t(count); ++index) {
        zip_stat_t stat;
        zip_stat_init(&stat);
        if (zip_stat_index(archive.get(), index, 0, &stat) != 0 || !(stat.valid & ZIP_STAT_NAME))
            return failure("member " + std::to_string(index + 1), "cannot be read");
        const std::string_view name(stat.name);
        const std::string where = "member '" + oneLine(name.substr(0, 60)) + "'";
        if (!name.ends_with(".npy") || name.size() == 4)
            return failure(where, "is not a .npy array; a zip that is not an .npz (np.savez "
                                  "writes only NAME.npy members)");
        if ((stat.valid & ZIP_STAT_ENCRYPTION_METHOD) && stat.encryption_method != ZIP_EM_NONE)
            return failure(where, "is encrypted; expected a plain .npz file");
        if ((stat.valid & ZIP_STAT_COMP_METHOD) &&
            !zip_compression_method_supported(stat.comp_method, 0))
            return failure(where, "uses a compression method this build cannot unpack; "
                                  "expected stored or deflated (np.savez, np.savez_compressed)");
        if (!(stat.valid & ZIP_STAT_SIZE))
            return failure(where, "has no size in the archive's directory; the archive is damaged");
        if (stat.size > kMaxNpyBytes)
            return failure(where, "unpacks to " + std::to_string(stat.size >> 20) +
                                      " MiB, more than any array of at most " +
                                      std::to_string(kMaxArrayEntries) +
                                      " float64 entries (a session's N x D) takes");
        if (stat.size > kMaxArrayFileBytes - total)
            return failure(where, "unpacks to more than " +
                                      std::to_string(kMaxArrayFileBytes >> 20) +
                                      " MiB in all; too large for a batch");
        total += stat.size;
        std::string what;
        std::optional<std::string> member = readMember(archive.get(), index, stat.size, what);
        if (!member)
            return failure(where, what);
        std::string key(name.substr(0, name.size() - 4));
        // A hash of the names seen, not a search of them: 200 000 members took minutes that way.
        if (!names.insert(key).second)
            return failure(where, "appears twice in the archive");
        result.members.emplace_back(std::move(key), std::move(*member));
    }
    return result;
}

}  // namespace bnflow
