// Numerical gradient check: central differences on f = sum(y * dout), whose gradient is exactly
// the backward pass (doc/derivation.md#gradient-check).
#pragma once

#include <core/model/session.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace bnflow {

struct GradCheckSettings {
    double h = 1e-5;
    Dtype dtype = Dtype::F64;
    // How many entries of dx to check, drawn at random without replacement from a generator
    // seeded with `seed` (as CS231n's grad_check_sparse does); 0 or >= N x D: every entry.
    // dgamma and dbeta are always checked whole: they cost O(N D) together.
    std::size_t samples = 0;
    std::uint64_t seed = 0;
    const std::atomic<bool>* cancel = nullptr;  // polled between entries
    // Called now and then with (entries done, entries in all), from the calling thread.
    std::function<void(std::size_t done, std::size_t total)> progress;
};

struct GradCheckReport {
    enum class Status { Ok, NonFinite, Cancelled };
    Status status = Status::Ok;
    std::optional<Problem> problem;  // set with NonFinite: the first entry, and why
    double h = 0;
    Dtype dtype = Dtype::F64;
    // The entries of dx checked, as k = j * N + i (feature-major, as the plots number them),
    // ascending; all N x D of them unless the check was sampled.
    std::vector<Eigen::Index> checkedDx;
    bool sampled = false;
    // N x D; an entry that was not checked is NaN in numericDx and relErrorDx.
    Matrix numericDx, analyticDx, relErrorDx;
    RowVector numericDgamma, analyticDgamma, relErrorDgamma;  // 1 x D
    RowVector numericDbeta, analyticDbeta, relErrorDbeta;     // 1 x D
    // Over the checked entries. The per-entry measure of doc/derivation.md#gradient-check:
    double maxRelDx = 0, maxRelDgamma = 0, maxRelDbeta = 0;
    // max |numeric - analytic| / max |analytic|. The per-entry measure blows up on entries that
    // are near 0 by chance, where the differences' rounding floor (about 1e-10 absolute at
    // h = 1e-5 in float64) dominates; this one does not.
    double scaledDx = 0, scaledDgamma = 0, scaledDbeta = 0;

    bool ok() const { return status == Status::Ok; }
};

// |a - b| / max(|a|, |b|, 1e-300)
double relativeError(double a, double b);

// Requires a session that analyze() accepts. The analytic side is the fused backward, computed
// in the same precision as the differences. float32 checks are unreliable: rounding in f swamps
// the difference quotient, which is why CS231n's 1e-7 threshold is for float64 only.
// Each difference re-runs the forward pass of one column only, so checking every entry costs
// O(N^2 D); a sample of K entries costs O(K N + N D). A difference that is not finite (f
// overflows a double) is never a pass: the report says NonFinite and names the entry.
// Every layer of the family (family.h) is checked too, in float64 whatever settings.dtype says
// (the report's dtype says so); each difference re-evaluates one row, O(N D^2) for all of dx.
GradCheckReport gradientCheck(const Session& session, const GradCheckSettings& settings);
GradCheckReport gradientCheck(const Session& session, double h = 1e-5, Dtype dtype = Dtype::F64);

// The sample size that keeps one check near `budget` evaluations of f's terms (K x N): 0 (check
// every entry) when N x D x N fits, else at least 100 entries. About 1 s for the default budget.
inline constexpr double kGradCheckBudget = 2.5e8;
std::size_t boundedGradCheckSamples(Eigen::Index rows, Eigen::Index cols,
                                    double budget = kGradCheckBudget);

}  // namespace bnflow
