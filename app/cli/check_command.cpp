// bnflow-cli check: a student's gradients judged against the session's, the mistake named.
#include "cli.h"
#include "options.h"

#include <array_file.h>
#include <check.h>
#include <json_format.h>

#include <cmath>
#include <sstream>

namespace bnflow::cli {

const char* const kCheckHelp = R"(Usage: bnflow-cli check SESSION (--dx FILE [--dgamma FILE] [--dbeta FILE] | --npz FILE)

Compares your own gradients with the session's and prints
{"verdict": "correct" | "wrong", "tensors": {"dx": {"status": ..., "max_abs_error": e,
"max_scaled_error": e, "worst": [i, j]}, ...}, "diagnosis": [NAME, ...]}.
The scaled error is the error divided by the tensor's largest reference magnitude: exact up to
1e-12, close up to 1e-5 (float32 rounding), wrong beyond; a non-finite entry is wrong and its
errors print as null. The diagnosis names every known mistake whose result matches yours.

Options:
  --dx FILE      dx, N x D: .npy (float32/float64), .csv, .tsv or .json
  --dgamma FILE  dgamma, D or 1 x D
  --dbeta FILE   dbeta, D or 1 x D
  --npz FILE     the arrays dx, dgamma, dbeta (any subset) of one np.savez archive

Exit status: 0 correct, 3 wrong, 2 bad input or usage, 1 anything else.
)";

namespace {

// Where the student's tensors are: files, or the members of one archive.
struct StudentFiles {
    std::optional<std::string> dx, dgamma, dbeta, npz;
};

BadInput badFile(const std::string& path, const Problem& problem)
{
    return BadInput{path + ": " + formatProblem(problem)};
}

// The array as the tensor `name` of shape rows x cols (a vector for dgamma and dbeta).
Matrix fitted(const NdArray& array, const std::string& source, const char* name, Eigen::Index rows,
              Eigen::Index cols)
{
    std::string what;
    const bool vector = std::string_view(name) != "dx";
    std::optional<Matrix> m = arrayAsMatrix(array, vector ? 1 : rows, cols, vector, what);
    if (!m)
        throw BadInput{source + ": " + oneLine(what) + " for " + name + " of this session"};
    return std::move(*m);
}

StudentGradients fromArchive(const std::string& path, Eigen::Index rows, Eigen::Index cols)
{
    Problem problem;
    const std::optional<std::string> bytes = readFileBytes(path, kMaxArrayFileBytes, problem);
    if (!bytes)
        throw badFile(path, problem);
    const NpzRead npz = readNpz(*bytes);
    if (!npz.ok())
        throw badFile(path, npz.problem);
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
            throw badFile(source, load.problem);
        const Matrix m = fitted(*load.array, source, name.c_str(), rows, cols);
        if (vector)
            *vector = m;
        else
            student.dx = m;
    }
    if (!student.dx && !student.dgamma && !student.dbeta)
        throw BadInput{path + ": holds none of dx, dgamma, dbeta; expected np.savez(FILE, "
                              "dx=dx, dgamma=dgamma, dbeta=dbeta)"};
    return student;
}

StudentGradients loadStudent(const StudentFiles& files, Eigen::Index rows, Eigen::Index cols)
{
    if (files.npz)
        return fromArchive(*files.npz, rows, cols);
    StudentGradients student;
    const auto load = [&](const std::optional<std::string>& path, const char* name) {
        std::optional<Matrix> m;
        if (path) {
            const NdArrayLoad array = loadArrayFile(*path);
            if (!array.ok())
                throw badFile(*path, array.problem);
            m = fitted(*array.array, *path, name, rows, cols);
        }
        return m;
    };
    student.dx = load(files.dx, "dx");
    if (const auto m = load(files.dgamma, "dgamma"))
        student.dgamma = *m;
    if (const auto m = load(files.dbeta, "dbeta"))
        student.dbeta = *m;
    return student;
}

// A number, or null for an error that is not finite (JSON has no infinity).
std::string errorNumber(double value)
{
    return std::isfinite(value) ? json::number(value) : "null";
}

std::string checkJson(const CheckResult& result)
{
    std::ostringstream out;
    out << "{\n  \"verdict\": \"" << (result.correct ? "correct" : "wrong") << "\",\n";
    out << "  \"tensors\": {";
    for (std::size_t k = 0; k < result.tensors.size(); ++k) {
        const TensorVerdict& t = result.tensors[k];
        out << (k > 0 ? "," : "") << "\n    " << json::string(t.name) << ": {\"status\": \""
            << statusName(t.status) << "\", \"max_abs_error\": " << errorNumber(t.maxAbsError)
            << ", \"max_scaled_error\": " << errorNumber(t.maxScaledError) << ", \"worst\": ["
            << t.worstRow << ", " << t.worstCol << "]}";
    }
    out << "\n  },\n  \"diagnosis\": [";
    for (std::size_t k = 0; k < result.diagnosis.size(); ++k)
        out << (k > 0 ? ", " : "") << json::string(result.diagnosis[k]->name);
    out << "]\n}\n";
    return out.str();
}

CommandResult runCheck(const Session& session, const StudentFiles& files, const std::string& path)
{
    const StudentGradients student = loadStudent(files, session.samples(), session.features());
    const CheckOutcome outcome = checkGradients(session, student);
    if (!outcome.ok())
        throw BadInput{path + ": " + formatProblem(outcome.problems.front())};
    return {checkJson(*outcome.result), outcome.result->correct ? kSuccess : kWrongGradient};
}

}  // namespace

CommandResult checkCommand(const std::vector<std::string>& args)
{
    const ParsedArgs parsed = parseArgs(args, {{"--dx", "--dgamma", "--dbeta", "--npz"}, {}});
    const StudentFiles files{parsed.value("--dx"), parsed.value("--dgamma"),
                             parsed.value("--dbeta"), parsed.value("--npz")};
    if (files.npz && (files.dx || files.dgamma || files.dbeta))
        throw UsageError{"--npz cannot be combined with --dx, --dgamma or --dbeta"};
    if (!files.npz && !files.dx)
        throw UsageError{"missing --dx FILE (or --npz FILE)"};
    const Loaded loaded = loadAndAnalyze(parsed);
    return runCheck(loaded.session, files, parsed.positional.front());
}

}  // namespace bnflow::cli
