#include <core/model/session.h>

#include <cmath>
#include <numbers>
#include <random>

namespace bnflow {
namespace {

std::string index(std::string_view name, Eigen::Index i)
{
    return std::string(name) + "[" + std::to_string(i) + "]";
}

std::string index(std::string_view name, Eigen::Index i, Eigen::Index j)
{
    return index(name, i) + "[" + std::to_string(j) + "]";
}

void checkFinite(std::string_view name, const Matrix& m, Problems& problems)
{
    for (Eigen::Index i = 0; i < m.rows(); ++i)
        for (Eigen::Index j = 0; j < m.cols(); ++j)
            if (!std::isfinite(m(i, j)))
                problems.push_back({index(name, i, j), "is not a finite number"});
}

void checkFinite(std::string_view name, const RowVector& v, Problems& problems)
{
    for (Eigen::Index j = 0; j < v.size(); ++j)
        if (!std::isfinite(v[j]))
            problems.push_back({index(name, j), "is not a finite number"});
}

std::string shapeText(Eigen::Index rows, Eigen::Index cols)
{
    return std::to_string(rows) + " x " + std::to_string(cols);
}

}  // namespace

Problems Session::validate() const
{
    Problems problems;
    const Eigen::Index n = x.rows();
    const Eigen::Index d = x.cols();
    if (n < 1)
        problems.push_back({"x", "has no rows; expected at least one sample"});
    else if (d < 1)
        problems.push_back({"x", "has empty rows; expected at least one feature per sample"});
    checkFinite("x", x, problems);

    // With an invalid "channels" (reported below) the lengths are not checked: one mistake,
    // one message.
    const bool channelsValid = !norm.channels || (d >= 1 && norm.affineSize(d) == *norm.channels);
    const auto checkVector = [&](std::string_view name, const RowVector& v) {
        if (!channelsValid)
            checkFinite(name, v, problems);
        else if (v.size() != norm.affineSize(d))
            problems.push_back({std::string(name), "has " + std::to_string(v.size()) +
                                                       (v.size() == 1 ? " number" : " numbers") +
                                                       "; expected " + affineCountText(norm, d)});
        else
            checkFinite(name, v, problems);
    };
    checkVector("gamma", gamma);
    checkVector("beta", beta);

    if (dout.rows() != n || dout.cols() != d)
        problems.push_back({"dout", "is " + shapeText(dout.rows(), dout.cols()) +
                                        "; expected the shape of x, " + shapeText(n, d)});
    else
        checkFinite("dout", dout, problems);

    if (!std::isfinite(eps))
        problems.push_back({"eps", "is not a finite number"});
    else if (eps < 0)
        problems.push_back({"eps", "is negative; expected a number >= 0"});
    if (n >= 1 && d >= 1) {
        Problems norm = validateNorm(this->norm, n, d);
        problems.insert(problems.end(), norm.begin(), norm.end());
    }
    return problems;
}

Matrix standardNormalMatrix(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed)
{
    std::mt19937_64 engine(seed);
    const auto uniform = [&engine] {  // in (0, 1]: never 0, so log() below is finite
        return (static_cast<double>(engine() >> 11) + 1.0) * 0x1.0p-53;
    };
    Matrix m(rows, cols);
    double spare = 0;
    bool haveSpare = false;
    for (Eigen::Index i = 0; i < rows; ++i) {
        for (Eigen::Index j = 0; j < cols; ++j) {
            if (haveSpare) {
                m(i, j) = spare;
                haveSpare = false;
                continue;
            }
            const double radius = std::sqrt(-2.0 * std::log(uniform()));
            const double angle = 2.0 * std::numbers::pi * uniform();
            m(i, j) = radius * std::cos(angle);
            spare = radius * std::sin(angle);
            haveSpare = true;
        }
    }
    return m;
}

Session exampleSession()
{
    Session s;
    s.title = "Built-in example: 4 samples, 3 features";
    s.notes = "A small batch with gamma != 1 and beta != 0, so that no term of the gradient hides.";
    s.x.resize(4, 3);
    s.x << 1.0, 2.0, -1.0,
           3.0, 0.5, 0.0,
           -2.0, 1.5, 4.0,
           0.5, 3.0, 1.0;
    s.gamma.resize(3);
    s.gamma << 1.5, 0.5, -2.0;
    s.beta.resize(3);
    s.beta << 0.1, -0.3, 0.7;
    s.eps = 1e-5;
    s.doutSeed = 0;
    s.dout = standardNormalMatrix(4, 3, 0);
    return s;
}

}  // namespace bnflow
