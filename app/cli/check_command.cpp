// bnflow-cli check: a student's gradients judged against the session's, the mistake named.
#include "cli.h"

#include <core/teach/check.h>
#include <core/io/json_format.h>
#include <core/io/text_stream.h>
#include <core/teach/student_files.h>

#include <cmath>
#include <sstream>

namespace bnflow::cli {

const CommandSpec kCheckSpec{
    "check", "SESSION (--dx FILE [--dgamma FILE] [--dbeta FILE] | --npz FILE) [--dtype f32|f64]",
    "judge your own dx (--dx FILE or --npz FILE), name the mistake",
    R"(Compares your own gradients with the session's and prints
{"verdict": "correct" | "wrong", "tensors": {"dx": {"status": ..., "max_abs_error": e,
"max_scaled_error": e, "worst": [i, j], "diagnosis": [NAME, ...]}, ...},
"diagnosis": [NAME, ...]}.
The reference is bnflow's most accurate float64 result. The scaled error is the error divided
by the tensor's largest reference magnitude: exact up to 1e-12, close up to 1e-5, wrong beyond;
a non-finite entry is wrong and its errors print as null. A float32 answer (an .npy of dtype
float32, or text files with --dtype f32) is close up to max(1e-5, 4 * e32), e32 being the scaled
error of bnflow's own float32 computation of the session (the staged formulas in float32) for
that tensor; such a tensor reports "reference": "float32" (else "float64"), and the top-level
"reference" is float32 if any tensor was. Each wrong tensor's diagnosis names every known mistake of the
session's layer (doc/derivation.md, "Mistakes per layer": the ten of batch norm, wrong_axis,
missing_division_by_D) whose value of that tensor is yours; the top-level list is their union. One
number where dgamma or dbeta has D (a 0-d array from np.sum without axis) is that number for
every feature, judged, not refused.
SESSION - reads standard input.

Exit status: 0 correct, 3 wrong, 2 bad input or usage, 1 anything else.
)",
    {{"dtype", "T", "f64 (default) or f32: the precision your .csv, .tsv or .json numbers were\n"
                    "computed in (an .npy says its own)"},
     {"dx", "FILE", "dx, N x D: .npy (float32/float64), .csv, .tsv or .json"},
     {"dgamma", "FILE", "dgamma, D or 1 x D"},
     {"dbeta", "FILE", "dbeta, D or 1 x D"},
     {"npz", "FILE", "the arrays dx, dgamma, dbeta (any subset) of one np.savez archive"}}};

namespace {

// A number that every JSON reader reads as floating point ("0.0", not "0"), or null for an
// error that is not finite (JSON has no infinity).
std::string errorNumber(double value)
{
    return std::isfinite(value) ? json::number(value) : "null";
}

// ["mean_path_missing", ...]
std::string names(const std::vector<const Mistake*>& mistakes)
{
    std::string out = "[";
    for (std::size_t k = 0; k < mistakes.size(); ++k)
        out += (k > 0 ? ", " : "") + json::string(mistakes[k]->name);
    return out + "]";
}

std::string checkJson(const CheckResult& result)
{
    TextStream out;
    out << "{\n  \"verdict\": \"" << (result.correct ? "correct" : "wrong") << "\",\n";
    out << "  \"tensors\": {";
    for (std::size_t k = 0; k < result.tensors.size(); ++k) {
        const TensorVerdict& t = result.tensors[k];
        out << (k > 0 ? "," : "") << "\n    " << json::string(t.name) << ": {\"status\": \""
            << statusName(t.status) << "\", \"max_abs_error\": " << errorNumber(t.maxAbsError)
            << ", \"max_scaled_error\": " << errorNumber(t.maxScaledError) << ", \"reference\": \""
            << (t.float32 ? "float32" : "float64") << "\", \"worst\": ["
            << t.worstRow << ", " << t.worstCol << "], \"diagnosis\": " << names(t.diagnosis) << "}";
    }
    out << "\n  },\n  \"diagnosis\": " << names(result.diagnosis) << ",\n  \"reference\": \""
        << (result.float32 ? "float32" : "float64") << "\"\n}\n";
    return out.str();
}

Output runCheck(const Session& session, const StudentFiles& files, const std::string& path,
                Dtype textDtype)
{
    const StudentLoad student = loadStudentFiles(files, session.samples(), session.features(),
                                                session.norm.affineSize(session.features()), textDtype);
    if (!student.ok())
        throw BadInput{formatProblem(student.problem)};
    const CheckOutcome outcome = checkGradients(session, *student.gradients);
    if (!outcome.ok())
        throw BadInput{path + ": " + formatProblem(outcome.problems.front())};
    return {checkJson(*outcome.result), outcome.result->correct ? kSuccess : kWrongGradient};
}

}  // namespace

Output checkCommand(const ParsedArgs& parsed)
{
    const StudentFiles files{parsed.value("--dx"), parsed.value("--dgamma"),
                             parsed.value("--dbeta"), parsed.value("--npz")};
    if (files.npz && (files.dx || files.dgamma || files.dbeta))
        throw UsageError{"--npz cannot be combined with --dx, --dgamma or --dbeta"};
    if (!files.npz && !files.dx)
        throw UsageError{"missing --dx FILE (or --npz FILE)"};
    const std::string dtype = parsed.value("--dtype").value_or("f64");
    if (dtype != "f64" && dtype != "f32")
        throw UsageError{"--dtype expects f32 or f64, got '" + clipped(dtype) + "'"};
    // Every layer: checkGradients computes the session's own reference and names its problems.
    const LoadedSession loaded = loadSessionArgument(parsed);
    return runCheck(loaded.session, files, loaded.name, dtype == "f32" ? Dtype::F32 : Dtype::F64);
}

}  // namespace bnflow::cli
