#!/usr/bin/env python3
"""Generate the PyTorch reference data that bnflow's tests compare against.

Run from anywhere:  tests/reference/generate.py
It installs Debian's python3-torch if it is missing, writes for every case
  cases/NAME.bnflow.json   the session (inputs), in bnflow's session format
  cases/NAME.expected.json the reference values computed by PyTorch in float64
and is deterministic: running it twice gives the same files. The files are committed, so the
test suite itself never needs PyTorch.

Two independent PyTorch routes are computed and must agree before anything is written:
  native:  torch.nn.functional.batch_norm(training=True) with autograd (N > 1 only: PyTorch
           refuses one sample per channel in training mode);
  formula: autograd through the forward formulas of doc/derivation.md#forward-pass, with retain_grad() on the
           intermediates so that dxhat, dvar and dmean come from autograd too.

It also writes family/NAME.bnflow.json and family/NAME.expected.json, the normalization family
(doc/derivation.md#the-normalization-family), each from PyTorch's own function where one exists:
  layernorm  torch.nn.functional.layer_norm(x, (D,))
  groupnorm  torch.nn.functional.group_norm(x, G) on the (N, D) batch
  rmsnorm    autograd through y = gamma * x / sqrt(mean_j x^2 + eps) + beta (PyTorch 1.13 has none)
  batchnorm  eval: torch.nn.functional.batch_norm(training=False) with the running statistics;
             training with running statistics, pytorch convention: batch_norm(training=True) with
             running_mean/running_var tensors that it updates in place. The keras and cs231n
             conventions are computed here with NumPy from the biased batch variance,
             r <- m r + (1 - m) s, as no PyTorch function implements them.
"""
import json
import math
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "cases")
FAMILY_OUT = os.path.join(HERE, "family")


sys.path.insert(0, os.path.join(os.path.dirname(HERE), "python"))
import torch_env  # noqa: E402

torch_env.ensure_torch()
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)


def rows(t):
    return [[float(v) for v in r] for r in t.tolist()]


def vec(t):
    return [float(v) for v in t.tolist()]


def formula_route(x, gamma, beta, eps, dout):
    x = x.clone().requires_grad_(True)
    g = gamma.clone().requires_grad_(True)
    b = beta.clone().requires_grad_(True)
    n = x.shape[0]
    mean = x.sum(0) / n
    xmu = x - mean
    var = (xmu * xmu).sum(0) / n
    inv_std = (var + eps) ** -0.5
    xhat = xmu * inv_std
    y = g * xhat + b
    for t in (mean, var, xhat):
        t.retain_grad()
    (y * dout).sum().backward()
    return {
        "mean": mean.detach(), "var": var.detach(), "inv_std": inv_std.detach(),
        "xhat": xhat.detach(), "y": y.detach(),
        "dxhat": xhat.grad, "dvar": var.grad, "dmean": mean.grad,
        "dx": x.grad, "dgamma": g.grad, "dbeta": b.grad,
    }


def native_route(x, gamma, beta, eps, dout):
    x = x.clone().requires_grad_(True)
    g = gamma.clone().requires_grad_(True)
    b = beta.clone().requires_grad_(True)
    y = F.batch_norm(x, None, None, g, b, training=True, eps=eps)
    y.backward(dout)
    return {"y": y.detach(), "dx": x.grad, "dgamma": g.grad, "dbeta": b.grad}


def term_scale(key, ref, x, gamma, beta, dout):
    """The magnitude of the terms that make up a tensor: the yardstick for its rounding error.
    (The tests use the same rule, tests/common/reference.cpp.) A tensor that is 0 in exact math
    (dx for dout = 1) is then compared against the size of what cancelled, not against 0."""
    n = x.shape[0]
    amax = lambda t: float(t.abs().max())
    dxhat = amax(dout * gamma)
    r = amax(ref["inv_std"])
    xmu = amax(x - ref["mean"])
    scales = {
        "mean": amax(x), "var": xmu * xmu, "inv_std": r, "xhat": xmu * r,
        "y": amax(gamma) * xmu * r + amax(beta), "dxhat": dxhat,
        "dgamma": n * amax(dout) * xmu * r, "dbeta": n * amax(dout),
        "dvar": n * dxhat * xmu * r ** 3, "dmean": n * dxhat * r, "dx": dxhat * r,
    }
    return max(scales[key], amax(ref[key]), 1e-300)


def case(name, x, gamma, beta, eps, dout, note, rtol=1e-12, integer_x=False):
    """rtol: allowed max |bnflow - torch| relative to the magnitude of the terms of a tensor."""
    ref = formula_route(x, gamma, beta, eps, dout)
    native_diff = None
    if x.shape[0] > 1:
        # The native kernel computes y as x * a + (beta - mean * a), which cancels on offset
        # data, so it is held to a tolerance scaled by each column's conditioning max|x| / std.
        native = native_route(x, gamma, beta, eps, dout)
        cond = float((x.abs().max(0).values * ref["inv_std"]).max().clamp(min=1.0))
        native_diff = {}
        for key in ("y", "dx", "dgamma", "dbeta"):
            err = float((native[key] - ref[key]).abs().max()) / term_scale(key, ref, x, gamma, beta, dout)
            assert err < 1e-12 * cond, (name, key, err, cond)
            native_diff[key] = err
    session = {
        "format": "bnflow-session",
        "version": 1,
        "title": name,
        "notes": note,
        "x": [[int(v) for v in r] for r in x.tolist()] if integer_x else rows(x),
        "gamma": vec(gamma),
        "beta": vec(beta),
        "eps": eps,
        "dout": rows(dout),
    }
    expected = {
        "case": name,
        "torch_version": torch.__version__,
        "reference": "torch autograd through the forward formulas of doc/derivation.md, float64",
        "native_batch_norm_rel_diff": native_diff,
        "rtol": rtol,
        "forward": {k: (rows(ref[k]) if ref[k].dim() == 2 else vec(ref[k]))
                    for k in ("mean", "var", "inv_std", "xhat", "y")},
        "staged": {k: (rows(ref[k]) if ref[k].dim() == 2 else vec(ref[k]))
                   for k in ("dxhat", "dvar", "dmean")},
        "grads": {k: (rows(ref[k]) if ref[k].dim() == 2 else vec(ref[k]))
                  for k in ("dx", "dgamma", "dbeta")},
    }
    for suffix, data in (("bnflow.json", session), ("expected.json", expected)):
        with open(os.path.join(OUT, f"{name}.{suffix}"), "w") as f:
            json.dump(data, f, indent=1)
            f.write("\n")
    return name


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    gen = torch.Generator().manual_seed(20261124)

    def randn(*shape):
        return torch.randn(*shape, generator=gen)

    def params(d):
        # Random gamma (not 1) and beta (not 0): gamma = 1 hides real bugs (doc/derivation.md#invariants).
        return 1.0 + 0.5 * randn(d), 0.3 * randn(d)

    names = []
    names.append(case("tiny_2x2", torch.tensor([[1.0, 2.0], [3.0, 5.0]]), torch.tensor([2.0, -0.5]),
                      torch.tensor([0.5, 1.0]), 1e-5, torch.tensor([[1.0, -1.0], [0.5, 2.0]]),
                      "The smallest batch that is not degenerate: 2 samples, 2 features."))
    names.append(case("contract_2x3", torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.5, 6.0]]),
                      torch.tensor([1.0, 0.5, 2.0]), torch.tensor([0.0, 0.1, -0.3]), 1e-5,
                      torch.tensor([[0.1, -0.2, 0.3], [0.4, 0.0, -0.1]]),
                      "The example of the session-file contract."))
    for name, n, d, note in (("small_4x3", 4, 3, "A small random batch."),
                             ("medium_16x8", 16, 8, "A medium random batch."),
                             ("tall_64x16", 64, 16, "The largest batch the GUI edits."),
                             ("wide_3x32", 3, 32, "Few samples, many features."),
                             ("big_batch_512x8", 512, 8, "Many samples per feature.")):
        g, b = params(d)
        names.append(case(name, randn(n, d), g, b, 1e-5, randn(n, d), note))
    g, b = params(5)
    names.append(case("cs231n_offset_8x5", 5 * randn(8, 5) + 12, g, b, 1e-5, randn(8, 5),
                      "CS231n's test data: x = 5 * randn + 12."))
    g, b = params(5)
    names.append(case("cs231n_offset_50x5", 5 * randn(50, 5) + 12, g, b, 1e-5, randn(50, 5),
                      "CS231n's test data with more samples."))
    # 1e6 + multiples of 1/8 over 16 samples: every sum is exact, so both sides agree to the last
    # bits and a one-pass variance would be exact too; the randn case below is the realistic one.
    dyadic = 1e6 + torch.round(8 * randn(16, 4)) / 8
    g, b = params(4)
    names.append(case("offset_1e6_dyadic_16x4", dyadic, g, b, 1e-5, randn(16, 4),
                      "A 1e6 offset with values that make every sum exact."))
    # With x ~ 1e6 + randn, the mean carries a rounding error of about 1e6 * 2^-53 * sqrt(N),
    # so xmu (and everything after it) agrees with any other two-pass implementation only to
    # about 1e-10 relative: a property of the data, not of either implementation.
    offset = 1e6 + randn(16, 4)
    g, b = params(4)
    names.append(case("offset_1e6_randn_16x4", offset, g, b, 1e-5, randn(16, 4),
                      "A 1e6 offset with random noise: ill-conditioned centring.", rtol=1e-8))
    g, b = params(4)
    names.append(case("n1_1x4", randn(1, 4), g, b, 1e-5, randn(1, 4),
                      "N = 1: var = 0, xhat = 0, y = beta, dx = 0. Useless, but defined."))
    g, b = params(3)
    names.append(case("n2_2x3", randn(2, 3), g, b, 1e-5, randn(2, 3),
                      "N = 2: xhat is +-1 (almost) and dx is eps-small."))
    g, b = params(1)
    names.append(case("d1_10x1", randn(10, 1), g, b, 1e-5, randn(10, 1), "One feature."))
    g, b = params(4)
    g[1] = 0.0
    g[3] = 0.0
    names.append(case("zero_gamma_columns_6x4", randn(6, 4), g, b, 1e-5, randn(6, 4),
                      "gamma = 0 on two features: y is constant there and their dx is 0."))
    g, b = params(5)
    names.append(case("eps_keras_1e-3_5x5", randn(5, 5), g, b, 1e-3, randn(5, 5),
                      "Keras' default eps."))
    g, b = params(3)
    names.append(case("eps_zero_6x3", randn(6, 3), g, b, 0.0, randn(6, 3),
                      "eps = 0 is fine while no feature is constant."))
    g, b = params(3)
    names.append(case("large_scale_1e30_8x3", 1e30 * randn(8, 3), g, b, 1e-5, randn(8, 3),
                      "Huge values: var is about 1e60, still far from overflow."))
    g, b = params(3)
    names.append(case("small_scale_1e-8_8x3", 1e-8 * randn(8, 3), g, b, 1e-5, randn(8, 3),
                      "var (1e-16) is far below eps: xhat is tiny, not of unit variance."))
    g, b = params(3)
    const = randn(6, 3)
    const[:, 1] = 2.5
    names.append(case("constant_column_6x3", const, g, b, 1e-5, randn(6, 3),
                      "A constant feature with eps > 0: var = 0 and xhat = 0, but dx = inv_std * (dxhat - mean(dxhat)), not 0."))
    g, b = params(4)
    names.append(case("dout_all_ones_5x4", randn(5, 4), g, b, 1e-5, torch.ones(5, 4),
                      "dout = 1 (loss = sum of y) gives dx = 0 in exact math: degenerate, not a bug."))
    g, b = params(4)
    hot = torch.zeros(5, 4)
    hot[2, 1] = 1.0
    names.append(case("dout_one_hot_5x4", randn(5, 4), g, b, 1e-5, hot,
                      "The gradient of a single output y[2][1]."))
    names.append(case("negative_gamma_7x3", randn(7, 3), -1.0 - torch.rand(3, generator=gen),
                      0.3 * randn(3), 1e-5, randn(7, 3), "Negative gamma flips the sign of y."))
    g, b = params(4)
    scales = torch.tensor([1e-3, 1.0, 1e3, 1e6])
    names.append(case("mixed_scales_20x4", randn(20, 4) * scales, g, b, 1e-5, randn(20, 4),
                      "Features of very different scales."))
    g, b = params(4)
    ints = torch.randint(-9, 10, (4, 4), generator=gen).to(torch.float64)
    names.append(case("integers_4x4", ints, g, b, 1e-5, randn(4, 4),
                      "Integer inputs written without a decimal point.", integer_x=True))
    g, b = params(3)
    names.append(case("large_dout_1e10_5x3", randn(5, 3), g, b, 1e-5, 1e10 * randn(5, 3),
                      "A huge upstream gradient."))
    print(f"wrote {len(names)} cases to {OUT} with torch {torch.__version__}")
    family_main()


def family_case(name, layer, x, gamma, beta, eps, dout, note, rtol=1e-12, groups=None,
                mode=None, running=None, momentum=None, convention=None, channels=None):
    """One case of the family. running = (running_mean, running_var) before the batch.
    channels = C: spatial normalization, PyTorch's own function on x.reshape(N, C, L)."""
    n, d = x.shape
    if channels is not None:
        return spatial_case(name, layer, x, gamma, beta, eps, dout, note, rtol, groups, mode,
                            running, channels)
    xg = x.clone().requires_grad_(True)
    g = gamma.clone().requires_grad_(True)
    b = beta.clone().requires_grad_(True)
    updated = None
    if layer == "layernorm":
        y = F.layer_norm(xg, (d,), g, b, eps)
        how = "torch.nn.functional.layer_norm(x, (D,), gamma, beta, eps)"
    elif layer == "groupnorm":
        y = F.group_norm(xg, groups, g, b, eps)
        how = f"torch.nn.functional.group_norm(x, {groups}, gamma, beta, eps)"
    elif layer == "rmsnorm":
        y = g * xg / torch.sqrt((xg * xg).mean(1, keepdim=True) + eps) + b
        how = "torch autograd through gamma * x / sqrt(mean_j x^2 + eps) + beta"
    elif mode == "eval":
        y = F.batch_norm(xg, running[0].clone(), running[1].clone(), g, b, training=False, eps=eps)
        how = "torch.nn.functional.batch_norm(training=False) with running_mean, running_var"
    else:  # training batch norm with running statistics
        rm, rv = running[0].clone(), running[1].clone()
        conv = convention or "pytorch"
        m = momentum if momentum is not None else {"pytorch": 0.1, "keras": 0.99, "cs231n": 0.9}[conv]
        if conv == "pytorch":
            y = F.batch_norm(xg, rm, rv, g, b, training=True, momentum=m, eps=eps)
            updated = (rm, rv)  # updated in place by PyTorch
            how = f"torch.nn.functional.batch_norm(training=True, momentum={m}), running stats updated in place"
        else:
            if n > 1:
                y = F.batch_norm(xg, None, None, g, b, training=True, eps=eps)
            else:  # PyTorch refuses one sample in training mode: autograd through the formula
                mu = xg.mean(0)
                y = g * (xg - mu) / torch.sqrt(((xg - mu) ** 2).mean(0) + eps) + b
            xs = x.numpy()
            s_mean, s_var = xs.mean(0), xs.var(0)  # biased, as Keras and CS231n feed it
            updated = (torch.from_numpy(m * running[0].numpy() + (1 - m) * s_mean),
                       torch.from_numpy(m * running[1].numpy() + (1 - m) * s_var))
            how = (f"torch.nn.functional.batch_norm(training=True); running stats by NumPy, {conv}: "
                   f"r <- m r + (1 - m) s with the biased variance, m = {m}")
    y.backward(dout)
    # Statistics in the layer's own shape, computed with torch from x.
    with torch.no_grad():
        if layer in ("layernorm", "groupnorm"):
            gr = groups if layer == "groupnorm" else 1
            xr = x.reshape(n, gr, d // gr)
            mean = xr.mean(2)
            var = xr.var(2, unbiased=False)
            inv = (var + eps) ** -0.5
            if layer == "layernorm":
                mean, var, inv = mean[:, 0], var[:, 0], inv[:, 0]
            stats = {"mean": mean, "var": var, "inv_std": inv}
        elif layer == "rmsnorm":
            ms = (x * x).mean(1)
            stats = {"rms": (ms + eps) ** 0.5, "rrms": (ms + eps) ** -0.5}
        elif mode == "eval":
            stats = {"running_mean": running[0], "running_var": running[1],
                     "inv_std": (running[1] + eps) ** -0.5}
        else:
            stats = {"mean": x.mean(0), "var": x.var(0, unbiased=False),
                     "inv_std": (x.var(0, unbiased=False) + eps) ** -0.5}

    session = session_of(name, note, x, gamma, beta, eps, dout, layer=layer, groups=groups,
                         mode=mode, running=running, momentum=momentum, convention=convention)
    expected = expected_of(name, layer, how, rtol, stats, y, (xg.grad, g.grad, b.grad), updated)
    return write_case(name, session, expected)


def session_of(name, note, x, gamma, beta, eps, dout, layer, running=None, **keys):
    """A session file of the family: the keys given (None: left out) in the order given, the
    running statistics as two vectors, "layer" only when it is not batch norm."""
    session = {"format": "bnflow-session", "version": 1, "title": name, "notes": note,
               "x": rows(x), "gamma": vec(gamma), "beta": vec(beta), "eps": eps, "dout": rows(dout)}
    keys = dict(keys)
    if "channels" in keys:  # spatial cases: channels first, as they always were written
        session["channels"] = keys.pop("channels")
    if layer != "batchnorm":
        session["layer"] = layer
    for key in ("groups", "mode"):
        if keys.get(key) is not None:
            session[key] = keys.pop(key)
    if running is not None:
        session["running_mean"] = vec(running[0])
        session["running_var"] = vec(running[1])
    session.update({k: v for k, v in keys.items() if v is not None})
    return session


def expected_of(name, layer, how, rtol, stats, y, grads, updated, **extra):
    """What PyTorch computed: the statistics in the layer's shape, y, the gradients (N x D rows),
    the updated running statistics; extra keys ("channels") after rtol."""
    as_json = lambda t: rows(t) if t.dim() == 2 else vec(t)
    dx, dgamma, dbeta = grads
    expected = {"case": name, "torch_version": torch.__version__, "layer": layer, "reference": how,
                "rtol": rtol, **extra,
                "forward": dict({k: as_json(v) for k, v in stats.items()}, y=rows(y)),
                "grads": {"dx": rows(dx), "dgamma": vec(dgamma), "dbeta": vec(dbeta)}}
    if updated is not None:
        expected["running"] = {"mean": vec(updated[0]), "var": vec(updated[1])}
    return expected


def write_case(name, session, expected):
    for suffix, data in (("bnflow.json", session), ("expected.json", expected)):
        with open(os.path.join(FAMILY_OUT, f"{name}.{suffix}"), "w") as f:
            json.dump(data, f, indent=1)
            f.write("\n")
    return name


def spatial_case(name, layer, x, gamma, beta, eps, dout, note, rtol, groups, mode, running,
                 channels):
    """Spatial batch norm (train, eval, running statistics with the pytorch convention) and
    spatial group norm: x is N x D read as an (N, C, L) tensor, channel-major."""
    n, d = x.shape
    c, l = channels, d // channels
    xg = x.reshape(n, c, l).clone().requires_grad_(True)
    g = gamma.clone().requires_grad_(True)
    b = beta.clone().requires_grad_(True)
    updated = None
    if layer == "groupnorm":
        y = F.group_norm(xg, groups, g, b, eps)
        how = f"torch.nn.functional.group_norm(x.reshape(N, {c}, {l}), {groups}, gamma, beta, eps)"
    elif mode == "eval":
        y = F.batch_norm(xg, running[0].clone(), running[1].clone(), g, b, training=False, eps=eps)
        how = f"torch.nn.functional.batch_norm(x.reshape(N, {c}, {l}), training=False)"
    elif running is not None:
        rm, rv = running[0].clone(), running[1].clone()
        y = F.batch_norm(xg, rm, rv, g, b, training=True, momentum=0.1, eps=eps)
        updated = (rm, rv)
        how = (f"torch.nn.functional.batch_norm(x.reshape(N, {c}, {l}), training=True, "
               "momentum=0.1), running stats updated in place")
    else:
        y = F.batch_norm(xg, None, None, g, b, training=True, eps=eps)
        how = f"torch.nn.functional.batch_norm(x.reshape(N, {c}, {l}), training=True)"
    y.backward(dout.reshape(n, c, l))
    with torch.no_grad():
        x3 = x.reshape(n, c, l)
        if layer == "groupnorm":
            xr = x.reshape(n, groups, d // groups)
            mean, var = xr.mean(2), xr.var(2, unbiased=False)
            stats = {"mean": mean, "var": var, "inv_std": (var + eps) ** -0.5}
        elif mode == "eval":
            stats = {"running_mean": running[0], "running_var": running[1],
                     "inv_std": (running[1] + eps) ** -0.5}
        else:
            mean, var = x3.mean((0, 2)), x3.var((0, 2), unbiased=False)
            stats = {"mean": mean, "var": var, "inv_std": (var + eps) ** -0.5}
    session = session_of(name, note, x, gamma, beta, eps, dout, layer=layer, channels=channels,
                         groups=groups, mode=mode, running=running)
    expected = expected_of(name, layer, how, rtol, stats, y.detach().reshape(n, d),
                           (xg.grad.reshape(n, d), g.grad, b.grad), updated, channels=channels)
    return write_case(name, session, expected)


def spatial_main(gen, names):
    """The spatial cases, drawn from their own generator so that adding them left every
    earlier case's numbers as they were."""
    def randn(*shape):
        return torch.randn(*shape, generator=gen)

    def add(name, layer, n, c, l, note, **kw):
        g, b = 1.0 + 0.5 * randn(c), 0.3 * randn(c)
        x = kw.pop("x", None)
        x = randn(n, c * l) if x is None else x
        names.append(family_case(name, layer, x, g, b, kw.pop("eps", 1e-5), randn(n, c * l),
                                 note, channels=c, **kw))

    add("spatial_batchnorm_4x3x5", "batchnorm", 4, 3, 5,
        "CS231n's spatial batch norm: each channel over its N * L entries.")
    add("spatial_batchnorm_n1_1x2x6", "batchnorm", 1, 2, 6,
        "N = 1 is fine: each channel still has L entries.")
    add("spatial_batchnorm_c1_3x1x4", "batchnorm", 3, 1, 4, "One channel: one statistic for all.")
    add("spatial_batchnorm_l1_5x4x1", "batchnorm", 5, 4, 1, "L = 1: plain batch norm.")
    add("spatial_batchnorm_offset_1e6_4x2x3", "batchnorm", 4, 2, 3, "A 1e6 offset.",
        x=1e6 + randn(4, 6), rtol=1e-8)
    add("spatial_batchnorm_eval_3x2x4", "batchnorm", 3, 2, 4, "Eval mode, per channel.",
        mode="eval", running=(0.5 * randn(2), 0.5 + torch.rand(2, generator=gen)))
    add("spatial_batchnorm_running_4x3x2", "batchnorm", 4, 3, 2,
        "Running statistics, pytorch: the unbiased variance over N * L - 1.",
        running=(0.5 * randn(3), 0.5 + torch.rand(3, generator=gen)))
    add("spatial_groupnorm_g2_3x4x3", "groupnorm", 3, 4, 3, "CS231n's spatial group norm.",
        groups=2)
    add("spatial_groupnorm_g4_2x4x2", "groupnorm", 2, 4, 2, "G = C: instance norm.", groups=4)
    add("spatial_groupnorm_g1_2x3x2", "groupnorm", 2, 3, 2, "G = 1: layer norm over (C, L).",
        groups=1)


def family_main():
    if os.path.isdir(FAMILY_OUT):
        shutil.rmtree(FAMILY_OUT)
    os.makedirs(FAMILY_OUT)
    gen = torch.Generator().manual_seed(20261202)

    def randn(*shape):
        return torch.randn(*shape, generator=gen)

    def params(d):
        return 1.0 + 0.5 * randn(d), 0.3 * randn(d)

    names = []

    def add(name, layer, n, d, note, x=None, **kw):
        g, b = params(d)
        xs = randn(n, d) if x is None else x
        names.append(family_case(name, layer, xs, g, b, kw.pop("eps", 1e-5), randn(n, d), note, **kw))

    for layer in ("layernorm", "rmsnorm"):
        add(f"{layer}_4x5", layer, 4, 5, "A small random batch.")
        add(f"{layer}_16x8", layer, 16, 8, "A medium random batch.")
        add(f"{layer}_n1_1x6", layer, 1, 6, "N = 1: fine for a per-sample statistic.")
        add(f"{layer}_d1_5x1", layer, 5, 1, "D = 1: each row is its own set of one element.")
        add(f"{layer}_eps_keras_4x5", layer, 4, 5, "Keras' eps.", eps=1e-3)
        const = randn(4, 5)
        const[2, :] = 0.0 if layer == "rmsnorm" else 1.75
        add(f"{layer}_constant_row_4x5", layer, 4, 5,
            "One row constant (zero for RMSNorm) with eps > 0: its statistic is 0, dx is finite.",
            x=const)
    add("layernorm_offset_1e6_6x8", "layernorm", 6, 8, "A 1e6 offset: ill-conditioned centring.",
        x=1e6 + randn(6, 8), rtol=1e-8)
    add("rmsnorm_offset_1e6_6x8", "rmsnorm", 6, 8, "A 1e6 offset: x / rms is close to 1.",
        x=1e6 + randn(6, 8))
    for groups in (1, 2, 3, 6):
        add(f"groupnorm_g{groups}_4x6", "groupnorm", 4, 6,
            "G = 1 is layer norm; G = D makes every group one element (xhat = 0)." if groups in (1, 6)
            else "Groups of consecutive features.", groups=groups)
    add("groupnorm_n1_1x8", "groupnorm", 1, 8, "N = 1, 4 groups.", groups=4)
    constg = randn(3, 8)
    constg[1, 4:] = -0.5
    add("groupnorm_constant_group_3x8", "groupnorm", 3, 8, "One constant group with eps > 0.",
        x=constg, groups=2)
    add("groupnorm_offset_1e6_5x8", "groupnorm", 5, 8, "A 1e6 offset.", x=1e6 + randn(5, 8),
        groups=2, rtol=1e-8)

    def running(d):
        return 0.5 * randn(d), 0.5 + torch.rand(d, generator=gen)

    add("batchnorm_eval_5x4", "batchnorm", 5, 4, "Eval mode: the running statistics normalize.",
        mode="eval", running=running(4))
    add("batchnorm_eval_n1_1x3", "batchnorm", 1, 3, "Eval mode with one sample is fine.",
        mode="eval", running=running(3))
    add("batchnorm_eval_d1_4x1", "batchnorm", 4, 1, "Eval mode, one feature.", mode="eval",
        running=running(1))
    rz = running(3)
    rz[1][1] = 0.0
    add("batchnorm_eval_zero_var_4x3", "batchnorm", 4, 3, "A running variance of 0 with eps > 0.",
        mode="eval", running=rz)
    add("running_pytorch_6x4", "batchnorm", 6, 4, "PyTorch: m = 0.1, unbiased variance.",
        running=running(4))
    add("running_pytorch_m0.3_5x3", "batchnorm", 5, 3, "PyTorch with momentum 0.3.",
        running=running(3), momentum=0.3, convention="pytorch")
    add("running_pytorch_n2_2x3", "batchnorm", 2, 3, "N = 2: the unbiased variance doubles.",
        running=running(3))
    add("running_keras_6x4", "batchnorm", 6, 4, "Keras: m = 0.99, biased variance.",
        running=running(4), convention="keras")
    add("running_keras_n1_1x3", "batchnorm", 1, 3, "Keras accepts one sample (biased var = 0).",
        running=running(3), convention="keras")
    add("running_cs231n_6x4", "batchnorm", 6, 4, "CS231n: m = 0.9, biased variance.",
        running=running(4), convention="cs231n")
    add("running_cs231n_m0_4x3", "batchnorm", 4, 3, "Momentum 0: the running statistics become the batch's.",
        running=running(3), convention="cs231n", momentum=0.0)
    spatial_main(torch.Generator().manual_seed(20261207), names)
    print(f"wrote {len(names)} family cases to {FAMILY_OUT} with torch {torch.__version__}")


if __name__ == "__main__":
    main()
