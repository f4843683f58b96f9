#!/usr/bin/env python3
"""Generate the PyTorch reference cases of bnflow-cli depth (doc/depth.md).

Run from anywhere:  tests/reference/depth/generate.py
It installs Debian's python3-torch if it is missing, and writes for every case, into cases/,
  NAME.bnflow-net.json   the network file (doc/contracts.md, "Network file")
  NAME.data.npz          x (N x D0) and labels (N integers)
  NAME.weights.npz       W0..WL and, per case, b, gamma, beta (seeded weights are bnflow's own
                         draws: only explicit weights are comparable with another tool)
  NAME.expected.json     {"args": [...], "output": what depth must print}
and into bad/ the .npz files of the bad-input tests (tests/cli/test_cli_depth.cpp): a good data
and weights file of a network with L = 2, H = 3, D0 = 2, K = 3, N = 4, and one file per mistake.
The expected output is computed with torch float64 autograd: the same network, the same
statistics, K plain SGD steps p <- p - lr * p.grad. Norms: F.batch_norm(training=True),
F.layer_norm over the H features, and RMSNorm through its formula
y = gamma * x / sqrt(mean_j x^2 + eps) + beta (PyTorch 1.13 has none); eps = 1e-5.

Deterministic: a fixed torch seed, and the .npz archives are written with a fixed timestamp
(np.savez stamps the current time), so running it twice gives byte-identical files. The files
are committed; the test suite never needs PyTorch.
"""
import io
import json
import os
import shutil
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "cases")

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "python"))
import torch_env  # noqa: E402

torch_env.ensure_torch()
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)

EPS = 1e-5


def save_npz(path, arrays):
    """np.savez's layout (NAME.npy members, stored), with a fixed date so the bytes repeat."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            archive.writestr(info, buffer.getvalue())


def norm_forward(norm, pre, gamma, beta):
    if norm == "batchnorm":
        return F.batch_norm(pre, None, None, gamma, beta, training=True, eps=EPS)
    if norm == "layernorm":
        return F.layer_norm(pre, (pre.shape[1],), gamma, beta, eps=EPS)
    if norm == "rmsnorm":
        return gamma * pre / torch.sqrt((pre * pre).mean(1, keepdim=True) + EPS) + beta
    return pre


def activate(activation, z):
    return {"tanh": torch.tanh, "relu": torch.relu, "linear": lambda t: t}[activation](z)


def mean_std(t):
    return {"mean": float(t.mean()), "std": float(t.std(unbiased=False))}


def forward_backward(net, x, labels, params):
    """The loss, the forward tensors and the gradients of one pass."""
    for p in params.values():
        p.grad = None
    L = net["layers"]
    h = x
    pres, acts = [], []
    for k in range(L):
        pre = h @ params[f"W{k}"]
        if f"b{k}" in params:
            pre = pre + params[f"b{k}"]
        z = norm_forward(net["norm"], pre, params.get(f"gamma{k}"), params.get(f"beta{k}"))
        h = activate(net["activation"], z)
        h.retain_grad()
        pres.append(pre)
        acts.append(h)
    logits = h @ params[f"W{L}"]
    if f"b{L}" in params:
        logits = logits + params[f"b{L}"]
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    return loss, pres, acts, logits


def statistics(net, params, pres, acts, logits):
    L = net["layers"]
    layers = []
    for k in range(L + 1):
        W, dW = params[f"W{k}"], params[f"W{k}"].grad
        entry = {"pre": mean_std((pres[k] if k < L else logits).detach())}
        if k < L:
            act = acts[k].detach()
            saturated = float((act.abs() > 0.97).double().mean()) if net["activation"] == "tanh" else 0.0
            entry["act"] = dict(mean_std(act), saturated=saturated)
            entry["grad_act"] = mean_std(acts[k].grad)
        entry["W"] = {"std": float(W.detach().std(unbiased=False))}
        entry["grad_W"] = mean_std(dW)
        entry["grad_to_data"] = float(dW.std(unbiased=False) / W.detach().std(unbiased=False))
        layers.append(entry)
    return layers


def reference(net, x, labels, weights, steps, lr):
    params = {k: torch.tensor(v).reshape(-1) if not k.startswith("W") else torch.tensor(v)
              for k, v in weights.items()}
    for p in params.values():
        p.requires_grad_(True)
    x, labels = torch.tensor(x, dtype=torch.float64), torch.tensor(labels, dtype=torch.int64)
    loss, pres, acts, logits = forward_backward(net, x, labels, params)
    out = {"loss": float(loss), "layers": statistics(net, params, pres, acts, logits), "steps": []}
    for _ in range(steps):
        loss, *_ = forward_backward(net, x, labels, params)
        ratios = [float((lr * params[f"W{k}"].grad).std(unbiased=False) /
                        params[f"W{k}"].detach().std(unbiased=False)) for k in range(net["layers"] + 1)]
        out["steps"].append({"loss": float(loss), "update_to_data": ratios})
        with torch.no_grad():
            for p in params.values():
                p -= lr * p.grad
    return out


def case(name, gen, norm, activation, *, layers=3, width=6, n=8, inputs=4, classes=3, bias=True,
         gain=1.0, steps=3, lr=0.1, lr_arg=None, affine=False, row_affine=False, x_dtype=np.float64,
         label_dtype=np.int64, declared_classes=None, explicit_defaults=True):
    """One network with explicit data and weights. affine: random gamma and beta in the weights
    file; explicit_defaults False leaves b (0), gamma (1) and beta (0) to bnflow's defaults."""
    def randn(*shape):
        return torch.randn(*shape, generator=gen).numpy()

    x = randn(n, inputs).astype(x_dtype)
    k_labels = declared_classes or classes
    labels = torch.randint(0, classes, (n,), generator=gen).numpy()
    labels[0] = classes - 1  # without "classes", bnflow's K is the largest label + 1
    labels = labels.astype(label_dtype)
    weights = {}
    for k in range(layers + 1):
        fan_in = inputs if k == 0 else width
        fan_out = k_labels if k == layers else width
        weights[f"W{k}"] = gain / np.sqrt(fan_in) * randn(fan_in, fan_out)
        if bias:
            weights[f"b{k}"] = 0.1 * randn(fan_out) if explicit_defaults else np.zeros(fan_out)
        if norm != "none" and k < layers:
            if affine:
                gamma, beta = 1.0 + 0.3 * randn(width), 0.2 * randn(width)
            else:
                gamma, beta = np.ones(width), np.zeros(width)
            if row_affine:
                gamma, beta = gamma.reshape(1, width), beta.reshape(1, width)
            weights[f"gamma{k}"], weights[f"beta{k}"] = gamma, beta
    written = weights if explicit_defaults else {k: v for k, v in weights.items() if k.startswith("W")}
    net = {"format": "bnflow-network", "version": 1, "title": name, "layers": layers,
           "width": width, "norm": norm, "activation": activation, "data": f"{name}.data.npz",
           "weights": f"{name}.weights.npz", "bias": bias, "lr": lr, "gain": gain}
    if declared_classes:
        net["classes"] = declared_classes
    save_npz(os.path.join(OUT, f"{name}.data.npz"), {"x": x, "labels": labels})
    save_npz(os.path.join(OUT, f"{name}.weights.npz"), written)
    args = ["--steps", str(steps)] + (["--lr", repr(lr_arg)] if lr_arg is not None else [])
    output = reference(net, x.astype(np.float64), labels.astype(np.int64),
                       {k: v.astype(np.float64) for k, v in weights.items()}, steps,
                       lr_arg if lr_arg is not None else lr)
    for suffix, data in (("bnflow-net.json", net), ("expected.json", {"args": args, "output": output})):
        with open(os.path.join(OUT, f"{name}.{suffix}"), "w") as f:
            json.dump(data, f, indent=1)
            f.write("\n")
    return name


def bad_files():
    """The .npz files of the bad-input tests: one mistake each (file name = the mistake)."""
    bad = os.path.join(HERE, "bad")
    if os.path.isdir(bad):
        shutil.rmtree(bad)
    os.makedirs(bad)
    x = np.arange(8.0).reshape(4, 2) / 8 - 0.4
    labels = np.array([0, 1, 2, 0])
    data = {
        "good": {"x": x, "labels": labels},
        "labels_float": {"x": x, "labels": labels.astype(np.float64)},
        "labels_negative": {"x": x, "labels": np.array([0, -1, 2, 0])},
        "labels_big": {"x": x, "labels": np.array([0, 1, 5, 0])},
        "labels_short": {"x": x, "labels": labels[:3]},
        "labels_missing": {"x": x},
        "x_nan": {"x": np.where(x > 0.2, np.nan, x), "labels": labels},
        "x_1d": {"x": x[:, 0], "labels": labels},
        "extra_member": {"x": x, "labels": labels, "y": labels},
    }
    for name, arrays in data.items():
        save_npz(os.path.join(bad, f"{name}.data.npz"), arrays)
    w = {"W0": np.full((2, 3), 0.5) + np.eye(2, 3), "W1": np.eye(3) + 0.1,
         "W2": np.eye(3) - 0.2}
    weights = {
        "good": w,
        "w_shape": dict(w, W1=np.ones((3, 4))),
        "w_extra_layer": dict(w, W3=np.eye(3)),
        "w_nan": dict(w, W2=np.full((3, 3), np.inf)),
        "b_vector_shape": dict(w, b0=np.zeros((3, 1))),
        "b0": dict(w, b0=np.zeros(3)),
        "gamma0": dict(w, gamma0=np.ones(3)),
        "gamma2": dict(w, gamma2=np.ones(3)),
        "unknown_member": dict(w, kernel=np.ones(3)),
        "w_constant": dict(w, W1=np.full((3, 3), 0.25)),
    }
    for name, arrays in weights.items():
        save_npz(os.path.join(bad, f"{name}.weights.npz"), arrays)
    with open(os.path.join(bad, "not_npz.weights.npz"), "w") as f:
        f.write("not a zip archive\n")


def main():
    bad_files()
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    gen = torch.Generator().manual_seed(20261207)
    names = []
    # Every norm with every activation, bias on, random gamma and beta.
    for norm in ("batchnorm", "layernorm", "rmsnorm", "none"):
        for activation in ("tanh", "relu", "linear"):
            names.append(case(f"{norm}_{activation}", gen, norm, activation, affine=True))
    # Without bias (no b_k at all), each norm once.
    for norm, activation in (("batchnorm", "tanh"), ("layernorm", "relu"), ("rmsnorm", "linear"),
                             ("none", "tanh")):
        names.append(case(f"{norm}_{activation}_nobias", gen, norm, activation, bias=False))
    # Deeper and wider, the lesson's setting: tanh at gain 5/3, with and without batch norm.
    names.append(case("deep_batchnorm_tanh", gen, "batchnorm", "tanh", layers=6, width=12, n=16,
                      inputs=5, classes=4, gain=5 / 3, steps=5, lr=0.05))
    names.append(case("deep_none_tanh", gen, "none", "tanh", layers=6, width=12, n=16, inputs=5,
                      classes=4, gain=5 / 3, steps=5, lr=0.05))
    # Only W in the weights file: b = 0, gamma = 1, beta = 0 are bnflow's defaults.
    names.append(case("layernorm_tanh_defaults", gen, "layernorm", "tanh", explicit_defaults=False))
    # float32 x, int32 / uint8 labels, gamma and beta as 1 x H rows, a declared "classes" above
    # the largest label, --lr overriding the file's, one hidden layer.
    names.append(case("rmsnorm_tanh_f32_rows", gen, "rmsnorm", "tanh", affine=True, row_affine=True,
                      x_dtype=np.float32, label_dtype=np.int32))
    names.append(case("batchnorm_relu_classes", gen, "batchnorm", "relu", affine=True,
                      label_dtype=np.uint8, declared_classes=5, lr_arg=0.3))
    names.append(case("none_linear_one_layer", gen, "none", "linear", layers=1, steps=4))
    names.append(case("batchnorm_tanh_no_steps", gen, "batchnorm", "tanh", steps=0, affine=True))
    print(f"wrote {len(names)} cases to {OUT}")


if __name__ == "__main__":
    main()
