#include "fuzzy.h"

#include <cmath>
#include <sstream>

namespace bnflow::test {

double maxAbs(const Matrix& m)
{
    return m.size() ? m.cwiseAbs().maxCoeff() : 0.0;
}

double scaledError(const Matrix& actual, const Matrix& expected, double scale)
{
    return maxAbs(actual - expected) / std::max(scale, 1e-300);
}

bool closeTo(const Matrix& actual, const Matrix& expected, double scale, double rtol,
             std::string* report)
{
    std::ostringstream out;
    out.precision(17);
    if (actual.rows() != expected.rows() || actual.cols() != expected.cols()) {
        out << "shape " << actual.rows() << "x" << actual.cols() << ", expected "
            << expected.rows() << "x" << expected.cols();
        if (report)
            *report = out.str();
        return false;
    }
    if (!actual.allFinite()) {
        if (report)
            *report = "non-finite value";
        return false;
    }
    const Matrix diff = (actual - expected).cwiseAbs();
    Eigen::Index i = 0, j = 0;
    const double worst = diff.size() ? diff.maxCoeff(&i, &j) : 0.0;
    if (worst <= rtol * scale)
        return true;
    out << "at [" << i << "][" << j << "]: " << actual(i, j) << " vs expected " << expected(i, j)
        << ", |diff| = " << worst << " > " << rtol << " * scale " << scale;
    if (report)
        *report = out.str();
    return false;
}

}  // namespace bnflow::test
