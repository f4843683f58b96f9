"""bnflow-cli grad --precision f16 against an emulation written here with NumPy float16 scalars,
one operation at a time (NumPy rounds each operation on two float16 scalars correctly, and a
double to float16 directly): the forward of small batch norm, layer norm and RMSNorm sessions,
every statistic and y compared bit for bit. 1/sqrt is one operation (computed in float64, then
rounded once), as doc/precision.md defines it. Exit 77 (CTest: skipped) when NumPy is missing."""
import json
import os
import subprocess
import sys

try:
    import numpy as np
except ImportError:
    print("SKIP: numpy is not installed")
    sys.exit(77)

H = np.float16


def rsqrt(v):
    return H(1.0 / np.sqrt(np.float64(v)))


def forward(x, gamma, beta, eps, layer):
    """The sets of one statistic in order, then the layer's statistics and y, all float16."""
    n, d = x.shape
    xs = [[H(v) for v in row] for row in x]
    g, b, e = [H(v) for v in gamma], [H(v) for v in beta], H(eps)
    if layer == "batchnorm":
        sets = [[(i, j) for i in range(n)] for j in range(d)]  # a column, sample by sample
    else:
        sets = [[(i, j) for j in range(d)] for i in range(n)]  # a row, feature by feature
    count = H(len(sets[0]))
    stats = {"mean": [], "var": [], "inv_std": [], "ms": [], "rms": [], "rrms": []}
    xhat = [[None] * d for _ in range(n)]
    for cells in sets:
        if layer == "rmsnorm":
            s = H(0)
            for i, j in cells:
                s = s + xs[i][j] * xs[i][j]
            ms = s / count
            root = rsqrt(ms + e)
            stats["ms"].append(ms)
            stats["rms"].append(H(np.sqrt(np.float64(ms + e))))
            stats["rrms"].append(root)
            for i, j in cells:
                xhat[i][j] = xs[i][j] * root
            continue
        s = H(0)
        for i, j in cells:
            s = s + xs[i][j]
        mean = s / count
        sq = H(0)
        for i, j in cells:
            sq = sq + (xs[i][j] - mean) * (xs[i][j] - mean)
        var = sq / count
        root = rsqrt(var + e)
        stats["mean"].append(mean)
        stats["var"].append(var)
        stats["inv_std"].append(root)
        for i, j in cells:
            xhat[i][j] = (xs[i][j] - mean) * root
    y = [[xhat[i][j] * g[j] + b[j] for j in range(d)] for i in range(n)]
    for v in (s for values in stats.values() for s in values):
        assert isinstance(v, np.float16)
    return {k: v for k, v in stats.items() if v}, y


def same_bits(got, want):
    return np.float64(got).tobytes() == np.float64(want).tobytes()


def main():
    cli = os.environ["BNFLOW_CLI"]
    rng = np.random.default_rng(16)
    failures = 0
    cases = [("batchnorm", 7, 3), ("layernorm", 3, 9), ("rmsnorm", 4, 6), ("batchnorm", 40, 2),
             ("layernorm", 2, 33)]
    for layer, n, d in cases:
        x = rng.normal(1.5, 3.0, size=(n, d))
        gamma, beta = rng.normal(1.0, 0.3, size=d), rng.normal(0.0, 0.5, size=d)
        session = {"format": "bnflow-session", "version": 1, "layer": layer, "x": x.tolist(),
                   "gamma": gamma.tolist(), "beta": beta.tolist(), "eps": 1e-3}
        run = subprocess.run([cli, "grad", "-", "--precision", "f16"], input=json.dumps(session),
                             capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        out = json.loads(run.stdout)
        stats, y = forward(x, gamma, beta, 1e-3, layer)
        got = out["forward"]
        for key, values in stats.items():
            for k, want in enumerate(values):
                if not same_bits(got[key][k], want):
                    print(f"{layer} {n}x{d} {key}[{k}]: bnflow {got[key][k]!r}, numpy {float(want)!r}")
                    failures += 1
        for i in range(n):
            for j in range(d):
                if not same_bits(got["y"][i][j], y[i][j]):
                    print(f"{layer} {n}x{d} y[{i}][{j}]: bnflow {got['y'][i][j]!r}, numpy {float(y[i][j])!r}")
                    failures += 1
        print(f"{layer} {n}x{d}: statistics and y compared")
    if failures:
        print(f"FAIL: {failures} values differ")
        sys.exit(1)
    print("PASS")


if __name__ == "__main__":
    main()
