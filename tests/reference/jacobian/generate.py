#!/usr/bin/env python3
"""Generate the PyTorch reference of `bnflow-cli jacobian` (doc/jacobian.md).

Run from anywhere:  tests/reference/jacobian/generate.py
It writes, for every case,
  cases/NAME.bnflow.json    the session, in bnflow's session format (the family's writer)
  cases/NAME.expected.json  the Jacobian of one normalization set, from PyTorch in float64
and is deterministic: running it twice gives the same files. The files are committed, so the
test suite itself never needs PyTorch.

The reference: torch.autograd.functional.jacobian of the whole layer, y (N x D) as a function of
x (N x D), through PyTorch's own function where one exists (F.batch_norm in training and eval
mode, on (N, C, L) for spatial batch norm; F.layer_norm; F.group_norm), RMSNorm by its formula
with autograd; then restricted to the rows and columns of the set. The set's cells, its name
and size are worked out here from the contract, independently of bnflow. Eigenvalues: numpy's
eigvalsh of S^1/2 diag(gamma) S^1/2 with S = diag(1/gamma) J made symmetric, checked against the
real parts of np.linalg.eigvals(J); null_space_dim from numpy's singular values of J, counting
those above 1e-12 times the largest as the rank.
"""
import importlib.util
import json
import os
import shutil
import sys


HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "cases")
# tests/reference/generate.py, by its path (this file has the same name): the family's session
# writer; importing it makes torch importable and float64 the default.
_spec = importlib.util.spec_from_file_location("reference_generate",
                                               os.path.join(os.path.dirname(HERE), "generate.py"))
reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reference)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def layer_function(layer, n, d, gamma, beta, eps, groups=None, channels=None, running=None):
    """y = layer(x) for an N x D x, every parameter fixed."""
    c = channels if channels is not None else d
    shape = (n, c, d // c)

    def f(x):
        if layer == "rmsnorm":
            return gamma * x / torch.sqrt((x * x).mean(1, keepdim=True) + eps) + beta
        if layer == "layernorm":
            return F.layer_norm(x, (d,), gamma, beta, eps)
        if layer == "groupnorm":
            return F.group_norm(x.reshape(shape), groups, gamma, beta, eps).reshape(n, d)
        mean, var = running if running is not None else (None, None)
        y = F.batch_norm(x.reshape(shape), mean, var, gamma, beta, training=running is None, eps=eps)
        return y.reshape(n, d)
    return f


def the_set(layer, n, d, feature, sample, groups=None, channels=None, eval_mode=False):
    """The cells (i, j) of the set, sample-major, and its name, as the contract defines them."""
    if layer == "batchnorm" and (eval_mode or channels is None):
        return [(i, feature) for i in range(n)], f"feature {feature}"
    if layer == "batchnorm":
        length = d // channels
        c = feature // length
        return [(i, c * length + l) for i in range(n) for l in range(length)], f"channel {c}"
    if layer in ("layernorm", "rmsnorm"):
        return [(sample, j) for j in range(d)], f"sample {sample}"
    size = d // groups
    g = feature // size
    return [(sample, g * size + k) for k in range(size)], f"sample {sample}, group {g}"


def eigenvalues(jac, gamma_of_entry):
    """Ascending real eigenvalues of J = diag(gamma) S through the symmetric construction,
    cross-checked against the general eigensolver."""
    s = jac / gamma_of_entry[:, None]
    s = 0.5 * (s + s.T)
    w, v = np.linalg.eigh(s)
    root = v @ np.diag(np.sqrt(np.clip(w, 0.0, None))) @ v.T
    product = root @ np.diag(gamma_of_entry) @ root
    values = np.linalg.eigvalsh(0.5 * (product + product.T))
    general = np.linalg.eigvals(jac)
    scale = max(float(np.abs(values).max()), 1e-300)
    assert float(np.abs(general.imag).max()) <= 1e-8 * scale, general
    assert float(np.abs(np.sort(general.real) - values).max()) <= 1e-8 * scale, (general, values)
    return values


def jacobian_case(name, layer, x, gamma, beta, eps, dout, note, feature=0, sample=0, groups=None,
                  channels=None, running=None):
    n, d = x.shape
    f = layer_function(layer, n, d, gamma, beta, eps, groups, channels, running)
    full = torch.autograd.functional.jacobian(f, x)  # (N, D, N, D): d y[i][j] / d x[k][l]
    cells, set_name = the_set(layer, n, d, feature, sample, groups, channels, running is not None)
    jac = np.array([[float(full[a][b][k][l]) for (k, l) in cells] for (a, b) in cells])
    per_entry = gamma.numpy() if channels is None else np.repeat(gamma.numpy(), d // channels)
    gamma_of_entry = np.array([per_entry[j] for (_, j) in cells])
    singular = np.linalg.svd(jac, compute_uv=False)
    rank = int((singular > 1e-12 * singular.max()).sum())
    session = reference.session_of(name, note, x, gamma, beta, eps, dout, layer, running=running,
                                   groups=groups, mode="eval" if running is not None else None,
                                   **({"channels": channels} if channels is not None else {}))
    expected = {
        "case": name, "torch_version": torch.__version__,
        "reference": "torch.autograd.functional.jacobian of the layer in float64, restricted to the set",
        "feature": feature, "sample": sample,
        "layer": layer, "set": set_name, "size": len(cells),
        "matrix": [[float(v) for v in row] for row in jac],
        "eigenvalues": [float(v) for v in eigenvalues(jac, gamma_of_entry)],
        "null_space_dim": len(cells) - rank,
    }
    for suffix, data in (("bnflow.json", session), ("expected.json", expected)):
        with open(os.path.join(OUT, f"{name}.{suffix}"), "w") as out:
            json.dump(data, out, indent=1)
            out.write("\n")
    return name


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    gen = torch.Generator().manual_seed(20261207)

    def randn(*shape):
        return torch.randn(*shape, generator=gen)

    names = []

    def add(name, layer, n, d, note, x=None, eps=1e-5, affine=None, **kw):
        k = kw.get("channels") or d
        g, b = (1.0 + 0.5 * randn(k), 0.3 * randn(k)) if affine is None else affine
        xs = randn(n, d) if x is None else x
        names.append(jacobian_case(name, layer, xs, g, b, eps, randn(n, d), note, **kw))

    add("batchnorm_6x3", "batchnorm", 6, 3, "Training batch norm: feature 1's column.", feature=1)
    add("batchnorm_eps0_5x3", "batchnorm", 5, 3, "eps = 0: xhat joins 1 in the null space.",
        eps=0.0, feature=2)
    add("batchnorm_n2_2x3", "batchnorm", 2, 3,
        "N = 2 with var (1e-4) not far above eps: the one non-zero eigenvalue is eps-sized.",
        x=0.01 * randn(2, 3), feature=0)
    constant = randn(4, 3)
    constant[:, 0] = 2.5
    # 5 + k 2^-30 over 4 samples: every sum is exact, var (about 1e-18) is far below eps.
    constant[:, 1] = 5.0 + torch.round(4 * randn(4)) * 2.0 ** -30
    add("batchnorm_constant_4x3", "batchnorm", 4, 3, "A constant column: xhat = 0.", x=constant,
        feature=0)
    add("batchnorm_nearly_constant_4x3", "batchnorm", 4, 3,
        "A column constant but for 2^-30 steps: var far below eps.", x=constant.clone(), feature=1)
    add("batchnorm_64x2", "batchnorm", 64, 2, "M = 64.", feature=1)
    running = (0.5 * randn(4), 0.5 + torch.rand(4, generator=gen))
    add("batchnorm_eval_5x4", "batchnorm", 5, 4, "Eval mode: a diagonal matrix.", feature=2,
        running=running)
    add("spatial_batchnorm_4x3x5", "batchnorm", 4, 15, "Spatial batch norm: feature 7 is in channel 1.",
        feature=7, channels=3)
    add("spatial_batchnorm_eps0_3x2x3", "batchnorm", 3, 6, "Spatial batch norm with eps = 0.",
        eps=0.0, feature=5, channels=2)
    running = (0.5 * randn(2), 0.5 + torch.rand(2, generator=gen))
    add("spatial_batchnorm_eval_3x2x4", "batchnorm", 3, 8,
        "Spatial eval: feature 5's column, its channel's running statistics.", feature=5,
        channels=2, running=running)
    add("layernorm_4x5", "layernorm", 4, 5, "Layer norm: sample 2's row.", sample=2)
    add("layernorm_eps0_3x6", "layernorm", 3, 6, "Layer norm with eps = 0.", eps=0.0, sample=1)
    add("layernorm_n2_2x4", "layernorm", 2, 4, "Two samples; sample 1.", sample=1, feature=3)
    rows = randn(3, 5)
    rows[1] = -0.75
    add("layernorm_constant_row_3x5", "layernorm", 3, 5, "A constant row: xhat = 0.", x=rows,
        sample=1)
    add("layernorm_3x64", "layernorm", 3, 64, "M = 64.", sample=1)
    add("rmsnorm_4x5", "rmsnorm", 4, 5, "RMSNorm: sample 3's row.", sample=3)
    add("rmsnorm_eps0_2x6", "rmsnorm", 2, 6, "RMSNorm with eps = 0: only xhat is in the null space.",
        eps=0.0, sample=0)
    add("groupnorm_g2_3x8", "groupnorm", 3, 8, "Group norm, G = 2: sample 1, feature 5's group.",
        groups=2, sample=1, feature=5)
    add("groupnorm_g2_eps0_2x8", "groupnorm", 2, 8, "Group norm with eps = 0.", eps=0.0, groups=2,
        sample=0, feature=2)
    add("groupnorm_g1_2x5", "groupnorm", 2, 5, "G = 1: layer norm.", groups=1, sample=1)
    add("spatial_groupnorm_g2_3x4x2", "groupnorm", 3, 8,
        "Spatial group norm: a group of two channels, two gammas in one set.", groups=2,
        channels=4, sample=2, feature=6)
    print(f"wrote {len(names)} cases to {OUT} with torch {torch.__version__}")


if __name__ == "__main__":
    main()
