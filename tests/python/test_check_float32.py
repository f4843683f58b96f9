"""bnflow-cli check is fair to float32 (doc/contracts.md#check): correct float32 code, written
here with NumPy the way a student writes it, is "close" with "reference": "float32" on data
where the fixed 1e-5 of float64 answers would call it wrong (pixel-like features whose mean is
hundreds of times their spread; a batch of 65536), and the same float32 code with a mistake is
still "wrong" and named. PyTorch's own float32 batch norm joins when torch is importable.
Exit 77 (CTest: skipped) when NumPy is missing."""
import json
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
except ImportError:
    print("SKIP: numpy is not installed")
    sys.exit(77)

CLI = os.environ["BNFLOW_CLI"]
F = np.float32


def backward32(x, gamma, dout, eps, axis, mistake=None):
    """CS231n-style staged backward in float32 over `axis` (0: batch norm, 1: layer norm)."""
    x, gamma, dout, eps = x.astype(F), gamma.astype(F), dout.astype(F), F(eps)
    m = F(x.shape[axis])
    mu = x.mean(axis=axis, keepdims=True)
    xmu = x - mu
    var = (xmu * xmu).mean(axis=axis, keepdims=True)
    istd = F(1) / np.sqrt(var + eps)
    xhat = xmu * istd
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dxhat = dout * gamma
    dvar = (dxhat * xmu).sum(axis=axis, keepdims=True) * F(-0.5) * istd ** 3
    dmean = -(dxhat * istd).sum(axis=axis, keepdims=True) + dvar * (F(-2) * xmu).mean(axis=axis, keepdims=True)
    dx = dxhat * istd + dvar * F(2) * xmu / m
    if mistake != "mean_path_missing":
        dx = dx + dmean / m
    return dx, dgamma, dbeta


def check(folder, name, x, gamma, beta, dout, eps, layer, grads):
    session = os.path.join(folder, name + ".session.npz")
    np.savez(session, x=x, gamma=gamma, beta=beta, dout=dout, eps=np.array(eps),
             layer=np.array(layer))
    answer = os.path.join(folder, name + ".answer.npz")
    np.savez(answer, **dict(zip(["dx", "dgamma", "dbeta"], grads)))
    run = subprocess.run([CLI, "check", session, "--npz", answer], capture_output=True, text=True)
    if run.returncode not in (0, 3):
        raise SystemExit("%s: exit %d: %s" % (name, run.returncode, run.stderr))
    return run.returncode, json.loads(run.stdout)


def main():
    rng = np.random.default_rng(20261207)
    failures = []
    cases = [
        # name, N, D, mean, spread, layer
        ("pixels_batchnorm", 64, 8, 500.0, 1.0, "batchnorm"),
        ("pixels_layernorm", 16, 64, 800.0, 2.0, "layernorm"),
        ("n65536_batchnorm", 65536, 2, 3.0, 1.0, "batchnorm"),
    ]
    with tempfile.TemporaryDirectory(prefix="bnflow-f32-") as folder:
        for name, n, d, mean, spread, layer in cases:
            x = mean + spread * rng.standard_normal((n, d))
            gamma = rng.uniform(0.5, 2.0, d)
            beta = rng.standard_normal(d)
            dout = rng.standard_normal((n, d))
            axis = 0 if layer == "batchnorm" else 1
            right = backward32(x, gamma, dout, 1e-5, axis)
            status, out = check(folder, name, x, gamma, beta, dout, 1e-5, layer, right)
            worst = max(t["max_scaled_error"] for t in out["tensors"].values())
            print("%s: %s, worst scaled error %.3g" % (name, out["verdict"], worst))
            if status != 0 or out["verdict"] != "correct" or out["reference"] != "float32":
                failures.append("%s: correct float32 code judged %s" % (name, json.dumps(out)))
            for key, t in out["tensors"].items():
                if t["reference"] != "float32" or t["status"] == "wrong":
                    failures.append("%s: %s %s" % (name, key, json.dumps(t)))
            if name != "n65536_batchnorm" and worst <= 1e-5:
                failures.append("%s: not a hard case (%.3g): the test proves nothing" % (name, worst))
            wrong = backward32(x, gamma, dout, 1e-5, axis, "mean_path_missing")
            status, out = check(folder, name + "_mistake", x, gamma, beta, dout, 1e-5, layer, wrong)
            if status != 3 or "mean_path_missing" not in out["tensors"]["dx"]["diagnosis"]:
                failures.append("%s: float32 mean_path_missing judged %s" % (name, json.dumps(out)))
        try:
            import torch
        except ImportError:
            torch = None
            print("torch is not importable: PyTorch's float32 batch norm is not checked")
        if torch is not None:
            n, d = 256, 6
            x = 300.0 + rng.standard_normal((n, d))
            gamma = rng.uniform(0.5, 2.0, d)
            beta = rng.standard_normal(d)
            dout = rng.standard_normal((n, d))
            xt = torch.tensor(x, dtype=torch.float32, requires_grad=True)
            gt = torch.tensor(gamma, dtype=torch.float32, requires_grad=True)
            bt = torch.tensor(beta, dtype=torch.float32, requires_grad=True)
            y = torch.nn.functional.batch_norm(xt, None, None, gt, bt, training=True, eps=1e-5)
            y.backward(torch.tensor(dout, dtype=torch.float32))
            grads = [t.grad.numpy() for t in (xt, gt, bt)]
            status, out = check(folder, "torch_batchnorm", x, gamma, beta, dout, 1e-5, "batchnorm", grads)
            print("torch_batchnorm: %s" % out["verdict"])
            if status != 0 or out["reference"] != "float32":
                failures.append("PyTorch float32 batch norm judged %s" % json.dumps(out))
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
