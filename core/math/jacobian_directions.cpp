#include <core/math/jacobian_directions.h>

#include <Eigen/Eigenvalues>

#include <cmath>

namespace bnflow {

using Index = Eigen::Index;

std::vector<NamedEigenvalue> namedEigenvalues(const LayerJacobian& jacobian, const NormConfig& norm)
{
    std::vector<NamedEigenvalue> named;
    const Index m = jacobian.set.size();
    if (m == 0 || norm.isEval())
        return named;
    std::vector<std::pair<std::string, Eigen::VectorXd>> directions;
    if (norm.layerOrDefault() != Layer::RmsNorm)
        directions.emplace_back("1", Eigen::VectorXd::Ones(m));
    if (jacobian.xhat.size() == m && jacobian.xhat.norm() > 0)
        directions.emplace_back("xhat", jacobian.xhat);

    // The eigenvectors of S^1/2 diag(gamma) S^1/2, built as jacobian.cpp builds its eigenvalues.
    const Eigen::SelfAdjointEigenSolver<Matrix> ofS(jacobian.symmetric);
    const Eigen::VectorXd roots = ofS.eigenvalues().cwiseMax(0.0).cwiseSqrt();
    const Matrix root = ofS.eigenvectors() * roots.asDiagonal() * ofS.eigenvectors().transpose();
    Matrix product = root * jacobian.gamma.asDiagonal() * root;
    product = (0.5 * (product + product.transpose())).eval();
    const Eigen::SelfAdjointEigenSolver<Matrix> solver(product);
    const Matrix& vectors = solver.eigenvectors();  // unit columns, ascending eigenvalues

    std::vector<bool> taken(std::size_t(m), false);
    for (const auto& [name, direction] : directions) {
        const Eigen::VectorXd overlaps = (vectors.transpose() * direction.normalized()).cwiseAbs();
        Index best = -1;
        for (Index k = 0; k < m; ++k)
            if (!taken[std::size_t(k)] && (best < 0 || overlaps[k] > overlaps[best]))
                best = k;
        if (best < 0)
            break;
        taken[std::size_t(best)] = true;
        const double value = best < jacobian.eigenvalues.size() ? jacobian.eigenvalues[best]
                                                                : solver.eigenvalues()[best];
        named.push_back({name, best, value, std::min(1.0, overlaps[best])});
    }
    return named;
}

}  // namespace bnflow
