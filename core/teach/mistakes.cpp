// Each candidate is written out from the staged cells with one thing changed, so that a reader
// can hold it against doc/derivation.md's "Common mistakes". Column-wise sums are the right
// ones; "total" sums run over all N x D entries.
#include <core/teach/mistakes.h>

#include <core/teach/family_mistakes.h>

#include <array>
#include <cmath>

namespace bnflow {
namespace {

constexpr std::array<Mistake, 12> kMistakes{{
    {"gamma_not_applied", "dxhat", "gamma not applied",
     "dxhat was taken as dout, forgetting the factor gamma of y = gamma * xhat + beta. Every "
     "column of dx is the right one divided by gamma_j; dgamma and dbeta are unaffected. It is "
     "invisible when gamma = 1, which is why tests should use a random gamma."},
    {"mean_path_missing", "dx_via_mean", "the path through the mean is missing",
     "dx adds the paths through xhat and through the variance but not the one through the mean "
     "mu: dmean is never computed or never added. The columns of dx (each normalization set: "
     "rows in layer norm) then no longer sum to 0, which they must (shifting a whole set of x "
     "changes nothing after normalization)."},
    {"var_path_missing", "dx_via_var", "the path through the variance is missing",
     "The variance was treated as a constant, so dvar and the path from x through the variance "
     "never happen. The columns of dx (each set) still sum to 0; only the second invariant, "
     "sum_i dx_ij * xhat_ij close to 0, exposes it."},
    {"only_direct_path", "dx_via_xhat", "only the direct path",
     "dx = dxhat * inv_std: both the mean and the variance were treated as constants, which is "
     "the eval-mode gradient applied in training mode. x fans out into three paths (through "
     "xhat, through the mean, through the variance) and its gradient is the sum of all three."},
    {"unbiased_variance", "var", "unbiased variance (N - 1)",
     "The variance was divided by N - 1 (the unbiased estimate, the default of torch.var) "
     "instead of N. Batch normalization in training mode uses the biased variance, divide by "
     "N, as the paper, PyTorch and CS231n do; with N - 1 the code differentiates another "
     "function, so even a passing gradient check does not make it batch norm."},
    {"sum_without_axis", "dbeta", "a sum without axis",
     "A reduction of the backward pass ran over all N x D entries instead of over each set (down "
     "each column in batch norm, along each row in layer norm), "
     "e.g. np.sum(dout) instead of np.sum(dout, axis=0): one grand total repeated for every "
     "feature. It goes wrong at the first such sum (dbeta, dgamma, dvar or dmean) and is "
     "invisible when D = 1."},
    {"wrong_sign", "dmean", "a wrong sign",
     "A sign was lost: most often the -1 of d(x - mu)/d mu in dmean (the columns of dx then sum "
     "to 2 * inv_std * sum dxhat instead of 0), or the -1/2 of the power in dvar, or the whole "
     "gradient was negated (a loss maximised instead of minimised)."},
    {"eps_mismatch", "inv_std", "another eps",
     "The result is the right gradient for another eps (0, 1e-8, 1e-5 or 1e-3) than the "
     "session's, or the backward pass recomputed 1 / sqrt(var) without eps. eps enters at "
     "inv_std = 1 / sqrt(var + eps); PyTorch's default is 1e-5, Keras's 1e-3. The error is of "
     "relative size eps / var: small on wide columns, large on nearly constant ones."},
    {"dgamma_dbeta_swapped", "dgamma", "dgamma and dbeta swapped",
     "dgamma and dbeta were swapped: dgamma_j = sum_i dout_ij and dbeta_j = sum_i dout_ij * "
     "xhat_ij. Both have D numbers, so no shape complains, and dx is unaffected. Telltale: "
     "dbeta must not depend on x."},
    {"missing_division_by_N", "dx_via_mean", "missing division by N",
     "The 1/N of the local derivatives d mu/dx = 1/N and d var/dx = 2 (x - mu)/N was dropped, "
     "in the paths through the mean and the variance, or as the prefactor of the fused form, "
     "which then returns N times the right dx (spatial batch norm: N * L times, the size of a "
     "channel's set)."},
    {"wrong_axis", "mean", "reduced over the wrong axis",
     "The statistics and the backward sums were taken over the other axis of the batch: batch "
     "norm over the features of each sample (as layer norm does), layer norm, RMSNorm or group "
     "norm over the batch for each feature (as batch norm does), spatial batch norm per feature "
     "instead of per channel. In NumPy, axis=1 where axis=0 belongs, or the reverse. The result "
     "is the exact gradient of another layer, so a gradient check of the same code passes."},
    {"missing_division_by_D", "dx_via_mean", "missing division by D",
     "The 1/D of layer norm's and RMSNorm's statistics (the mean and variance, or the mean "
     "square, over the D features of a sample; group norm's over D / G) was dropped in the "
     "backward pass, or as the prefactor of the fused form, which then returns D (D / G) times "
     "the right dx. Batch norm's counterpart is missing_division_by_N."},
}};

using Array = Eigen::ArrayXXd;
using RowArray = Eigen::Array<double, 1, Eigen::Dynamic>;

// The forward statistics, with the variance divided by `divisor` (N, or N - 1 for the mistake).
struct Stats {
    Array xmu;         // N x D
    RowArray var;      // 1 x D
    RowArray invStd;   // 1 x D
    Array xhat;        // N x D
};

Stats statistics(const Session& s, double eps, double divisor)
{
    Stats st;
    const double n = double(s.samples());
    st.xmu = s.x.array().rowwise() - s.x.array().colwise().sum() / n;
    st.var = st.xmu.square().colwise().sum() / divisor;
    st.invStd = (st.var + eps).rsqrt();
    st.xhat = st.xmu.rowwise() * st.invStd;
    return st;
}

// The three paths of cell 4 (doc/derivation.md#staged-backward-pass), each as its own N x D term, for a given dxhat.
struct Paths {
    Array viaXhat;  // dxhat_ij * inv_std_j
    Array viaMean;  // dmean_j / N = -inv_std_j * sum_k dxhat_kj / N
    Array viaVar;   // dvar_j * 2 xmu_ij / N = -inv_std_j * xhat_ij * sum_k dxhat_kj xhat_kj / N
};

Paths paths(const Array& dxhat, const Stats& st, double n)
{
    Paths p;
    p.viaXhat = dxhat.rowwise() * st.invStd;
    const RowArray sumDxhat = dxhat.colwise().sum();
    const RowArray sumDxhatXhat = (dxhat * st.xhat).colwise().sum();
    p.viaMean = (-st.invStd * sumDxhat / n).replicate(dxhat.rows(), 1);
    p.viaVar = (st.xhat.rowwise() * (-st.invStd * sumDxhatXhat / n));
    return p;
}

class Builder {
public:
    using Visit = std::function<void(const MistakeCandidate&)>;

    Builder(const Session& s, const Visit& visit)
        : s_(s), visit_(visit), n_(double(s.samples())), st_(statistics(s, s.eps, n_)),
          dout_(s.dout.array()), dxhat_(dout_.rowwise() * s.gamma.array()),
          right_(paths(dxhat_, st_, n_)), dgamma_((dout_ * st_.xhat).colwise().sum()),
          dbeta_(dout_.colwise().sum())
    {
    }

    void add(std::string_view name, const Array& dx) { add(name, dx, dgamma_, dbeta_); }
    void add(std::string_view name, const Array& dx, const RowArray& dgamma, const RowArray& dbeta)
    {
        if (!dx.allFinite() || !dgamma.allFinite() || !dbeta.allFinite())
            return;
        for (const Mistake& m : kMistakes)
            if (m.name == name)
                visit_({&m, dx.matrix(), dgamma.matrix(), dbeta.matrix()});
    }

    void all()
    {
        const Paths& p = right_;
        const Array rightDx = p.viaXhat + p.viaMean + p.viaVar;
        const Paths noGamma = paths(dout_, st_, n_);
        add("gamma_not_applied", noGamma.viaXhat + noGamma.viaMean + noGamma.viaVar);
        add("mean_path_missing", p.viaXhat + p.viaVar);
        add("var_path_missing", p.viaXhat + p.viaMean);
        add("only_direct_path", p.viaXhat);
        unbiasedVariance();
        sumWithoutAxis(rightDx);
        add("wrong_sign", -rightDx, -dgamma_, -dbeta_);
        add("wrong_sign", -rightDx);
        add("wrong_sign", p.viaXhat - p.viaMean + p.viaVar);
        add("wrong_sign", p.viaXhat + p.viaMean - p.viaVar);
        epsMismatch();
        add("dgamma_dbeta_swapped", rightDx, dbeta_, dgamma_);
        add("missing_division_by_N", n_ * rightDx);
        add("missing_division_by_N", p.viaXhat + n_ * (p.viaMean + p.viaVar));
        if (const auto wrong = wrongAxisCandidate(s_))  // over the features: layer norm's gradient
            add("wrong_axis", wrong->dx.array(), wrong->dgamma.array(), wrong->dbeta.array());
    }

private:
    // N - 1 in the forward variance, and in dx via var either as well (the exact gradient of
    // that other function) or not (only the forward changed).
    void unbiasedVariance()
    {
        if (s_.samples() < 2)
            return;
        const Stats u = statistics(s_, s_.eps, n_ - 1);
        const RowArray dgamma = (dout_ * u.xhat).colwise().sum();
        const RowArray dvar = (dxhat_ * u.xmu).colwise().sum() * -0.5 * u.invStd.cube();
        const RowArray dmean = -u.invStd * dxhat_.colwise().sum();
        const Array viaXhatMean = (dxhat_.rowwise() * u.invStd).rowwise() + dmean / n_;
        for (const double divisor : {n_ - 1, n_})
            add("unbiased_variance", viaXhatMean + (u.xmu.rowwise() * (dvar / divisor)) * 2, dgamma,
                dbeta_);
    }

    // Grand totals instead of column sums, in cell 2 only, in the backward of dx only (staged
    // or fused form), or in both.
    void sumWithoutAxis(const Array& rightDx)
    {
        const auto d = s_.features();
        const RowArray dgammaTotal = RowArray::Constant(d, (dout_ * st_.xhat).sum());
        const RowArray dbetaTotal = RowArray::Constant(d, dout_.sum());
        const Array fused = (n_ * dxhat_ - dxhat_.sum() - st_.xhat * (dxhat_ * st_.xhat).sum())
                                .rowwise() * (st_.invStd / n_);
        const double dvar = ((dxhat_ * st_.xmu).rowwise() * (-0.5 * st_.invStd.cube())).sum();
        const double dmean =
            (dxhat_.rowwise() * -st_.invStd).sum() + dvar * (-2 * st_.xmu).mean();
        const Array staged =
            (dxhat_.rowwise() * st_.invStd) + dvar * 2 * st_.xmu / n_ + dmean / n_;
        add("sum_without_axis", rightDx, dgammaTotal, dbetaTotal);
        for (const Array* dx : {&fused, &staged}) {
            add("sum_without_axis", *dx, dgammaTotal, dbetaTotal);
            add("sum_without_axis", *dx);
        }
    }

    // The right gradient for another eps; and the backward without eps (dvar from var^(-3/2)).
    void epsMismatch()
    {
        for (const double eps : {0.0, 1e-8, 1e-5, 1e-3}) {
            if (eps == s_.eps)
                continue;
            const Stats other = statistics(s_, eps, n_);
            const Paths p = paths(dxhat_, other, n_);
            add("eps_mismatch", p.viaXhat + p.viaMean + p.viaVar,
                (dout_ * other.xhat).colwise().sum(), dbeta_);
        }
        if (s_.eps > 0 && (st_.var > 0).all()) {
            const RowArray dvar = (dxhat_ * st_.xmu).colwise().sum() * -0.5 * st_.var.pow(-1.5);
            add("eps_mismatch",
                right_.viaXhat + right_.viaMean + (st_.xmu.rowwise() * (dvar / n_)) * 2);
        }
    }

    const Session& s_;
    const Visit& visit_;
    const double n_;        // N as a double
    const Stats st_;        // the right forward statistics
    const Array dout_;      // N x D
    const Array dxhat_;     // dout * gamma
    const Paths right_;     // the right three paths of dx
    const RowArray dgamma_; // the right dgamma
    const RowArray dbeta_;  // the right dbeta
};

}  // namespace

std::span<const Mistake> knownMistakes()
{
    return kMistakes;
}

std::vector<MistakeCandidate> mistakeCandidates(const Session& session)
{
    std::vector<MistakeCandidate> out;
    forEachMistakeCandidate(session, [&out](const MistakeCandidate& c) { out.push_back(c); });
    return out;
}

void forEachMistakeCandidate(const Session& session,
                             const std::function<void(const MistakeCandidate&)>& visit)
{
    // Training batch norm keeps the candidates written out for its derivation; every other
    // layer and mode gets its own from its staged cells (family_mistakes.h).
    if (session.norm.isTrainingBatchNorm())
        Builder(session, visit).all();
    else
        forEachFamilyMistakeCandidate(session, visit);
}

}  // namespace bnflow
