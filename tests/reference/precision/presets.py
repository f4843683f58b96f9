#!/usr/bin/python3
"""Writes the precision lens's example sessions (presets/*.bnflow.json), seeded, for
bnflow-cli grad --precision (doc/precision.md has their measured numbers; tests/cli/
test_cli_precision.cpp checks the direction of each effect).

Run with Debian's python3 (python3-numpy): /usr/bin/python3 presets.py
"""
import json
from pathlib import Path

import numpy as np

OUT = Path(__file__).with_name("presets")


def rows(a):
    # 6 significant digits: the session's values are whatever these numbers are; shorter files
    return [[float(f"{v:.6g}") for v in row] for row in np.atleast_2d(a)]


def write(name, title, notes, x, gamma, beta, eps, dout_seed=0, **keys):
    session = {"format": "bnflow-session", "version": 1, "title": title, "notes": notes, **keys,
               "x": rows(x), "gamma": rows(gamma)[0], "beta": rows(beta)[0], "eps": eps,
               "dout_seed": dout_seed}
    (OUT / f"{name}.bnflow.json").write_text(json.dumps(session, indent=1) + "\n")


def main():
    OUT.mkdir(exist_ok=True)
    rng = np.random.default_rng(25)
    # 1. dgamma summed in bf16 over a large batch: once the partial sum is large, bf16's 8 bits
    #    drop the small terms (compare --accumulate f32).
    n = 4096
    write("dgamma_bf16_accumulate", "dgamma over 4096 samples, summed in bf16",
          "Summed in bfloat16, dgamma, dbeta, the mean and the variance lose the small terms once "
          "the partial sum is large; summed in float32 they keep them.",
          rng.normal(0.5, 1.0, size=(n, 1)), [1.2], [0.1], 1e-5, dout_seed=7)
    # 2. RMSNorm at input std 1 and 1e-3 (same draws scaled): in f16 the squares of the small
    #    inputs are subnormal, and rrms^3 in dms overflows.
    z = rng.normal(size=(8, 64))
    gamma = 1.0 + 0.1 * rng.normal(size=64)
    for name, std in (("rmsnorm_std1", 1.0), ("rmsnorm_std1e-3", 1e-3)):
        other = "1e-3" if std == 1.0 else "1"
        write(name, f"RMSNorm, inputs of std {std:g}",
              f"The same draws as the std {other} preset, scaled: compare their errors in float16 (or bfloat16).",
              z * std, gamma, np.zeros(64), 1e-6, dout_seed=3, layer="rmsnorm")
    # 3. Large activations in f16: x - mean is in range, its square (about 9e4) is not.
    write("f16_variance_overflow", "Layer norm of activations near 300 in f16",
          "In float16 each square of x − mean (about 9e4) exceeds 65504, so var is inf, invStd 0, "
          "and the output overflows.",
          rng.normal(0.0, 300.0, size=(4, 16)), 1.0 + 0.1 * rng.normal(size=16),
          0.1 * rng.normal(size=16), 1e-5, dout_seed=1, layer="layernorm")


if __name__ == "__main__":
    main()
