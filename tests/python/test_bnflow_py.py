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
    npz_sessions()
    atomic_writes()
    check_verdicts(x, gamma, beta, dout, expected["fused.dx"])
    missing_cli()
    show_window()
    try:
        import torch  # noqa: F401
    except ImportError:
        print("SKIP capture(): python3-torch is not installed")
    else:
        capture_from_a_model()
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


def npz_sessions():
    """A session as NumPy's np.savez writes it (strings as '<U', integers as '<i8') means what
    its JSON means; the bridge sends a session too large for JSON as an .npz."""
    rng = np.random.default_rng(11)
    x = rng.normal(size=(6, 4))
    dout = rng.normal(size=(6, 4))
    keys = dict(layer="groupnorm", groups=2, eps=1e-3)
    via_json = bnflow.grad(bnflow.session(x, np.ones(4), np.linspace(0, 1, 4), dout, **keys))
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "s.npz")
        np.savez(path, x=x, gamma=np.ones(4), beta=np.linspace(0, 1, 4), dout=dout, **keys)
        via_savez = bnflow.grad(path)
        eval_path = os.path.join(folder, "eval.npz")
        np.savez(eval_path, x=x, gamma=np.ones(4), beta=np.zeros(4), mode="eval",
                 running_mean=np.full(4, 0.5), running_var=np.full(4, 2.0))
        evaluated = bnflow.grad(eval_path)
        want = (x - 0.5) / np.sqrt(2.0 + 1e-5)
        assert np.allclose(evaluated["forward.y"], want, rtol=1e-12, atol=1e-14)
    limit = bnflow._JSON_LIMIT
    bnflow._JSON_LIMIT = 0  # every session goes as an .npz
    try:
        via_bridge = bnflow.grad(bnflow.session(x, np.ones(4), np.linspace(0, 1, 4), dout,
                                                title="dropped in an .npz", **keys))
        verdict = bnflow.check(bnflow.session(x, np.ones(4), np.linspace(0, 1, 4), dout, **keys),
                               dx=via_json["fused.dx"])
        assert verdict["verdict"] == "correct", verdict
        try:
            bnflow.grad(bnflow.session(x, np.ones(4), np.zeros(4), exercise={"locked": True}))
        except ValueError as e:
            assert "exercise" in str(e), e
        else:
            raise AssertionError("an exercise was sent as an .npz")
    finally:
        bnflow._JSON_LIMIT = limit
    for other in (via_savez, via_bridge):
        assert set(other) == set(via_json), set(other) ^ set(via_json)
        for key, value in via_json.items():
            assert np.array_equal(other[key], value), key


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



def show_window():
    """show() opens the window on arrays; here it renders one screenshot and exits."""
    if not os.environ.get("BNFLOW_GUI"):
        print("SKIP show(): BNFLOW_GUI is not set")
        return
    with tempfile.TemporaryDirectory() as folder:
        png = os.path.join(folder, "shown.png")
        s = bnflow.session(np.arange(12.0).reshape(4, 3) % 5, np.ones(3), np.zeros(3), title="shown")
        bnflow.show(s, args=("--screenshot", png), wait=True)
        with open(png, "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def capture_from_a_model():
    """capture() on a small model with a BatchNorm1d and a LayerNorm: bnflow judges PyTorch's own
    gradients of each layer correct, in float64 and in float32, and its dx is bnflow's."""
    import torch
    torch.manual_seed(0)
    for dtype in (torch.float64, torch.float32):
        model = torch.nn.Sequential(torch.nn.Linear(5, 4), torch.nn.BatchNorm1d(4), torch.nn.Tanh(),
                                    torch.nn.Linear(4, 6), torch.nn.LayerNorm(6)).to(dtype)
        inputs = torch.randn(8, 5, dtype=dtype)
        labels = torch.arange(8) % 6
        for norm in (model[1], model[4]):
            c = bnflow.capture(model, inputs, norm=norm,
                               loss=lambda out: torch.nn.functional.cross_entropy(out, labels))
            verdict = bnflow.check(c.session, dx=c.dx, dgamma=c.dgamma, dbeta=c.dbeta)
            assert verdict["verdict"] == "correct", (c.layer, dtype, verdict)
            out = bnflow.grad(c.session)
            scale = np.abs(out["fused.dx"]).max()
            tolerance = 1e-12 if dtype == torch.float64 else 1e-5
            assert np.abs(out["fused.dx"] - c.dx).max() <= tolerance * scale, (c.layer, dtype)
        assert c.session.keys["layer"] == "layernorm"
    bn = bnflow.capture(model, inputs, norm=model[1])  # the seeded default loss
    assert bn.session.keys["layer"] == "batchnorm" and "running_mean" in bn.session.keys
    grads = bnflow.grad(bn.session)
    assert np.allclose(grads["running.mean"], model[1].running_mean.double().numpy(), rtol=1e-6)
    model.eval()
    evaluated = bnflow.capture(model, inputs, norm=model[1])
    assert evaluated.session.keys["mode"] == "eval"
    assert bnflow.check(evaluated.session, dx=evaluated.dx)["verdict"] == "correct"
    try:
        bnflow.capture(model, inputs, norm=model[1], loss=lambda out: (out * 0).sum())
    except ValueError as e:
        assert "does not depend" in str(e), e
    else:
        raise AssertionError("a zero upstream gradient was captured")
    try:
        bnflow.capture(torch.nn.Sequential(torch.nn.Linear(2, 2)), torch.randn(3, 2))
    except ValueError as e:
        assert "no BatchNorm1d" in str(e), e
    else:
        raise AssertionError("a model without a normalization layer was captured")
    spatial_layers_from_a_model(torch)


def spatial_layers_from_a_model(torch):
    """Spatial batch norm and group norm (CS231n's, on (N, C, H, W) and (N, C, L)) are captured
    with "channels": C; PyTorch's own gradients are judged correct, and dx as an (N, C, L) .npy
    too."""
    torch.manual_seed(1)
    conv = torch.nn.Sequential(torch.nn.Conv2d(2, 4, 3, padding=1), torch.nn.BatchNorm2d(4),
                               torch.nn.ReLU(), torch.nn.Conv2d(4, 6, 3, padding=1),
                               torch.nn.GroupNorm(3, 6)).double()
    images = torch.randn(3, 2, 4, 5, dtype=torch.float64)
    for norm, channels in ((conv[1], 4), (conv[4], 6)):
        c = bnflow.capture(conv, images, norm=norm)
        assert c.session.keys["channels"] == channels, c.session.keys
        assert c.dx.shape == (3, channels * 20) and c.dgamma.shape == (channels,)
        verdict = bnflow.check(c.session, dx=c.dx, dgamma=c.dgamma, dbeta=c.dbeta)
        assert verdict["verdict"] == "correct", (c.layer, verdict)
        spatial = bnflow.check(c.session, dx=c.dx.reshape(3, channels, 20))
        assert spatial["verdict"] == "correct", spatial
        wrong = bnflow.check(c.session, dgamma=np.roll(c.dgamma, 1))
        assert wrong["verdict"] == "wrong", wrong
    seq = torch.nn.BatchNorm1d(3).double()
    c = bnflow.capture(seq, torch.randn(4, 3, 5, dtype=torch.float64))
    assert c.session.keys["channels"] == 3
    assert np.allclose(bnflow.grad(c.session)["running.mean"], seq.running_mean.numpy(), rtol=1e-12)

if __name__ == "__main__":
    sys.exit(main())
