#include <core/teach/student_files.h>

#include <core/io/array_file.h>

#include <fstream>
#include <string_view>

namespace bnflow {
namespace {

struct Failed {
    Problem problem;
};

// The array as the tensor `name` of shape rows x cols, or rows x C x L for a spatial dx; a
// vector of paramCols for dgamma and dbeta.
Matrix fitted(const NdArray& array, const std::string& source, std::string_view name,
              Eigen::Index rows, Eigen::Index cols, Eigen::Index paramCols)
{
    std::string what;
    const bool vector = name != "dx";
    if (array.shape.size() == 3) {
        const Eigen::Index channels = paramCols, positions = cols / paramCols;
        const bool spatial = !vector && positions > 1;
        if (spatial && array.shape[0] == rows && array.shape[1] == channels && array.shape[2] == positions)
            return array.values;
        const std::string expected = vector ? "(" + std::to_string(paramCols) + ",)"
                                            : "(" + std::to_string(rows) + ", " + std::to_string(cols) + ")";
        throw Failed{{source, "has shape " + array.shapeText() + ", 3 dimensions; expected " +
                                  expected +
                                  (spatial ? " or (" + std::to_string(rows) + ", " +
                                                 std::to_string(channels) + ", " +
                                                 std::to_string(positions) + ")"
                                           : std::string()) +
                                  " for " + std::string(name) + " of this session"}};
    }
    if (vector)
        cols = paramCols;
    // One number where D were due (NumPy's 0-d result of np.sum(dout) without axis, a (1,) or
    // 1 x 1 array, a single CSV number) is that number for every feature, and is judged: its
    // likely mistake, sum_without_axis, gets named instead of a shape error.
    if (vector && array.values.size() == 1 && array.shape.size() <= 2)
        return RowVector::Constant(cols, array.values(0, 0));
    std::optional<Matrix> m = arrayAsMatrix(array, vector ? 1 : rows, cols, vector, what);
    if (!m)
        throw Failed{{source, what + " for " + std::string(name) + " of this session"}};
    return std::move(*m);
}

// Whether the file holds NumPy's format (by content, as parseArrayFile recognises it): its own
// dtype then says float32 or not, whatever the user declared for text files.
bool isNpy(const std::string& path)
{
    std::ifstream file(path, std::ios::binary);
    char magic[6] = {};
    return file.read(magic, 6) && std::string_view(magic, 6) == "\x93NUMPY";
}

StudentGradients fromArchive(const std::string& path, Eigen::Index rows, Eigen::Index cols,
                             Eigen::Index paramCols)
{
    Problem problem;
    const std::optional<std::string> bytes = readFileBytes(path, kMaxArrayFileBytes, problem);
    if (!bytes)
        throw Failed{{path, problem.what}};
    const NpzRead npz = readNpz(*bytes);
    if (!npz.ok())
        throw Failed{{path + (npz.problem.where.empty() ? "" : ": " + npz.problem.where),
                      npz.problem.what}};
    StudentGradients student;
    for (const auto& [name, member] : npz.members) {
        std::optional<RowVector>* vector = name == "dgamma" ? &student.dgamma
                                           : name == "dbeta" ? &student.dbeta
                                                             : nullptr;
        if (name != "dx" && !vector)
            continue;  // the session's own arrays may share the archive
        const NdArrayLoad load = parseNpy(member);
        const std::string source = path + ": " + name + ".npy";
        if (!load.ok())
            throw Failed{{source + " " + load.problem.where, load.problem.what}};
        Matrix m = fitted(*load.array, source, name, rows, cols, paramCols);
        const bool float32 = load.array->dtype == Dtype::F32;
        if (name == "dgamma")
            student.dgammaFloat32 = float32;
        else if (name == "dbeta")
            student.dbetaFloat32 = float32;
        else
            student.dxFloat32 = float32;
        if (vector)
            *vector = m;
        else
            student.dx = std::move(m);
    }
    if (!student.dx && !student.dgamma && !student.dbeta)
        throw Failed{{path, "holds none of dx, dgamma, dbeta; expected np.savez(FILE, dx=dx, "
                            "dgamma=dgamma, dbeta=dbeta)"}};
    return student;
}

std::optional<Matrix> fromFile(const std::optional<std::string>& path, std::string_view name,
                               Eigen::Index rows, Eigen::Index cols, Eigen::Index paramCols,
                               Dtype textDtype, bool& float32)
{
    if (!path)
        return std::nullopt;
    const NdArrayLoad array = loadArrayFile(*path);
    if (!array.ok())
        throw Failed{{*path + (array.problem.where.empty() ? "" : ": " + array.problem.where),
                      array.problem.what}};
    float32 = isNpy(*path) ? array.array->dtype == Dtype::F32 : textDtype == Dtype::F32;
    return fitted(*array.array, *path, name, rows, cols, paramCols);
}

}  // namespace

StudentLoad loadStudentFiles(const StudentFiles& files, Eigen::Index rows, Eigen::Index cols,
                             Eigen::Index paramCols, Dtype textDtype)
{
    StudentLoad result;
    try {
        if (files.npz) {
            result.gradients = fromArchive(*files.npz, rows, cols, paramCols);
            return result;
        }
        StudentGradients student;
        student.dx = fromFile(files.dx, "dx", rows, cols, paramCols, textDtype, student.dxFloat32);
        if (const auto m = fromFile(files.dgamma, "dgamma", rows, cols, paramCols, textDtype,
                                    student.dgammaFloat32))
            student.dgamma = *m;
        if (const auto m = fromFile(files.dbeta, "dbeta", rows, cols, paramCols, textDtype,
                                    student.dbetaFloat32))
            student.dbeta = *m;
        result.gradients = std::move(student);
    } catch (const Failed& failed) {
        result.problem = failed.problem;
    }
    return result;
}

}  // namespace bnflow
