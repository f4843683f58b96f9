#!/usr/bin/env python3
"""Generate the reference data of the running-statistics simulation (core/math/running_history.h).

Run from anywhere:  tests/reference/generate_running.py
It writes running/NAME.json: K batches, the running statistics each convention starts from, and
the K + 1 running means and variances of every convention after each batch, in float64. The
files are committed, so the test suite never needs PyTorch. Deterministic: running it twice
gives the same files.

The batches are drawn here with torch's own generator and written into the case, and bnflow's
test feeds exactly those batches to its simulation: the reference does not depend on bnflow's
random numbers or on any bnflow code.
  pytorch  torch.nn.functional.batch_norm(training=True, momentum=m) on each batch in turn, the
           running_mean and running_var tensors updated in place by PyTorch (unbiased variance);
  keras    NumPy: moving = moving * m + batch * (1 - m), biased variance (Keras' form);
  cs231n   NumPy: running = m * running + (1 - m) * batch, biased variance (CS231n's form).
Each library's initial buffers: torch.nn.BatchNorm1d and keras BatchNormalization start at
mean 0 and var 1, CS231n's batchnorm_forward at np.zeros for both.
"""
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "running")

sys.path.insert(0, os.path.join(os.path.dirname(HERE), "python"))
import torch_env  # noqa: E402

torch_env.ensure_torch()
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)

DEFAULT_MOMENTUM = {"pytorch": 0.1, "keras": 0.99, "cs231n": 0.9}


def library_start(convention, d):
    var = np.zeros(d) if convention == "cs231n" else np.ones(d)
    return np.zeros(d), var


def rows(a):
    return [[float(v) for v in r] for r in np.asarray(a).tolist()]


def history_pytorch(batches, start, m):
    rm = torch.from_numpy(start[0].copy())
    rv = torch.from_numpy(start[1].copy())
    means, vars_ = [rm.numpy().copy()], [rv.numpy().copy()]
    for b in batches:
        F.batch_norm(torch.from_numpy(b), rm, rv, None, None, training=True, momentum=m, eps=1e-5)
        means.append(rm.numpy().copy())
        vars_.append(rv.numpy().copy())
    return means, vars_


def history_keras_form(batches, start, m):
    # Keras: moving * momentum + batch * (1 - momentum); CS231n writes the same sum the other
    # way round. The biased variance (np.var's ddof = 0) in both.
    r_mean, r_var = start[0].copy(), start[1].copy()
    means, vars_ = [r_mean.copy()], [r_var.copy()]
    for b in batches:
        r_mean = r_mean * m + b.mean(0) * (1 - m)
        r_var = r_var * m + b.var(0) * (1 - m)
        means.append(r_mean.copy())
        vars_.append(r_var.copy())
    return means, vars_


def case(name, batches, note, start=None, weight=None, rtol=1e-12):
    """start: None for each library's initial buffers, else (mean, var) for all three.
    weight: None for each convention's default momentum, else the weight of the new batch."""
    d = batches[0].shape[1]
    histories, starts, momenta = {}, {}, {}
    for conv in ("pytorch", "keras", "cs231n"):
        s = library_start(conv, d) if start is None else start
        if weight is None:
            m = DEFAULT_MOMENTUM[conv]
        else:
            m = weight if conv == "pytorch" else 1 - weight
        run = history_pytorch if conv == "pytorch" else history_keras_form
        means, vars_ = run(batches, s, m)
        starts[conv] = {"mean": [float(v) for v in s[0]], "var": [float(v) for v in s[1]]}
        momenta[conv] = m
        histories[conv] = {"mean": rows(means), "var": rows(vars_)}
    data = {
        "case": name, "notes": note, "torch_version": torch.__version__,
        "numpy_version": np.__version__, "rtol": rtol,
        "start": "library" if start is None else "given", "new_batch_weight": weight,
        "batches": [rows(b) for b in batches], "initial": starts, "momentum": momenta,
        "history": histories,
    }
    with open(os.path.join(OUT, f"{name}.json"), "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    return name


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    gen = torch.Generator().manual_seed(20261202)

    def randn(*shape):
        return torch.randn(*shape, generator=gen)

    def draws(k, n, d, scale=1.0, offset=0.0):
        return [(scale * randn(n, d) + offset).numpy() for _ in range(k)]

    names = [
        case("library_8x3_k10", draws(10, 8, 3, 5.0, 12.0),
             "CS231n's test data, 10 batches from each library's initial buffers, default momenta."),
        case("given_start_5x4_k6", draws(6, 5, 4), "Starting from given running statistics.",
             start=((0.5 * randn(4)).numpy(), (0.5 + torch.rand(4, generator=gen)).numpy())),
        case("weight_0.3_6x2_k5", draws(5, 6, 2, 2.0, -1.0),
             "One weight, 0.3, on each new batch: PyTorch m = 0.3, Keras and CS231n m = 0.7.",
             weight=0.3),
        case("n2_2x3_k4", draws(4, 2, 3), "N = 2: PyTorch's unbiased variance doubles the biased one."),
        case("one_batch_4x3_k1", draws(1, 4, 3, 3.0, 1.0), "One batch: a single update."),
        case("weight_1_3x2_k3", draws(3, 3, 2), "Weight 1: the running statistics are the last batch's.",
             weight=1.0),
    ]
    print(f"wrote {len(names)} running-statistics cases to {OUT} with torch {torch.__version__}")


if __name__ == "__main__":
    main()
