#include "fuzz_checks.h"

#include <core/math/analysis.h>
#include <core/math/family.h>
#include <core/net/depth_run.h>
#include <core/io/array_file.h>
#include <core/io/csv.h>
#include <core/io/exercise_json.h>
#include <core/io/json_document.h>
#include <core/io/network_files.h>
#include <core/io/network_json.h>
#include <core/io/session_json.h>
#include <core/io/session_npz.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <tuple>
#include <string_view>

namespace bnflow::fuzz {
namespace {

[[noreturn]] void finding(const char* what)
{
    std::fprintf(stderr, "fuzz finding: %s\n", what);
    std::abort();
}

void require(bool condition, const char* what)
{
    if (!condition)
        finding(what);
}

bool sameBits(const Matrix& a, const Matrix& b)
{
    return a.rows() == b.rows() && a.cols() == b.cols() && (a.array() == b.array()).all();
}

void checkArray(const NdArrayLoad& load)
{
    if (!load.ok()) {
        require(!load.problem.what.empty() &&
                    formatProblem(load.problem).find('\n') == std::string::npos,
                "empty or multi-line array message");
        return;
    }
    const NdArray& a = *load.array;
    // At most 3 dimensions: (N, C, L) is read as N rows of C * L.
    require(a.shape.size() <= 3, "more than 3 dimensions accepted");
    const Eigen::Index rows = a.shape.size() >= 2 ? a.shape[0] : 1;
    const Eigen::Index cols = a.shape.empty()      ? 1
                              : a.shape.size() == 3 ? a.shape[1] * a.shape[2]
                                                    : a.shape.back();
    require(a.values.rows() == rows && a.values.cols() == cols, "values do not have the shape");
}

}  // namespace

void checkSession(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const SessionLoad load = parseSession(text);
    require(load.ok() == load.problems.empty(), "ok() and problems disagree");
    for (const Problem& p : load.problems)
        require(!p.what.empty() && formatProblem(p).find('\n') == std::string::npos, "empty or multi-line message");
    if (!load.ok())
        return;
    const Session& s = *load.session;
    require(s.validate().empty(), "accepted session does not validate");
    const SessionLoad back = parseSession(writeSession(s));
    require(back.ok(), "written session does not parse back");
    require(sameBits(back.session->x, s.x) && sameBits(back.session->dout, s.dout) &&
                sameBits(back.session->gamma, s.gamma) && sameBits(back.session->beta, s.beta) &&
                back.session->eps == s.eps,
            "round trip changed a number");
    if (s.x.size() > 4096)
        return;  // keep each run fast; the math is the same for larger inputs
    const AnalysisResult result = analyze(s);
    require(result.ok() == result.problems.empty(), "analysis ok() and problems disagree");
    if (result.ok()) {
        const Analysis& a = *result.analysis;
        require(a.forward.y.allFinite() && a.staged.dx.allFinite() && a.fused.grads.dx.allFinite() &&
                    a.staged.dgamma.allFinite() && a.staged.dbeta.allFinite() && std::isfinite(a.maxAbsDiffDx),
                "accepted analysis has a non-finite value");
    }
    // Every layer (spatial ones included) through the family's path.
    const FamilyResult family = analyzeFamily(s);
    require(family.ok() == family.problems.empty(), "family ok() and problems disagree");
    if (family.ok()) {
        const FamilyAnalysis& f = *family.analysis;
        require(f.forward.y.allFinite() && f.staged.dx.allFinite() && f.fused.dx.allFinite() &&
                    f.staged.dgamma.size() == s.gamma.size() && f.staged.dgamma.allFinite() &&
                    f.staged.dbeta.allFinite(),
                "accepted family analysis has a non-finite value or a wrong shape");
    }
}

void checkTable(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const TableLimits limits{256, 32};
    const TableParse parsed = parseTable(text, limits);
    require(parsed.ok() == parsed.problem.what.empty(), "table ok() and problem disagree");
    if (!parsed.ok()) {
        require(formatProblem(parsed.problem).find('\n') == std::string::npos, "multi-line message");
        return;
    }
    const Matrix& m = *parsed.table;
    require(m.rows() >= 1 && m.cols() >= 1 && m.rows() <= limits.maxRows && m.cols() <= limits.maxCols,
            "table outside the limits");
    require(m.allFinite(), "table has a non-finite number");
    const TableParse back = parseTable(formatTable(m), limits);
    require(back.ok() && sameBits(*back.table, m), "formatTable does not parse back exactly");
}

void checkNpy(const std::uint8_t* data, std::size_t size)
{
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    checkArray(parseNpy(bytes));
    if (!bytes.empty() && bytes.front() == '[')
        checkArray(parseArrayFile(bytes, "fuzz.json"));
    const NpzRead npz = readNpz(bytes);
    require(npz.ok() == npz.problem.what.empty(), "npz ok() and problem disagree");
    require(formatProblem(npz.problem).find('\n') == std::string::npos, "multi-line npz message");
    for (const auto& [name, member] : npz.members)
        checkArray(parseNpy(member));
    if (npz.ok()) {
        const SessionLoad load = parseSessionNpz(bytes);
        require(load.ok() == load.problems.empty(), "session npz ok() and problems disagree");
        if (load.ok())
            require(load.session->validate().empty(), "accepted npz session does not validate");
    }
}

void checkExercise(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    Problems problems;
    std::optional<JsonDocument> doc = parseJsonDocument(text, problems, {16, 1u << 16});
    if (!doc)
        return;  // the JSON reader itself is fuzzed through checkSession
    const SessionShape shape{4, 3};
    const std::optional<Exercise> e = readExercise(*doc, shape, problems);
    dismantle(*doc);
    require(e.has_value() == problems.empty(), "exercise and problems disagree");
    require(problems.size() <= 10, "more than 10 problems reported");
    for (const Problem& p : problems)
        require(!p.what.empty() && formatProblem(p).find('\n') == std::string::npos &&
                    formatProblem(p).size() < 1000,
                "empty, multi-line or overlong exercise message");
    if (!e)
        return;
    std::set<std::string> quantities;
    for (const HiddenQuantity& h : e->hidden) {
        require(quantities.insert(h.quantity).second, "a quantity hidden twice");
        std::set<std::pair<Eigen::Index, Eigen::Index>> cells;
        for (const Cell& c : h.cells) {
            require(c.row >= 0 && c.row < shape.samples && c.col >= 0 && c.col < shape.features,
                    "a hidden cell outside the session");
            require(cells.insert({c.row, c.col}).second, "a hidden cell kept twice");
        }
    }
    std::set<std::tuple<std::string, Eigen::Index, Eigen::Index>> predicted;
    for (const Prediction& p : e->predictions) {
        require(std::isfinite(p.value), "a non-finite prediction accepted");
        require(predicted.insert({p.quantity, p.cell.row, p.cell.col}).second, "a cell predicted twice");
    }
    const std::string written = writeExercise(*e, shape.samples, shape.features);
    Problems again;
    std::optional<JsonDocument> back = parseJsonDocument(written, again, {16, SIZE_MAX});
    require(back.has_value(), "a written exercise is not JSON");
    const std::optional<Exercise> reread = readExercise(*back, shape, again);
    dismantle(*back);
    require(reread.has_value() && *reread == *e, "a written exercise reads back differently");
}

void checkNetwork(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const NetworkFileLoad load = parseNetworkFile(text);
    require(load.ok() == load.problems.empty(), "network and problems disagree");
    for (const Problem& p : load.problems)
        require(!p.what.empty() && formatProblem(p).find('\n') == std::string::npos &&
                    formatProblem(p).size() < 1000,
                "empty, multi-line or overlong network message");
    if (!load.ok())
        return;
    const NetworkFile& f = *load.file;
    require(f.layers >= 1 && f.layers <= kMaxNetworkLayers, "layers outside the limits accepted");
    require(f.width >= 1 && f.width <= kMaxNetworkWidth, "width outside the limits accepted");
    require(std::isfinite(f.gain) && std::isfinite(f.lr), "a non-finite gain or lr accepted");
    const SeededData* seeded = std::get_if<SeededData>(&f.data);
    if (!seeded)
        return;  // a data file's name: nothing here to read
    require(seeded->n >= 1 && seeded->inputs >= 1 && seeded->classes >= 1, "an empty dataset accepted");
    const Eigen::Index widest = std::max({f.width, seeded->inputs, seeded->classes});
    if (seeded->n * widest > 4096 || f.layers * f.width * widest > (1 << 16) || f.weights)
        return;  // valid, but too large to run on every fuzz input
    NetworkInputsLoad inputs = buildNetworkInputs(f, nullptr, "", nullptr, "");
    require(inputs.ok() == inputs.problems.empty(), "network inputs and problems disagree");
    if (!inputs.ok())
        return;
    const DepthResult run = runDepth(inputs.inputs->network, inputs.inputs->data, 2, f.lr);
    require(run.ok() == run.problems.empty(), "depth result and problems disagree");
    if (!run.ok())
        return;
    require(std::isfinite(run.report->loss), "a non-finite loss reported");
}

}  // namespace bnflow::fuzz
