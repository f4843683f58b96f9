"""tools/bnflow.py round trip: arrays -> session file -> bnflow-cli grad -> arrays, checked
against a NumPy batch norm written here from the textbook formulas; NumPy scalars and arrays as
keys, atomic writes, check(), a missing CLI. Exit 77 (CTest: skipped) when NumPy is missing."""
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
    numpy_keys()
    atomic_writes()
    check_verdicts(x, gamma, beta, dout, expected["fused.dx"])
    missing_cli()
    print("ok")
    return 0


def numpy_keys():
    """NumPy scalars and arrays are accepted for every key (they raised TypeError)."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(5, 4))
    s = bnflow.session(x, np.ones(4), np.zeros(4), layer=np.str_("groupnorm"), groups=np.int64(2),
                       eps=np.float32(1e-5), title="numpy keys")
    assert s.doc["groups"] == 2 and type(s.doc["groups"]) is int
    out = bnflow.grad(s)
    assert out["shape"].dtype == np.int64 and list(out["shape"]) == [5, 4], out["shape"]
    assert out["forward.mean"].shape == (5, 2), out["forward.mean"].shape  # per sample and group
    running = bnflow.grad(bnflow.session(x, np.ones(4), np.zeros(4), running_mean=np.zeros(4),
                                         running_var=np.ones(4), momentum=np.float64(0.1)))
    want = 0.1 * x.mean(axis=0)
    assert np.allclose(running["running.mean"], want, rtol=1e-12, atol=1e-15), running["running.mean"]
    try:
        bnflow.session(x, np.ones(4), np.zeros(4), running_mean=np.array([0.0, np.nan, 0, 0]))
    except ValueError as e:
        assert "running_mean" in str(e), e
    else:
        raise AssertionError("a NaN in running_mean was accepted")


def atomic_writes():
    """A failed write leaves the old file whole (it was truncated to 0 bytes before)."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "s.bnflow.json")
        bnflow.write_session(path, np.eye(2), np.ones(2), np.zeros(2), title="first")
        before = open(path, "rb").read()
        try:
            bnflow.write_session(path, np.array([[1.0, np.inf], [0, 1]]), np.ones(2), np.zeros(2))
        except ValueError:
            pass
        else:
            raise AssertionError("an infinite x was written")
        assert open(path, "rb").read() == before
        assert os.listdir(folder) == ["s.bnflow.json"], os.listdir(folder)  # no temporary left


def check_verdicts(x, gamma, beta, dout, dx):
    s = bnflow.session(x, gamma, beta, dout)
    right = bnflow.check(s, dx=dx)
    assert right["verdict"] == "correct", right
    float32 = bnflow.check(s, dx=dx.astype(np.float32))
    assert float32["verdict"] == "correct", float32
    wrong = bnflow.check(s, dx=len(x) * dx)
    assert wrong["verdict"] == "wrong", wrong
    assert "missing_division_by_N" in wrong["diagnosis"], wrong
    try:
        bnflow.check(s, dx=dx[:2])
    except RuntimeError as e:
        assert "dx" in str(e), e
    else:
        raise AssertionError("a dx of the wrong shape was judged")


def missing_cli():
    try:
        bnflow.grad((np.eye(2), np.ones(2), np.zeros(2)), cli="/nonexistent/bnflow-cli")
    except RuntimeError as e:
        assert "BNFLOW_CLI" in str(e) and "/nonexistent/bnflow-cli" in str(e), e
    else:
        raise AssertionError("a missing CLI was not reported")


if __name__ == "__main__":
    sys.exit(main())
