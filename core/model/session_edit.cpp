#include <core/model/session_edit.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace bnflow {
namespace {

using Index = Eigen::Index;

std::optional<Session> fail(std::string* error, std::string message)
{
    if (error)
        *error = std::move(message);
    return std::nullopt;
}

std::string count(Index n, const char* noun)
{
    return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

// One dimension of the batch, for the messages and range checks of a shape edit.
struct Axis {
    const char* noun;  // "sample" or "feature"
    Index size;        // how many the batch has
    Index max;         // how many the editor accepts
};

std::string checkInsert(const Axis& axis, Index at, Index n)
{
    if (at < 0 || at > axis.size)
        return "cannot insert at " + std::string(axis.noun) + " " + std::to_string(at) +
               ": expected a position from 0 to " + std::to_string(axis.size) + " (the batch has " +
               count(axis.size, axis.noun) + ")";
    if (n < 1)
        return "cannot insert " + count(n, axis.noun) + ": expected a count of at least 1";
    if (n > axis.max)
        return "cannot insert " + count(n, axis.noun) + ": at most " + count(axis.max, axis.noun) +
               " fit";
    return {};
}

std::string checkRemove(const Axis& axis, Index at, Index n)
{
    if (n < 1)
        return "cannot remove " + count(n, axis.noun) + ": expected a count of at least 1";
    if (at < 0 || at >= axis.size || n > axis.size - at)
        return "cannot remove " + count(n, axis.noun) + " from " + axis.noun + " " +
               std::to_string(at) + ": the batch has " + count(axis.size, axis.noun) +
               ", numbered from 0";
    if (n == axis.size)
        return "cannot remove all " + count(n, axis.noun) + ": a batch needs at least 1 " +
               axis.noun;
    return {};
}

// An edit must never read past a buffer, so the session's own shapes are checked first.
std::string checkShapes(const Session& s)
{
    const Index d = s.features();
    const Index affine = s.norm.affineSize(d);
    if (s.gamma.size() != affine || s.beta.size() != affine)
        return "gamma and beta have " + std::to_string(s.gamma.size()) + " and " +
               std::to_string(s.beta.size()) + " numbers; expected " +
               affineCountText(s.norm, d) + ", before editing";
    if (s.dout.rows() != s.samples() || s.dout.cols() != d)
        return "dout is not the shape of x; expected " + std::to_string(s.samples()) + " x " +
               std::to_string(d) + " before editing";
    return {};
}

template <typename M>
M insertedRows(const M& m, Index at, Index n, double fill)
{
    M out(m.rows() + n, m.cols());
    out.topRows(at) = m.topRows(at);
    out.middleRows(at, n).setConstant(fill);
    out.bottomRows(m.rows() - at) = m.bottomRows(m.rows() - at);
    return out;
}

template <typename M>
M removedRows(const M& m, Index at, Index n)
{
    M out(m.rows() - n, m.cols());
    out.topRows(at) = m.topRows(at);
    out.bottomRows(m.rows() - at - n) = m.bottomRows(m.rows() - at - n);
    return out;
}

template <typename M>
M insertedCols(const M& m, Index at, Index n, double fill)
{
    M out(m.rows(), m.cols() + n);
    out.leftCols(at) = m.leftCols(at);
    out.middleCols(at, n).setConstant(fill);
    out.rightCols(m.cols() - at) = m.rightCols(m.cols() - at);
    return out;
}

template <typename M>
M removedCols(const M& m, Index at, Index n)
{
    M out(m.rows(), m.cols() - n);
    out.leftCols(at) = m.leftCols(at);
    out.rightCols(m.cols() - at - n) = m.rightCols(m.cols() - at - n);
    return out;
}

// A spatial session's D is C x L; an edit that changes D would leave gamma without its channels.
std::string checkSpatialWidth(const Session& s, Index cols)
{
    if (!s.norm.channels || cols == s.features())
        return {};
    return "a spatial session (\"channels\": " + std::to_string(*s.norm.channels) + ") keeps its " +
           std::to_string(s.features()) + " features, C x L; set channels to none (Layer panel) "
           "before changing D";
}

// m's top-left corner in a rows x cols matrix; the cells it does not cover get fill.
template <typename M>
M resizedCopy(const M& m, Index rows, Index cols, double fill)
{
    M out = M::Constant(rows, cols, fill);
    const Index keepRows = std::min(rows, m.rows());
    const Index keepCols = std::min(cols, m.cols());
    out.topLeftCorner(keepRows, keepCols) = m.topLeftCorner(keepRows, keepCols);
    return out;
}

// A seeded dout is drawn again for the shape of x; a typed one was already edited like x.
Session withSeededDoutRedrawn(Session s)
{
    if (s.doutSeed)
        s.dout = standardNormalMatrix(s.samples(), s.features(), *s.doutSeed);
    return s;
}

// s at a new shape: x keeps its top-left corner and gets 0, gamma 1, beta 0, dout follows x.
// A spatial session keeps its D (checkSpatialWidth), and with it its per-channel rows.
Session resizedSession(Session s, Index rows, Index cols)
{
    s.x = resizedCopy(s.x, rows, cols, 0.0);
    s.dout = resizedCopy(s.dout, rows, cols, 0.0);
    if (s.norm.channels)
        return withSeededDoutRedrawn(std::move(s));
    s.gamma = resizedCopy(s.gamma, 1, cols, 1.0);
    s.beta = resizedCopy(s.beta, 1, cols, 0.0);
    // Running statistics follow the features, new ones at PyTorch's initial 0 and 1.
    if (s.norm.runningMean)
        s.norm.runningMean = resizedCopy(*s.norm.runningMean, 1, cols, 0.0);
    if (s.norm.runningVar)
        s.norm.runningVar = resizedCopy(*s.norm.runningVar, 1, cols, 1.0);
    return withSeededDoutRedrawn(std::move(s));
}

std::string firstNonFinite(const Matrix& block)
{
    for (Index i = 0; i < block.rows(); ++i)
        for (Index j = 0; j < block.cols(); ++j)
            if (!std::isfinite(block(i, j)))
                return "block[" + std::to_string(i) + "][" + std::to_string(j) + "]";
    return {};
}

std::string checkPaste(const Session& s, Which which, Index row, Index col, const Matrix& block)
{
    const std::string name = which == Which::X ? "x" : "dout";
    if (block.size() == 0)
        return "the block to paste is empty; expected at least one number";
    if (row < 0 || row > s.samples() || col < 0 || col > s.features())
        return "cannot paste at " + name + "[" + std::to_string(row) + "][" +
               std::to_string(col) + "]: expected a cell of the " + std::to_string(s.samples()) +
               " x " + std::to_string(s.features()) + " batch or one just past its edge";
    if (const std::string where = firstNonFinite(block); !where.empty())
        return where + " is not a finite number; expected only finite numbers in " + name;
    return checkEditableShape(std::max(s.samples(), row + block.rows()),
                              std::max(s.features(), col + block.cols()));
}

}  // namespace

std::string checkEditableShape(Index samples, Index features)
{
    const std::string shape = std::to_string(samples) + " x " + std::to_string(features);
    if (samples < 1 || features < 1)
        return shape + " is empty: a batch needs at least 1 sample and 1 feature";
    if (samples > kMaxEditSamples || features > kMaxEditFeatures)
        return shape + " is too large to edit: at most " + std::to_string(kMaxEditSamples) +
               " samples and " + std::to_string(kMaxEditFeatures) + " features";
    return {};
}

std::optional<Session> insertSamples(const Session& s, Index at, Index count, std::string* error)
{
    std::string problem = checkShapes(s);
    if (problem.empty())
        problem = checkInsert({"sample", s.samples(), kMaxEditSamples}, at, count);
    if (problem.empty())
        problem = checkEditableShape(s.samples() + count, s.features());
    if (!problem.empty())
        return fail(error, std::move(problem));
    Session out = s;
    out.x = insertedRows(s.x, at, count, 0.0);
    out.dout = insertedRows(s.dout, at, count, 0.0);
    return withSeededDoutRedrawn(std::move(out));
}

std::optional<Session> removeSamples(const Session& s, Index at, Index count, std::string* error)
{
    std::string problem = checkShapes(s);
    if (problem.empty())
        problem = checkRemove({"sample", s.samples(), kMaxEditSamples}, at, count);
    if (problem.empty())
        problem = checkEditableShape(s.samples() - count, s.features());
    if (!problem.empty())
        return fail(error, std::move(problem));
    Session out = s;
    out.x = removedRows(s.x, at, count);
    out.dout = removedRows(s.dout, at, count);
    return withSeededDoutRedrawn(std::move(out));
}

std::optional<Session> insertFeatures(const Session& s, Index at, Index count, std::string* error)
{
    std::string problem = checkShapes(s);
    if (problem.empty())
        problem = checkInsert({"feature", s.features(), kMaxEditFeatures}, at, count);
    if (problem.empty())
        problem = checkEditableShape(s.samples(), s.features() + count);
    if (problem.empty())
        problem = checkSpatialWidth(s, s.features() + count);
    if (!problem.empty())
        return fail(error, std::move(problem));
    Session out = s;
    out.x = insertedCols(s.x, at, count, 0.0);
    out.gamma = insertedCols(s.gamma, at, count, 1.0);
    out.beta = insertedCols(s.beta, at, count, 0.0);
    out.dout = insertedCols(s.dout, at, count, 0.0);
    if (s.norm.runningMean)  // running statistics follow the features (PyTorch's initial 0, 1)
        out.norm.runningMean = insertedCols(*s.norm.runningMean, at, count, 0.0);
    if (s.norm.runningVar)
        out.norm.runningVar = insertedCols(*s.norm.runningVar, at, count, 1.0);
    return withSeededDoutRedrawn(std::move(out));
}

std::optional<Session> removeFeatures(const Session& s, Index at, Index count, std::string* error)
{
    std::string problem = checkShapes(s);
    if (problem.empty())
        problem = checkRemove({"feature", s.features(), kMaxEditFeatures}, at, count);
    if (problem.empty())
        problem = checkEditableShape(s.samples(), s.features() - count);
    if (problem.empty())
        problem = checkSpatialWidth(s, s.features() - count);
    if (!problem.empty())
        return fail(error, std::move(problem));
    Session out = s;
    out.x = removedCols(s.x, at, count);
    out.gamma = removedCols(s.gamma, at, count);
    out.beta = removedCols(s.beta, at, count);
    out.dout = removedCols(s.dout, at, count);
    if (s.norm.runningMean)
        out.norm.runningMean = removedCols(*s.norm.runningMean, at, count);
    if (s.norm.runningVar)
        out.norm.runningVar = removedCols(*s.norm.runningVar, at, count);
    return withSeededDoutRedrawn(std::move(out));
}

std::optional<Session> replaceBatch(const Session& s, const Matrix& batch, std::string* error)
{
    std::string problem = checkShapes(s);
    if (problem.empty())
        problem = checkEditableShape(batch.rows(), batch.cols());
    if (problem.empty())
        problem = checkSpatialWidth(s, batch.cols());
    if (!problem.empty())
        return fail(error, std::move(problem));
    Session out = resizedSession(s, batch.rows(), batch.cols());
    out.x = batch;
    return out;
}

std::optional<Session> pasteBlock(const Session& s, Which which, Index row, Index col,
                                  const Matrix& block, std::string* error)
{
    std::string problem = checkShapes(s);
    if (problem.empty())
        problem = checkPaste(s, which, row, col, block);
    if (problem.empty())
        problem = checkSpatialWidth(s, std::max(s.features(), col + block.cols()));
    if (!problem.empty())
        return fail(error, std::move(problem));
    Session base = s;
    if (which == Which::Dout)
        base.doutSeed.reset();  // typed from now on: growing pads it rather than redrawing it
    Session out = resizedSession(std::move(base), std::max(s.samples(), row + block.rows()),
                                 std::max(s.features(), col + block.cols()));
    Matrix& target = which == Which::X ? out.x : out.dout;
    target.block(row, col, block.rows(), block.cols()) = block;
    return out;
}

namespace {
constexpr std::uint64_t kBatchStream = 0x9E3779B97F4A7C15;  // 2^64 / golden ratio
}  // namespace

Session randomizeBatch(const Session& s, Distribution distribution, std::uint64_t seed)
{
    // x draws from its own stream, so that x and a seeded dout never coincide for equal seeds.
    seed ^= kBatchStream;
    Session out = s;
    const Index n = s.samples();
    const Index d = s.features();
    switch (distribution) {
    case Distribution::StandardNormal:
        out.x = standardNormalMatrix(n, d, seed);
        break;
    case Distribution::Uniform:
        out.x = uniformMatrix(n, d, seed);
        break;
    case Distribution::Cs231nOffset:
        out.x = (5.0 * standardNormalMatrix(n, d, seed).array() + 12.0).matrix();
        break;
    }
    return out;
}

Session doutFromSeed(const Session& s, std::uint64_t seed)
{
    Session out = s;
    out.doutSeed = seed;
    return withSeededDoutRedrawn(std::move(out));
}

Session doutAllOnes(const Session& s)
{
    Session out = s;
    out.dout = Matrix::Ones(s.samples(), s.features());
    out.doutSeed.reset();
    return out;
}

Session doutOneHot(const Session& s, Index row, Index col)
{
    Session out = s;
    out.dout = Matrix::Zero(s.samples(), s.features());
    if (s.samples() > 0 && s.features() > 0)
        out.dout(std::clamp<Index>(row, 0, s.samples() - 1),
                 std::clamp<Index>(col, 0, s.features() - 1)) = 1.0;
    out.doutSeed.reset();
    return out;
}

Session doutFromHalfSquareLoss(const Session& s, const Matrix& y)
{
    Session out = s;
    out.dout = y;  // dL/dy of L = sum(y^2) / 2
    out.doutSeed.reset();
    return out;
}

Matrix uniformMatrix(Index rows, Index cols, std::uint64_t seed)
{
    std::mt19937_64 engine(seed);
    Matrix m(rows, cols);
    for (Index i = 0; i < rows; ++i)
        for (Index j = 0; j < cols; ++j)  // k / 2^52 - 1 for a 53-bit k: exact, in [-1, 1)
            m(i, j) = static_cast<double>(engine() >> 11) * 0x1.0p-52 - 1.0;
    return m;
}

namespace {

// A per-channel row for another channel count of the same D features: each feature keeps the
// value its channel had, and a new channel takes its first feature's.
RowVector regrouped(const RowVector& v, Index features, Index fromPositions, Index toPositions)
{
    RowVector out(features / toPositions);
    for (Index c = 0; c < out.size(); ++c)
        out[c] = v[c * toPositions / fromPositions];
    return out;
}

}  // namespace

Session withNorm(const Session& s, const NormConfig& norm)
{
    Session out = s;
    out.norm = norm;
    const Index d = s.features();
    const Index from = s.norm.positions(d), to = norm.positions(d);
    if (from == to || s.gamma.size() != s.norm.affineSize(d) || s.beta.size() != s.gamma.size())
        return out;
    out.gamma = regrouped(s.gamma, d, from, to);
    out.beta = regrouped(s.beta, d, from, to);
    if (norm.runningMean && norm.runningMean->size() == s.gamma.size())
        out.norm.runningMean = regrouped(*norm.runningMean, d, from, to);
    if (norm.runningVar && norm.runningVar->size() == s.gamma.size())
        out.norm.runningVar = regrouped(*norm.runningVar, d, from, to);
    return out;
}

}  // namespace bnflow
