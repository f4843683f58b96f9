#include "labelled_session.h"

#include <core/model/problem.h>

namespace bnflow::test {

using Index = Eigen::Index;

Session labelledSession(Index n, Index d, bool seeded)
{
    Session s;
    s.x.resize(n, d);
    for (Index i = 0; i < n; ++i)
        for (Index j = 0; j < d; ++j)
            s.x(i, j) = 100.0 * double(i) + double(j) + 1.0;
    s.gamma = RowVector::LinSpaced(d, 2.0, 2.0 + double(d - 1));
    s.beta = RowVector::LinSpaced(d, -0.5, -0.5 * double(d));
    s.dout = -s.x;
    s.eps = 1e-3;
    s.title = "labelled";
    s.notes = "every cell says where it came from";
    s.extraFields = {{"lecture", "{\"slide\":3}"}};
    if (seeded) {
        s.doutSeed = kDoutSeed;
        s.dout = standardNormalMatrix(n, d, kDoutSeed);
    }
    return s;
}

std::string problemsText(const Session& s)
{
    const Problems problems = s.validate();
    return problems.empty() ? std::string() : formatProblem(problems.front());
}

}  // namespace bnflow::test
