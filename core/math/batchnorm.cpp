#include <core/math/batchnorm.h>

namespace bnflow {

template <typename S>
void forward(const MatIn<S>& x, const RowIn<S>& gamma, const RowIn<S>& beta, S eps,
             ForwardCache<S>& cache)
{
    const auto n = static_cast<S>(x.rows());
    cache.mean = x.colwise().sum() / n;
    cache.xmu = x.rowwise() - cache.mean;
    // Two-pass variance: the mean of squared deviations, never E[x^2] - E[x]^2 (doc/derivation.md#conventions).
    cache.var = cache.xmu.array().square().colwise().sum() / n;
    cache.invStd = (cache.var.array() + eps).rsqrt();
    cache.xhat = cache.xmu.array().rowwise() * cache.invStd.array();
    cache.y = (cache.xhat.array().rowwise() * gamma.array()).rowwise() + beta.array();
}

template <typename S>
void backwardStaged(const MatIn<S>& dout, const ForwardCache<S>& cache, const RowIn<S>& gamma,
                    StagedGradients<S>& out)
{
    const auto n = static_cast<S>(dout.rows());
    const auto& dy = dout;  // cell 1: the upstream gradient

    // cell 2: y = gamma * xhat + beta
    out.dbeta = dy.colwise().sum();
    out.dgamma = (dy.array() * cache.xhat.array()).colwise().sum();
    out.dxhat = dy.array().rowwise() * gamma.array();

    // cell 3: xhat = xmu * (var + eps)^(-1/2), var = mean(xmu^2), xmu = x - mu
    // xhat = xmu * inv_std; inv_std = (var + eps)^(-1/2), whose derivative is
    // -1/2 (var + eps)^(-3/2) = -1/2 inv_std^3.
    out.dinvStd = (out.dxhat.array() * cache.xmu.array()).colwise().sum();
    out.dvar = out.dinvStd.array() * (S(-0.5) * cache.invStd.array().cube());
    out.dmeanViaXhat = -(out.dxhat.colwise().sum().array() * cache.invStd.array());
    out.dmeanViaVar = out.dvar.array() * (S(-2) / n) * cache.xmu.colwise().sum().array();
    out.dmean = out.dmeanViaXhat + out.dmeanViaVar;

    // cell 4: x fans out into xhat, var and mu; its gradient is the sum of the three paths.
    out.dxViaXhat = out.dxhat.array().rowwise() * cache.invStd.array();
    out.dxViaVar = (cache.xmu.array().rowwise() * out.dvar.array()) * (S(2) / n);
    out.dxViaMean = out.dmean / n;
    out.dxmu = out.dxViaXhat + out.dxViaVar;
    out.dx = out.dxmu.rowwise() + out.dxViaMean;
}

// fusedBackwardKernel is in fused_kernel.cpp.

template <typename S>
Gradients<S> backwardFused(const MatIn<S>& dout, const ForwardCache<S>& cache,
                           const RowIn<S>& gamma)
{
    Gradients<S> g{Mat<S>(dout.rows(), dout.cols()), RowVec<S>(dout.cols()),
                   RowVec<S>(dout.cols())};
    fusedBackwardKernel<S>(dout, cache.xhat, cache.invStd, gamma, g.dx, g.dgamma, g.dbeta);
    return g;
}

template <typename S>
FusedTerms<S> backwardFusedTerms(const MatIn<S>& dout, const ForwardCache<S>& cache,
                                 const RowIn<S>& gamma)
{
    const auto n = static_cast<S>(dout.rows());
    FusedTerms<S> t;
    const Mat<S> dxhat = dout.array().rowwise() * gamma.array();
    t.term1 = n * dxhat;
    t.term2 = dxhat.colwise().sum();
    t.sumDxhatXhat = (dxhat.array() * cache.xhat.array()).colwise().sum();
    t.term3 = cache.xhat.array().rowwise() * t.sumDxhatXhat.array();
    t.scale = cache.invStd / n;
    t.grads.dx = ((t.term1 - t.term3).rowwise() - t.term2).array().rowwise() * t.scale.array();
    t.grads.dgamma = (dout.array() * cache.xhat.array()).colwise().sum();
    t.grads.dbeta = dout.colwise().sum();
    return t;
}

#define BNFLOW_INSTANTIATE(S)                                                                  \
    template void forward<S>(const MatIn<S>&, const RowIn<S>&, const RowIn<S>&, S,             \
                             ForwardCache<S>&);                                                \
    template void backwardStaged<S>(const MatIn<S>&, const ForwardCache<S>&, const RowIn<S>&,  \
                                    StagedGradients<S>&);                                      \
    template Gradients<S> backwardFused<S>(const MatIn<S>&, const ForwardCache<S>&,            \
                                           const RowIn<S>&);                                   \
    template FusedTerms<S> backwardFusedTerms<S>(const MatIn<S>&, const ForwardCache<S>&,      \
                                                 const RowIn<S>&);

BNFLOW_INSTANTIATE(float)
BNFLOW_INSTANTIATE(double)

}  // namespace bnflow
