#include <core/math/jacobian.h>

#include <Eigen/Eigenvalues>
#include <Eigen/SVD>

#include <algorithm>
#include <cmath>

namespace bnflow {

using Index = Eigen::Index;

JacobianSet jacobianSet(const Session& session, const Reduction& r, Index feature, Index sample)
{
    JacobianSet set;
    const auto column = [&] {
        for (Index i = 0; i < r.samples; ++i)
            set.cells.emplace_back(i, feature);
        set.name = "feature " + std::to_string(feature);
    };
    switch (r.layer) {
    case Layer::BatchNorm:
        if (r.eval || !session.norm.channels) {
            // Eval: each y depends on its own x only; the column keeps the matrix N x N.
            column();
        } else {
            const Index channel = r.channelOf(feature);
            set.cells = r.setCells(0, channel);  // row by row: sample-major
            set.name = "channel " + std::to_string(channel);
        }
        break;
    case Layer::LayerNorm:
    case Layer::RmsNorm:
        set.cells = r.setCells(sample, 0);
        set.name = "sample " + std::to_string(sample);
        break;
    case Layer::GroupNorm: {
        const Index group = r.statCol(feature);
        set.cells = r.setCells(sample, group);
        set.name = "sample " + std::to_string(sample) + ", group " + std::to_string(group);
        break;
    }
    }
    return set;
}

namespace {

// The eigenvalues of diag(gamma) S, S symmetric positive semidefinite: those of the symmetric
// S^1/2 diag(gamma) S^1/2 (AB and BA have the same eigenvalues, with A = S^1/2, B = diag(gamma)
// S^1/2), ascending. S's eigenvalues that rounding made slightly negative count as 0.
Eigen::VectorXd realEigenvalues(const Matrix& s, const Eigen::VectorXd& gamma)
{
    const Eigen::SelfAdjointEigenSolver<Matrix> ofS(s);
    const Eigen::VectorXd roots = ofS.eigenvalues().cwiseMax(0.0).cwiseSqrt();
    const Matrix& v = ofS.eigenvectors();
    const Matrix root = v * roots.asDiagonal() * v.transpose();
    Matrix product = root * gamma.asDiagonal() * root;
    product = (0.5 * (product + product.transpose())).eval();
    const Eigen::SelfAdjointEigenSolver<Matrix> solver(product, Eigen::EigenvaluesOnly);
    return solver.eigenvalues();  // ascending
}

}  // namespace

LayerJacobian jacobianOf(const Reduction& r, const FamilyForward& f, const RowVector& gamma,
                         JacobianSet set)
{
    LayerJacobian jac;
    const Index m = set.size();
    const double md = static_cast<double>(m);
    Eigen::VectorXd xhat(m);
    jac.gamma.resize(m);
    for (Index a = 0; a < m; ++a) {
        const auto [i, j] = set.cells[std::size_t(a)];
        xhat[a] = f.xhat(i, j);
        jac.gamma[a] = gamma[r.channelOf(j)];
    }
    // Every entry of the set shares one statistic (eval: the column's running variance).
    double scale = 0;
    if (m > 0) {
        const auto [i0, j0] = set.cells.front();
        scale = f.inverseRoot()(r.statRow(i0), r.statCol(j0));
    }
    Matrix s(m, m);
    if (r.eval) {
        // y = gamma (x - running_mean) invStd + beta: each y_a depends on x_a alone.
        s = scale * Matrix::Identity(m, m);
    } else if (r.layer == Layer::RmsNorm) {
        // xhat_a = x_a rrms, d rrms / d x_b = -rrms^3 x_b / D: rrms (delta_ab - xhat_a xhat_b / D).
        for (Index b = 0; b < m; ++b)
            for (Index a = 0; a < m; ++a)
                s(a, b) = scale * ((a == b ? 1.0 : 0.0) - xhat[a] * xhat[b] / md);
    } else {
        // xhat_a = (x_a - mu) invStd: d mu / d x_b = 1/M, d invStd / d x_b = -invStd^3 (x_b - mu) / M,
        // so d xhat_a / d x_b = (invStd / M) (M delta_ab - 1 - xhat_a xhat_b).
        for (Index b = 0; b < m; ++b)
            for (Index a = 0; a < m; ++a)
                s(a, b) = scale / md * ((a == b ? md : 0.0) - 1.0 - xhat[a] * xhat[b]);
    }
    jac.matrix = jac.gamma.asDiagonal() * s;
    jac.xhat = std::move(xhat);
    jac.symmetric = std::move(s);
    jac.set = std::move(set);
    if (m == 0)
        return jac;
    jac.eigenvalues = realEigenvalues(jac.symmetric, jac.gamma);
    const Eigen::BDCSVD<Matrix> svd(jac.matrix);
    jac.singularValues = svd.singularValues();
    const double largest = jac.singularValues.size() ? jac.singularValues[0] : 0.0;
    jac.rank = 0;
    for (Index k = 0; k < jac.singularValues.size(); ++k)
        if (jac.singularValues[k] > 1e-12 * largest)
            ++jac.rank;
    return jac;
}

JacobianResult layerJacobian(const Session& session, Index feature, Index sample)
{
    JacobianResult result;
    result.problems = session.validate();
    if (!result.problems.empty())
        return result;
    const Index n = session.samples(), d = session.features();
    if (feature < 0 || feature >= d)
        result.problems.push_back({"feature", "expected a feature index 0.." + std::to_string(d - 1) +
                                                  " (x has " + std::to_string(d) + " columns), got " +
                                                  std::to_string(feature)});
    if (sample < 0 || sample >= n)
        result.problems.push_back({"sample", "expected a sample index 0.." + std::to_string(n - 1) +
                                                 " (x has " + std::to_string(n) + " rows), got " +
                                                 std::to_string(sample)});
    if (!result.problems.empty())
        return result;
    const Reduction r = Reduction::of(session.norm, n, d);
    JacobianSet set = jacobianSet(session, r, feature, sample);
    if (set.size() > kMaxJacobianSize) {
        result.problems.push_back({set.name, "has M = " + std::to_string(set.size()) +
                                                 " entries; the Jacobian is computed for at most " +
                                                 std::to_string(kMaxJacobianSize)});
        return result;
    }
    // The same refusals as grad (a set of variance 0 with eps = 0, an overflow), before any
    // matrix is built.
    FamilyResult family = analyzeFamily(session);
    if (!family.ok()) {
        result.problems = std::move(family.problems);
        return result;
    }
    LayerJacobian jac = jacobianOf(r, family.analysis->forward, session.gamma, std::move(set));
    if (!jac.matrix.allFinite() || !jac.eigenvalues.allFinite()) {
        result.problems.push_back({jac.set.name, "the Jacobian overflows a double; scale the values"});
        return result;
    }
    result.jacobian = std::move(jac);
    return result;
}

double jacobianIdentityError(const LayerJacobian& jacobian, const Matrix& dout, const Matrix& dx)
{
    const Index m = jacobian.set.size();
    Eigen::VectorXd doutSet(m), dxSet(m);
    for (Index a = 0; a < m; ++a) {
        const auto [i, j] = jacobian.set.cells[std::size_t(a)];
        doutSet[a] = dout(i, j);
        dxSet[a] = dx(i, j);
    }
    if (m == 0)
        return 0.0;
    return (jacobian.matrix.transpose() * doutSet - dxSet).cwiseAbs().maxCoeff();
}

}  // namespace bnflow
