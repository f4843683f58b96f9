"""tools/bnflow.py round trip: arrays -> session file -> bnflow-cli grad -> arrays, checked
against a NumPy batch norm written here from the textbook formulas. Exit 77 (CTest: skipped)
when NumPy is missing."""
import os
import sys
import tempfile

try:
    import numpy as np
except ImportError:
    print("SKIP: numpy is not installed")
    sys.exit(77)

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
import bnflow  # noqa: E402


def reference(x, gamma, beta, dout, eps):
    mean = x.mean(axis=0)
    var = x.var(axis=0)
    xhat = (x - mean) / np.sqrt(var + eps)
    n = x.shape[0]
    dxhat = dout * gamma
    dx = (n * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0)) / (n * np.sqrt(var + eps))
    return {"forward.y": gamma * xhat + beta, "fused.dx": dx,
            "fused.dgamma": (dout * xhat).sum(axis=0), "fused.dbeta": dout.sum(axis=0)}


def main():
    rng = np.random.default_rng(7)
    x = rng.normal(3.0, 2.0, size=(6, 4))
    gamma = np.array([1.0, 0.5, 2.0, 1.0])  # whole numbers: must come back as floats
    beta = np.array([0.0, -0.0, 0.25, 1.0])
    dout = rng.normal(size=(6, 4))
    eps = 1e-5
    expected = reference(x, gamma, beta, dout, eps)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "s.bnflow.json")
        bnflow.write_session(path, x, gamma, beta, dout, eps, title="from python")
        results = [bnflow.grad(path), bnflow.grad((x, gamma, beta, dout, eps))]
    for out in results:
        for key, want in expected.items():
            got = out[key]
            assert got.dtype == np.float64, (key, got.dtype)
            assert got.shape == want.shape, (key, got.shape, want.shape)
            assert np.allclose(got, want, rtol=1e-10, atol=1e-12), (key, np.abs(got - want).max())
        assert out["forward.xhat"].shape == (6, 4)
        assert list(out["shape"]) == [6, 4]
    try:
        bnflow.grad((x, gamma[:2], beta, dout))
    except RuntimeError as e:
        assert "gamma" in str(e), e
    else:
        raise AssertionError("a gamma of the wrong length was accepted")
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
