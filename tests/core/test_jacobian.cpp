// The Jacobian lens (core/math/jacobian.h): the closed form of every layer against central
// differences of familyForward, the chain rule's dx against J^T dout, the eigenvalues against a
// general eigensolver, the null space, and the refusals. PyTorch's values: test_cli_jacobian.
#include <core/math/family.h>
#include <core/math/jacobian.h>

#include <Eigen/Eigenvalues>

#include <QtTest>

#include <algorithm>

using namespace bnflow;

class TestJacobian : public QObject {
    Q_OBJECT
private slots:
    void closedFormMatchesDifferences_data();
    void closedFormMatchesDifferences();
    void chainRuleIsTheTranspose_data();
    void chainRuleIsTheTranspose();
    void eigenvaluesMatchAGeneralSolver_data();
    void eigenvaluesMatchAGeneralSolver();
    void nullSpace();
    void setsFollowTheContract();
    void badInput();
};

namespace {

Session randomSession(Eigen::Index n, Eigen::Index d, unsigned seed)
{
    Session s = exampleSession();
    s.x = standardNormalMatrix(n, d, seed) * 1.5;
    s.x.array() += 0.4;
    s.gamma = RowVector::Ones(d) + 0.4 * standardNormalMatrix(1, d, seed + 1);
    s.beta = 0.2 * standardNormalMatrix(1, d, seed + 2);
    s.dout = standardNormalMatrix(n, d, seed + 3);
    s.doutSeed.reset();
    return s;
}

// Every layer and mode on a 4 x 6 batch (spatial: 3 channels of 2 positions), with J and I.
struct Case {
    const char* name;
    Session session;
    Eigen::Index feature, sample;
};

std::vector<Case> cases()
{
    std::vector<Case> out;
    const auto make = [&](const char* name, auto configure, Eigen::Index feature, Eigen::Index sample) {
        Session s = randomSession(4, 6, unsigned(out.size() * 10 + 3));
        configure(s);
        out.push_back({name, std::move(s), feature, sample});
    };
    const auto perChannel = [](Session& s, Eigen::Index c) {
        s.norm.channels = c;
        s.gamma = s.gamma.head(c).eval();
        s.beta = s.beta.head(c).eval();
    };
    make("batchnorm", [](Session&) {}, 4, 0);
    make("batchnorm spatial", [&](Session& s) { perChannel(s, 3); }, 3, 0);
    make("batchnorm eval", [](Session& s) {
        s.norm.mode = Mode::Eval;
        s.norm.runningMean = 0.3 * standardNormalMatrix(1, 6, 71);
        s.norm.runningVar = RowVector::Constant(6, 0.6);
    }, 2, 0);
    make("layernorm", [](Session& s) { s.norm.layer = Layer::LayerNorm; }, 0, 2);
    make("rmsnorm", [](Session& s) { s.norm.layer = Layer::RmsNorm; }, 0, 3);
    make("groupnorm", [](Session& s) {
        s.norm.layer = Layer::GroupNorm;
        s.norm.groups = 2;
    }, 4, 1);
    make("groupnorm spatial", [&](Session& s) {
        s.norm.layer = Layer::GroupNorm;
        s.norm.groups = 1;
        perChannel(s, 3);
    }, 1, 3);
    make("batchnorm eps 0", [](Session& s) { s.eps = 0; }, 1, 0);
    make("layernorm eps 0", [](Session& s) {
        s.norm.layer = Layer::LayerNorm;
        s.eps = 0;
    }, 0, 1);
    return out;
}

void addCaseRows()
{
    QTest::addColumn<int>("index");
    const auto all = cases();
    for (std::size_t k = 0; k < all.size(); ++k)
        QTest::newRow(all[k].name) << int(k);
}

LayerJacobian jacobianOfCase(const Case& c)
{
    JacobianResult result = layerJacobian(c.session, c.feature, c.sample);
    if (!result.ok())
        qFatal("%s: %s", c.name, formatProblem(result.problems.front()).c_str());
    return std::move(*result.jacobian);
}

Matrix forwardY(const Session& s, const Matrix& x)
{
    const Reduction r = Reduction::of(s.norm, x.rows(), x.cols());
    return familyForward(r, x, s.gamma, s.beta, s.eps, s.norm).y;
}

}  // namespace

void TestJacobian::closedFormMatchesDifferences_data() { addCaseRows(); }

void TestJacobian::closedFormMatchesDifferences()
{
    QFETCH(int, index);
    const Case c = cases()[std::size_t(index)];
    const LayerJacobian jac = jacobianOfCase(c);
    const Eigen::Index m = jac.set.size();
    const double h = 1e-6;
    Matrix differences(m, m);
    for (Eigen::Index b = 0; b < m; ++b) {
        const auto [k, l] = jac.set.cells[std::size_t(b)];
        Matrix up = c.session.x, down = c.session.x;
        up(k, l) += h;
        down(k, l) -= h;
        const Matrix dy = (forwardY(c.session, up) - forwardY(c.session, down)) / (2 * h);
        for (Eigen::Index a = 0; a < m; ++a) {
            const auto [i, j] = jac.set.cells[std::size_t(a)];
            differences(a, b) = dy(i, j);
        }
        // Outside the set nothing moves except what shares the set's statistic: the set is
        // closed, so y outside it does not depend on x inside it.
        Matrix outside = dy;
        for (const auto& [i, j] : jac.set.cells)
            outside(i, j) = 0;
        QVERIFY2(outside.cwiseAbs().maxCoeff() <= 1e-12, c.name);
    }
    const double scale = jac.matrix.cwiseAbs().maxCoeff();
    const double error = (differences - jac.matrix).cwiseAbs().maxCoeff() / scale;
    QVERIFY2(error < 1e-7, qPrintable(QStringLiteral("%1: %2").arg(c.name).arg(error)));
}

void TestJacobian::chainRuleIsTheTranspose_data() { addCaseRows(); }

void TestJacobian::chainRuleIsTheTranspose()
{
    QFETCH(int, index);
    const Case c = cases()[std::size_t(index)];
    const LayerJacobian jac = jacobianOfCase(c);
    const FamilyResult family = analyzeFamily(c.session);
    QVERIFY(family.ok());
    const Matrix& dx = family.analysis->staged.dx;
    const double scale = jac.matrix.cwiseAbs().maxCoeff() * c.session.dout.cwiseAbs().maxCoeff() *
                         double(jac.set.size());
    const double error = jacobianIdentityError(jac, c.session.dout, dx);
    QVERIFY2(error <= 1e-13 * scale, qPrintable(QStringLiteral("%1: %2").arg(c.name).arg(error / scale)));
    // And something else than dx is told apart.
    QVERIFY(jacobianIdentityError(jac, c.session.dout, dx * 1.001) > 1e-6 * dx.cwiseAbs().maxCoeff());
}

void TestJacobian::eigenvaluesMatchAGeneralSolver_data() { addCaseRows(); }

void TestJacobian::eigenvaluesMatchAGeneralSolver()
{
    QFETCH(int, index);
    const Case c = cases()[std::size_t(index)];
    const LayerJacobian jac = jacobianOfCase(c);
    const Eigen::EigenSolver<Matrix> general(jac.matrix, false);
    std::vector<double> real;
    for (const auto& value : general.eigenvalues()) {
        QVERIFY(std::abs(value.imag()) <= 1e-10 * jac.matrix.cwiseAbs().maxCoeff());
        real.push_back(value.real());
    }
    std::sort(real.begin(), real.end());
    QVERIFY(std::is_sorted(jac.eigenvalues.begin(), jac.eigenvalues.end()));
    const double scale = jac.eigenvalues.cwiseAbs().maxCoeff();
    for (std::size_t k = 0; k < real.size(); ++k)
        QVERIFY2(std::abs(real[k] - jac.eigenvalues[Eigen::Index(k)]) <= 1e-10 * scale, c.name);
    // matrix = diag(gamma) S with S symmetric.
    QVERIFY((jac.symmetric - jac.symmetric.transpose()).cwiseAbs().maxCoeff() == 0);
    QVERIFY((jac.gamma.asDiagonal() * jac.symmetric - jac.matrix).cwiseAbs().maxCoeff() == 0);
}

void TestJacobian::nullSpace()
{
    for (const Case& c : cases()) {
        const LayerJacobian jac = jacobianOfCase(c);
        const Eigen::VectorXd ones = Eigen::VectorXd::Ones(jac.set.size());
        const double scale = jac.matrix.cwiseAbs().maxCoeff();
        const bool eval = c.session.norm.isEval();
        const bool rms = c.session.norm.layerOrDefault() == Layer::RmsNorm;
        const bool centred = !eval && !rms;
        // The centred layers lose the constants (a shift of the set changes no y); with eps = 0,
        // xhat too (a scaling changes no y). RMSNorm has no centring: only xhat, at eps = 0.
        const Eigen::Index expected = (centred ? 1 : 0) + (c.session.eps == 0 && !eval ? 1 : 0);
        QVERIFY2(jac.nullSpaceDim() == expected,
                 qPrintable(QStringLiteral("%1: %2").arg(c.name).arg(jac.nullSpaceDim())));
        if (centred) {
            QVERIFY((jac.matrix * ones).cwiseAbs().maxCoeff() <= 1e-14 * scale * double(ones.size()));
            // so every column sum of dx over a set, 1^T J^T dout = (J 1)^T dout, is 0
        }
    }
}

void TestJacobian::setsFollowTheContract()
{
    const auto all = cases();
    const auto setOf = [&](const char* name) {
        for (const Case& c : all)
            if (std::string(c.name) == name)
                return jacobianOfCase(c).set;
        qFatal("no case %s", name);
    };
    QCOMPARE(setOf("batchnorm").name, std::string("feature 4"));
    QCOMPARE(setOf("batchnorm").size(), Eigen::Index(4));
    const JacobianSet spatial = setOf("batchnorm spatial");  // feature 3, L = 2: channel 1
    QCOMPARE(spatial.name, std::string("channel 1"));
    QCOMPARE(spatial.size(), Eigen::Index(8));
    QCOMPARE(spatial.cells[0], (std::pair<Eigen::Index, Eigen::Index>(0, 2)));
    QCOMPARE(spatial.cells[1], (std::pair<Eigen::Index, Eigen::Index>(0, 3)));  // sample-major
    QCOMPARE(spatial.cells[2], (std::pair<Eigen::Index, Eigen::Index>(1, 2)));
    QCOMPARE(setOf("batchnorm eval").name, std::string("feature 2"));
    QCOMPARE(setOf("layernorm").name, std::string("sample 2"));
    QCOMPARE(setOf("layernorm").size(), Eigen::Index(6));
    QCOMPARE(setOf("rmsnorm").name, std::string("sample 3"));
    QCOMPARE(setOf("groupnorm").name, std::string("sample 1, group 1"));
    QCOMPARE(setOf("groupnorm").cells.front(), (std::pair<Eigen::Index, Eigen::Index>(1, 3)));
    QCOMPARE(setOf("groupnorm spatial").name, std::string("sample 3, group 0"));
}

void TestJacobian::badInput()
{
    const Session s = randomSession(3, 4, 5);
    QCOMPARE(layerJacobian(s, 4, 0).problems.at(0).where, std::string("feature"));
    QCOMPARE(layerJacobian(s, 0, 3).problems.at(0).where, std::string("sample"));
    QCOMPARE(layerJacobian(s, -1, 0).problems.at(0).where, std::string("feature"));
    Session tall = randomSession(kMaxJacobianSize + 1, 1, 6);
    const JacobianResult big = layerJacobian(tall, 0, 0);
    QVERIFY(!big.ok());
    QVERIFY(big.problems.at(0).what.find("4096") != std::string::npos);
    Session constant = s;  // a constant column with eps = 0: undefined, as for grad
    constant.x.col(1).setConstant(2.0);
    constant.eps = 0;
    QVERIFY(!layerJacobian(constant, 1, 0).ok());
}

QTEST_GUILESS_MAIN(TestJacobian)
#include "test_jacobian.moc"
