// The candidates are written from the layer's staged cells (FamilyStaged) with one change each,
// so a reader can hold them against doc/derivation.md's "Mistakes per layer". M is the size of
// one normalization set: N (batch norm), N * L (spatial), D (layer norm, RMSNorm), D / G.
#include <core/teach/family_mistakes.h>

#include <core/math/family.h>

#include <cmath>

namespace bnflow {
namespace {

using Index = Eigen::Index;

const Mistake* mistakeNamed(std::string_view name)
{
    for (const Mistake& m : knownMistakes())
        if (m.name == name)
            return &m;
    return nullptr;
}

// A statistic-shaped matrix (Reduction::statRows x statCols) spread over the N x D cells.
Matrix spread(const Reduction& r, const Matrix& stat)
{
    Matrix out(r.samples, r.features);
    for (Index i = 0; i < r.samples; ++i)
        for (Index j = 0; j < r.features; ++j)
            out(i, j) = stat(r.statRow(i), r.statCol(j));
    return out;
}

// A per-feature row summed into per-channel numbers (L features a channel): a per-feature
// dgamma in a spatial session's shape.
RowVector perChannel(const RowVector& perFeature, Index channels)
{
    const Index positions = perFeature.size() / channels;
    RowVector out = RowVector::Zero(channels);
    for (Index j = 0; j < perFeature.size(); ++j)
        out[j / positions] += perFeature[j];
    return out;
}

class FamilyBuilder {
public:
    using Visit = std::function<void(const MistakeCandidate&)>;

    FamilyBuilder(const Session& s, const FamilyAnalysis& a, const Visit& visit)
        : s_(s), a_(a), r_(a.reduction), visit_(visit), m_(double(a.reduction.count())),
          st_(a.staged)
    {
    }

    void all()
    {
        const bool rms = r_.layer == Layer::RmsNorm;
        const bool centred = !rms && !r_.eval;
        const RowVector ones = RowVector::Ones(s_.gamma.size());
        add("gamma_not_applied", familyStaged(r_, s_.dout, a_.forward, ones).dx);
        if (centred) {
            add("mean_path_missing", st_.dxViaXhat + st_.dxViaVar);
            add("var_path_missing", st_.dxViaXhat + st_.dxViaMean);
            add("only_direct_path", st_.dxViaXhat);
        } else if (rms) {  // no mean: the path through ms is RMSNorm's only indirect one
            add("var_path_missing", st_.dxViaXhat);
            add("only_direct_path", st_.dxViaXhat);
        }
        if (centred)
            unbiasedVariance();
        sumWithoutAxis();
        add("wrong_sign", -st_.dx, -st_.dgamma, -st_.dbeta);
        add("wrong_sign", -st_.dx);
        if (centred) {
            add("wrong_sign", st_.dxViaXhat - st_.dxViaMean + st_.dxViaVar);
            add("wrong_sign", st_.dxViaXhat + st_.dxViaMean - st_.dxViaVar);
        } else if (rms) {
            add("wrong_sign", st_.dxViaXhat - st_.dxViaMs);
        }
        epsMismatch();
        add("dgamma_dbeta_swapped", st_.dx, st_.dbeta, st_.dgamma);
        if (!r_.eval) {
            // dx M times too large: the fused form's 1/M dropped, or the local derivatives'
            // 1/M of the statistics (d mu/dx = 1/M, d var/dx = 2 (x - mu)/M).
            const std::string_view name =
                r_.layer == Layer::BatchNorm ? "missing_division_by_N" : "missing_division_by_D";
            add(name, m_ * st_.dx);
            add(name, st_.dxViaXhat + m_ * (rms ? st_.dxViaMs : Matrix(st_.dxViaMean + st_.dxViaVar)));
        }
        if (const auto wrong = wrongAxisCandidate(s_))
            if (wrong->dx.allFinite() && wrong->dgamma.allFinite() && wrong->dbeta.allFinite())
                visit_(*wrong);
    }

private:
    void add(std::string_view name, const Matrix& dx) { add(name, dx, st_.dgamma, st_.dbeta); }
    void add(std::string_view name, const Matrix& dx, const RowVector& dgamma, const RowVector& dbeta)
    {
        if (!dx.allFinite() || !dgamma.allFinite() || !dbeta.allFinite())
            return;
        if (const Mistake* m = mistakeNamed(name))
            visit_({m, dx, dgamma, dbeta});
    }

    // The variance divided by M - 1 in the forward, and in dx via var either as well (the exact
    // gradient of that other function) or not (only the forward changed).
    void unbiasedVariance()
    {
        if (r_.count() < 2)
            return;
        FamilyForward u = a_.forward;
        u.var *= m_ / (m_ - 1);
        u.invStd = (u.var.array() + s_.eps).rsqrt().matrix();
        u.xhat = u.xmu.cwiseProduct(spread(r_, u.invStd));
        const FamilyStaged w = familyStaged(r_, s_.dout, u, s_.gamma);
        add("unbiased_variance", w.dx, w.dgamma, w.dbeta);
        add("unbiased_variance", w.dxViaXhat + w.dxViaMean + w.dxViaVar * (m_ / (m_ - 1)), w.dgamma,
            w.dbeta);
    }

    // Grand totals over all N x D entries instead of sums over each set: in dgamma and dbeta
    // only, in the fused form of dx only, or in both.
    void sumWithoutAxis()
    {
        const Index params = s_.gamma.size();
        const Matrix& xhat = a_.forward.xhat;
        const RowVector dgammaTotal = RowVector::Constant(params, s_.dout.cwiseProduct(xhat).sum());
        const RowVector dbetaTotal = RowVector::Constant(params, s_.dout.sum());
        add("sum_without_axis", st_.dx, dgammaTotal, dbetaTotal);
        if (r_.eval)  // dx has no sums to get wrong
            return;
        const Matrix& dxhat = st_.dxhat;
        const double total = dxhat.sum(), totalXhat = dxhat.cwiseProduct(xhat).sum();
        const Matrix scale = spread(r_, a_.forward.inverseRoot());
        Matrix fused;
        if (r_.layer == Layer::RmsNorm)
            fused = scale.cwiseProduct(dxhat - xhat * (totalXhat / m_));
        else
            fused = ((scale / m_).array() * ((m_ * dxhat).array() - total - (xhat * totalXhat).array())).matrix();
        // The staged form with every sum a grand total: dvar (dms) and dmean one number each.
        const Matrix& xmu = a_.forward.xmu;  // RMSNorm: x itself
        const double dsquare = -0.5 * dxhat.cwiseProduct(xmu).cwiseProduct(scale.array().cube().matrix()).sum();
        Matrix staged = dxhat.cwiseProduct(scale) + xmu * (2.0 * dsquare / m_);
        if (r_.layer != Layer::RmsNorm) {
            const double dmean = -dxhat.cwiseProduct(scale).sum() + dsquare * (-2.0 * xmu.mean());
            staged.array() += dmean / m_;
        }
        for (const Matrix* dx : {&fused, &staged}) {
            add("sum_without_axis", *dx, dgammaTotal, dbetaTotal);
            add("sum_without_axis", *dx);
        }
    }

    // The right gradient for another eps of 0, 1e-8, 1e-5, 1e-3.
    void epsMismatch()
    {
        for (const double eps : {0.0, 1e-8, 1e-5, 1e-3}) {
            if (eps == s_.eps)
                continue;
            Session other = s_;
            other.eps = eps;
            const FamilyResult result = analyzeFamily(other);
            if (result.ok())
                add("eps_mismatch", result.analysis->staged.dx, result.analysis->staged.dgamma, st_.dbeta);
        }
    }

    const Session& s_;
    const FamilyAnalysis& a_;
    const Reduction& r_;
    const Visit& visit_;
    const double m_;          // M, the size of one set
    const FamilyStaged& st_;  // the right staged cells
};

}  // namespace

std::optional<MistakeCandidate> wrongAxisCandidate(const Session& session)
{
    const NormConfig& norm = session.norm;
    if (norm.isEval())
        return std::nullopt;
    Session other = session;
    other.norm.runningMean.reset();
    other.norm.runningVar.reset();
    const Layer layer = norm.layerOrDefault();
    bool foldChannels = false;
    if (layer == Layer::BatchNorm && norm.channels) {
        // Per feature, ignoring L: every feature its own gamma and beta, its channel's.
        const Index channels = session.gamma.size(), d = session.features();
        const Index positions = d / std::max<Index>(channels, 1);
        other.norm.channels.reset();
        other.gamma.resize(d);
        other.beta.resize(d);
        for (Index j = 0; j < d; ++j) {
            other.gamma[j] = session.gamma[j / positions];
            other.beta[j] = session.beta[j / positions];
        }
        foldChannels = true;
    } else if (layer == Layer::BatchNorm) {
        other.norm.layer = Layer::LayerNorm;
    } else {
        other.norm.layer = Layer::BatchNorm;
        other.norm.groups.reset();
    }
    const FamilyResult result = analyzeFamily(other);
    if (!result.ok())
        return std::nullopt;
    const FamilyStaged& st = result.analysis->staged;
    const Index channels = session.gamma.size();
    return MistakeCandidate{mistakeNamed("wrong_axis"), st.dx,
                            foldChannels ? perChannel(st.dgamma, channels) : st.dgamma,
                            foldChannels ? perChannel(st.dbeta, channels) : st.dbeta};
}

void forEachFamilyMistakeCandidate(const Session& session,
                                   const std::function<void(const MistakeCandidate&)>& visit)
{
    const FamilyResult result = analyzeFamily(session);
    if (result.ok())
        FamilyBuilder(session, *result.analysis, visit).all();
}

}  // namespace bnflow
