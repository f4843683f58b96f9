#!/usr/bin/env python3
"""Generate the test cases of `bnflow-cli check` (and core/teach/check.h) with NumPy.

Run from anywhere:  tests/check/generate.py   (needs Debian's python3-numpy only)
It writes into cases/, deterministically (running it twice gives the same files):
  SESSION.bnflow.json        the session: random x, gamma, beta, dout (explicit), eps
  SESSION.right.{dx,dgamma,dbeta}.npy     the right gradients, float64
  SESSION.MISTAKE.{dx,dgamma,dbeta}.npy   what code with that mistake returns, float64
  SESSION.{dbeta,dgamma}_without_axis.*.npy   one tensor summed without axis (a 0-d array)
  manifest.json              every case: session, files, the mistake it must be diagnosed as
  LAYER_NxD.*                the same for layer norm, RMSNorm, group norm, spatial batch norm
                             and eval mode, each with the mistakes its layer has
plus, for the first session, the accepted file kinds (float32/float64, C/Fortran order, .npy
versions 1/2/3, .csv, .tsv, .json, stored and deflated .npz, the session itself as .npz) and
the malformed files that must be refused.

The wrong implementations are written the way students write them (CS231n-style staged code
with one slip each), independently of bnflow's C++ candidates in core/teach/mistakes.cpp; the
reference is the staged chain rule of doc/derivation.md.
"""
import io
import json
import os
import shutil
import zipfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "cases")

MISTAKES = ["gamma_not_applied", "mean_path_missing", "var_path_missing", "only_direct_path",
            "unbiased_variance", "sum_without_axis", "wrong_sign", "eps_mismatch",
            "dgamma_dbeta_swapped", "missing_division_by_N"]


def forward(x, eps, ddof=0):
    n = x.shape[0]
    mu = x.sum(axis=0) / n
    xmu = x - mu
    var = (xmu ** 2).sum(axis=0) / (n - ddof)
    istd = 1.0 / np.sqrt(var + eps)
    return xmu, var, istd, xmu * istd


def backward(x, gamma, dout, eps, mistake=None):
    """The staged backward of doc/derivation.md, with at most one mistake; returns dx, dgamma, dbeta."""
    n = x.shape[0]
    if mistake == "eps_mismatch":
        eps = 1e-3 if eps != 1e-3 else 1e-5  # the other common default
    ddof = 1 if mistake == "unbiased_variance" else 0
    xmu, var, istd, xhat = forward(x, eps, ddof)
    axis = None if mistake == "sum_without_axis" else 0
    dbeta = np.broadcast_to(np.sum(dout, axis=axis), gamma.shape).copy()
    dgamma = np.broadcast_to(np.sum(dout * xhat, axis=axis), gamma.shape).copy()
    dxhat = dout if mistake == "gamma_not_applied" else dout * gamma
    dvar = np.sum(dxhat * xmu * -0.5 * (var + eps) ** -1.5, axis=axis)
    sign = 1.0 if mistake == "wrong_sign" else -1.0  # the -1 of d(x - mu)/d mu
    dmean = np.sum(dxhat * sign * istd, axis=axis) + dvar * np.mean(-2.0 * xmu, axis=axis)
    var_n = n - ddof
    via_xhat = dxhat * istd
    via_var = dvar * 2.0 * xmu / var_n
    via_mean = dmean / n
    if mistake == "mean_path_missing":
        dx = via_xhat + via_var
    elif mistake == "var_path_missing":
        dx = via_xhat + np.sum(-dxhat * istd, axis=0) / n
    elif mistake == "only_direct_path":
        dx = via_xhat
    elif mistake == "missing_division_by_N":
        # the fused form without its 1/N prefactor
        dx = istd * (n * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0))
    else:
        dx = via_xhat + via_var + via_mean
    if mistake == "dgamma_dbeta_swapped":
        dgamma, dbeta = dbeta, dgamma
    return dx, dgamma, dbeta


# --- every other layer: the same mistakes, written over the layer's normalization sets -------
# A set view puts each normalization set on one row of an (S, M) array: batch norm's columns,
# spatial batch norm's channels (N * L entries), layer norm's and RMSNorm's rows, group norm's
# groups of D / G features of a row. The student-style staged code below reduces along axis 1.
FAMILY_MISTAKES = {
    "layernorm": MISTAKES[:9] + ["missing_division_by_D", "wrong_axis"],
    "rmsnorm": ["gamma_not_applied", "var_path_missing", "only_direct_path", "sum_without_axis",
                "wrong_sign", "eps_mismatch", "dgamma_dbeta_swapped", "missing_division_by_D",
                "wrong_axis"],
    "groupnorm": MISTAKES[:9] + ["missing_division_by_D", "wrong_axis"],
    "spatial": MISTAKES + ["wrong_axis"],
    "eval": ["gamma_not_applied", "sum_without_axis", "wrong_sign", "eps_mismatch",
             "dgamma_dbeta_swapped"],
}


def to_sets(a, layer, groups=1, channels=1):
    n, d = a.shape
    if layer in ("batchnorm", "eval"):
        return a.T.copy()
    if layer == "spatial":
        return a.reshape(n, channels, d // channels).transpose(1, 0, 2).reshape(channels, -1)
    if layer == "groupnorm":
        return a.reshape(n * groups, d // groups)
    return a.copy()  # layernorm, rmsnorm


def from_sets(s, layer, shape, groups=1, channels=1):
    n, d = shape
    if layer in ("batchnorm", "eval"):
        return s.T.copy()
    if layer == "spatial":
        return s.reshape(channels, n, d // channels).transpose(1, 0, 2).reshape(n, d)
    return s.reshape(n, d)


def family_backward(sess, mistake=None, layer=None):
    """The staged backward of one layer with at most one mistake: dx, dgamma, dbeta."""
    layer = layer or sess["layer"]
    x, dout, eps = sess["x"], sess["dout"], sess["eps"]
    n, d = x.shape
    channels, groups = sess.get("channels", 1), sess.get("groups", 1)
    gamma = sess["gamma"]
    if mistake == "wrong_axis":
        if layer == "batchnorm":
            other = "layernorm"
        elif layer == "spatial":
            other = "batchnorm"
            gamma = np.repeat(gamma, d // channels)
        else:
            other = "batchnorm"
        dx, dgamma, dbeta = family_backward(dict(sess, gamma=gamma, layer=other), None, other)
        if layer == "spatial":  # per feature, folded into the session's per-channel shape
            dgamma = dgamma.reshape(channels, -1).sum(axis=1)
            dbeta = dbeta.reshape(channels, -1).sum(axis=1)
        return dx, dgamma, dbeta
    if mistake == "eps_mismatch":
        eps = 1e-3 if eps != 1e-3 else 1e-5
    gamma_full = np.repeat(gamma, d // channels) if layer == "spatial" else gamma
    sets = lambda a: to_sets(a, layer, groups, channels)
    back = lambda s: from_sets(s, layer, (n, d), groups, channels)
    xs = sets(x)
    m = xs.shape[1]
    rms = layer == "rmsnorm"
    ddof = 1 if mistake == "unbiased_variance" else 0
    if layer == "eval":
        mu = sess["running_mean"][:, None]
        var = sess["running_var"][:, None]
    else:
        mu = 0.0 if rms else xs.sum(axis=1, keepdims=True) / m
        var = ((xs - mu) ** 2).sum(axis=1, keepdims=True) / (m - ddof)
    xmu = xs - mu
    istd = 1.0 / np.sqrt(var + eps)
    xhat = back(xmu * istd)
    # dgamma, dbeta: per feature summed over the batch (and over L, per channel).
    total = mistake == "sum_without_axis"

    def param_sum(a):
        if total:
            return np.full(gamma.shape, a.sum())
        per_feature = a.sum(axis=0)
        return per_feature.reshape(channels, -1).sum(axis=1) if layer == "spatial" else per_feature

    dbeta = param_sum(dout)
    dgamma = param_sum(dout * xhat)
    dxhat = sets(dout if mistake == "gamma_not_applied" else dout * gamma_full)
    via_xhat = dxhat * istd
    if layer == "eval":
        dx = -via_xhat if mistake == "wrong_sign" else via_xhat
    else:
        ax = None if total else 1
        power = 0.5 if (mistake == "wrong_sign" and rms) else -0.5
        dvar = np.sum(dxhat * xmu * power * istd ** 3, axis=ax, keepdims=True)
        via_var = dvar * 2.0 * xmu / (m - ddof)
        if rms:
            dx = via_xhat + via_var
            if mistake in ("var_path_missing", "only_direct_path"):
                dx = via_xhat
            elif mistake == "missing_division_by_D":
                dx = via_xhat + m * via_var
        else:
            sign = 1.0 if mistake == "wrong_sign" else -1.0
            dmean = (np.sum(dxhat * sign * istd, axis=ax, keepdims=True) +
                     dvar * np.mean(-2.0 * xmu, axis=ax, keepdims=True))
            via_mean = dmean / m
            dx = via_xhat + via_var + via_mean
            if mistake == "mean_path_missing":
                dx = via_xhat + via_var
            elif mistake == "var_path_missing":
                dx = via_xhat + np.sum(-dxhat * istd, axis=1, keepdims=True) / m
            elif mistake == "only_direct_path":
                dx = via_xhat
            elif mistake in ("missing_division_by_N", "missing_division_by_D"):
                # the fused form without its 1/M prefactor
                xh = xmu * istd
                dx = istd * (m * dxhat - dxhat.sum(axis=1, keepdims=True) -
                             xh * (dxhat * xh).sum(axis=1, keepdims=True))
    dx = back(dx)
    if mistake == "dgamma_dbeta_swapped":
        dgamma, dbeta = dbeta, dgamma
    return dx, dgamma, dbeta


def family_session_json(sess, title):
    """A session of any layer: the keys of doc/contracts.md."""
    body = {"format": "bnflow-session", "version": 1, "title": title,
            "x": [[float(v) for v in r] for r in sess["x"]],
            "gamma": [float(v) for v in sess["gamma"]], "beta": [float(v) for v in sess["beta"]],
            "eps": float(sess["eps"]), "dout": [[float(v) for v in r] for r in sess["dout"]]}
    layer = sess["layer"]
    body["layer"] = "batchnorm" if layer in ("spatial", "eval") else layer
    if layer == "spatial":
        body["channels"] = sess["channels"]
    if layer == "groupnorm":
        body["groups"] = sess["groups"]
    if layer == "eval":
        body["mode"] = "eval"
        body["running_mean"] = [float(v) for v in sess["running_mean"]]
        body["running_var"] = [float(v) for v in sess["running_var"]]
    return json.dumps(body, indent=1) + "\n"


def make_family_session(rng, layer, n, d, eps, **keys):
    params = keys.get("channels", d) if layer == "spatial" else d
    sess = {"layer": layer, "eps": eps,
            "x": rng.standard_normal((n, d)) * 1.5 + rng.standard_normal(d),
            "gamma": rng.uniform(0.5, 2.0, params) * rng.choice([-1.0, 1.0], params),
            "beta": rng.standard_normal(params), "dout": rng.standard_normal((n, d))}
    sess.update(keys)
    if layer == "eval":
        sess["running_mean"] = rng.standard_normal(d)
        sess["running_var"] = rng.uniform(0.5, 2.0, d)
    return sess


def write_family_cases(rng, manifest):
    sessions = [("layernorm_4x6", "layernorm", 4, 6, 1e-5, {}),
                ("rmsnorm_4x6", "rmsnorm", 4, 6, 1e-5, {}),
                ("groupnorm_3x8", "groupnorm", 3, 8, 1e-5, {"groups": 2}),
                ("spatial_3x6", "spatial", 3, 6, 1e-5, {"channels": 2}),
                ("eval_5x3", "eval", 5, 3, 1e-5, {})]
    for name, layer, n, d, eps, keys in sessions:
        sess = make_family_session(rng, layer, n, d, eps, **keys)
        with open(os.path.join(OUT, name + ".bnflow.json"), "w") as f:
            f.write(family_session_json(sess, name))
        right_dx = family_backward(sess)[0]
        for mistake in [None] + FAMILY_MISTAKES[layer]:
            label = mistake or "right"
            grads = family_backward(sess, mistake)
            files = {t: save("%s.%s.%s.npy" % (name, label, t), g)
                     for t, g in zip(["dx", "dgamma", "dbeta"], grads)}
            case = {"session": name + ".bnflow.json", "mistake": mistake, "files": files}
            if mistake and np.array_equal(grads[0], right_dx):
                case["dx_changes"] = False  # only dgamma or dbeta can show this mistake
            manifest["cases"].append(case)


def session_json(x, gamma, beta, eps, dout, title):
    def rows(m):
        return "[\n" + ",\n".join("    [" + ", ".join(repr(float(v)) for v in r) + "]"
                                  for r in m) + "\n  ]"

    def vec(v):
        return "[" + ", ".join(repr(float(a)) for a in v) + "]"

    return ("{\n  \"format\": \"bnflow-session\",\n  \"version\": 1,\n"
            f"  \"title\": \"{title}\",\n  \"x\": {rows(x)},\n  \"gamma\": {vec(gamma)},\n"
            f"  \"beta\": {vec(beta)},\n  \"eps\": {repr(float(eps))},\n"
            f"  \"dout\": {rows(dout)}\n}}\n")


def make_session(rng, n, d, eps, scale):
    x = rng.standard_normal((n, d)) * scale + rng.standard_normal(d)
    gamma = rng.uniform(0.5, 2.0, d) * rng.choice([-1.0, 1.0], d)
    beta = rng.standard_normal(d)
    dout = rng.standard_normal((n, d))
    return x, gamma, beta, eps, dout


def save(name, array):
    np.save(os.path.join(OUT, name), array)
    return name


def write_file_kinds(base, dx, dgamma, dbeta, session):
    """Every accepted file kind of the right answer, and the malformed ones."""
    kinds = {}
    kinds["f8_c.npy"] = save(base + ".kind.f8_c.npy", np.ascontiguousarray(dx))
    kinds["f8_f.npy"] = save(base + ".kind.f8_f.npy", np.asfortranarray(dx))
    kinds["f4_c.npy"] = save(base + ".kind.f4_c.npy", np.ascontiguousarray(dx, dtype="<f4"))
    kinds["f4_f.npy"] = save(base + ".kind.f4_f.npy", np.asfortranarray(dx, dtype="<f4"))
    for version in [(2, 0), (3, 0)]:
        name = base + ".kind.v%d.npy" % version[0]
        with open(os.path.join(OUT, name), "wb") as f:
            np.lib.format.write_array(f, dx, version=version)
        kinds["v%d.npy" % version[0]] = name
    for ext, sep in [("csv", ","), ("tsv", "\t")]:
        name = base + ".kind." + ext
        with open(os.path.join(OUT, name), "w") as f:
            for r in dx:
                f.write(sep.join(repr(float(v)) for v in r) + "\n")
        kinds[ext] = name
    name = base + ".kind.json"
    with open(os.path.join(OUT, name), "w") as f:
        json.dump([[float(v) for v in r] for r in dx], f)
    kinds["json"] = name
    kinds["dgamma_1xD.npy"] = save(base + ".kind.dgamma_1xD.npy", dgamma.reshape(1, -1))
    name = base + ".kind.dbeta.json"
    with open(os.path.join(OUT, name), "w") as f:
        json.dump([float(v) for v in dbeta], f)
    kinds["dbeta.json"] = name
    np.savez(os.path.join(OUT, base + ".right.npz"), dx=dx, dgamma=dgamma, dbeta=dbeta)
    np.savez_compressed(os.path.join(OUT, base + ".right_deflated.npz"), dx=dx, dgamma=dgamma)
    kinds["stored.npz"] = base + ".right.npz"
    kinds["deflated.npz"] = base + ".right_deflated.npz"
    x, gamma, beta, eps, dout = session
    np.savez(os.path.join(OUT, base + ".session.npz"), x=x, gamma=gamma, beta=beta, dout=dout,
             eps=np.array(eps))
    kinds["session.npz"] = base + ".session.npz"

    bad = {}
    buffer = io.BytesIO()
    np.save(buffer, dx)
    raw = buffer.getvalue()
    for key, data in [("truncated_header", raw[:20]), ("truncated_data", raw[:-8])]:
        name = base + ".bad." + key + ".npy"
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        bad[key] = name
    bad["int64"] = save(base + ".bad.int64.npy", np.round(dx * 100).astype("<i8"))
    bad["big_endian"] = save(base + ".bad.big_endian.npy", dx.astype(">f8"))
    bad["shape_mismatch"] = save(base + ".bad.shape_mismatch.npy", dx.T.copy())
    bad["three_dims"] = save(base + ".bad.three_dims.npy", dx.reshape(1, *dx.shape))
    name = base + ".bad.object.npy"
    np.save(os.path.join(OUT, name), np.array([1.5, "a"], dtype=object), allow_pickle=True)
    bad["object"] = name
    name = base + ".bad.not_npz.npz"
    with zipfile.ZipFile(os.path.join(OUT, name), "w") as z:
        z.writestr(zipfile.ZipInfo("readme.txt", date_time=(2026, 1, 1, 0, 0, 0)),
                   "not an array\n")
    bad["not_npz"] = name
    return kinds, bad


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    rng = np.random.default_rng(20261201)
    sessions = [("random_5x3", 5, 3, 1e-5, 1.0), ("wide_8x4", 8, 4, 1e-3, 0.5),
                ("pair_2x3", 2, 3, 1e-5, 1.5), ("tall_12x2", 12, 2, 1e-5, 2.0)]
    manifest = {"cases": [], "float32": [], "kinds": {}, "bad": {}, "one_tensor": []}
    for name, n, d, eps, scale in sessions:
        session = make_session(rng, n, d, eps, scale)
        x, gamma, beta, eps, dout = session
        with open(os.path.join(OUT, name + ".bnflow.json"), "w") as f:
            f.write(session_json(x, gamma, beta, eps, dout, name))
        for mistake in [None] + MISTAKES:
            label = mistake or "right"
            grads = backward(x, gamma, dout, eps, mistake)
            files = {t: save("%s.%s.%s.npy" % (name, label, t), g)
                     for t, g in zip(["dx", "dgamma", "dbeta"], grads)}
            manifest["cases"].append({"session": name + ".bnflow.json", "mistake": mistake,
                                      "files": files})
        # Reduced over the features, as layer norm: written with the family's set view below.
        bn = {"layer": "batchnorm", "x": x, "gamma": gamma, "dout": dout, "eps": eps}
        files = {t: save("%s.wrong_axis.%s.npy" % (name, t), g)
                 for t, g in zip(["dx", "dgamma", "dbeta"], family_backward(bn, "wrong_axis"))}
        manifest["cases"].append({"session": name + ".bnflow.json", "mistake": "wrong_axis",
                                  "files": files})
        # The right answer computed entirely in float32, as a student's float32 code would.
        # Not for N = 2: there dx is pure cancellation (about eps / var times dxhat), so float32
        # rounding is large next to dx itself and the check rightly calls it wrong.
        if n > 2:
            grads32 = backward(x.astype(np.float32), gamma.astype(np.float32),
                               dout.astype(np.float32), np.float32(eps))
            files = {t: save("%s.right_f32.%s.npy" % (name, t), g.astype("<f4"))
                     for t, g in zip(["dx", "dgamma", "dbeta"], grads32)}
            manifest["float32"].append({"session": name + ".bnflow.json", "files": files})
        # One wrong tensor beside two right ones, as NumPy returns it: np.sum without axis is
        # a 0-d array (the student's dbeta or dgamma); it must be judged and named
        # sum_without_axis for that tensor alone, not refused as a shape error.
        if d > 1:
            right = backward(x, gamma, dout, eps)
            xhat = forward(x, eps)[3]
            for tensor, total in (("dbeta", np.sum(dout)), ("dgamma", np.sum(dout * xhat))):
                grads = dict(zip(["dx", "dgamma", "dbeta"], right))
                grads[tensor] = np.asarray(total)  # shape ()
                files = {t: save("%s.%s_without_axis.%s.npy" % (name, tensor, t), g)
                         for t, g in grads.items()}
                manifest["one_tensor"].append({"session": name + ".bnflow.json", "files": files,
                                               "wrong": tensor, "mistake": "sum_without_axis"})
        if name == "random_5x3":
            right = backward(x, gamma, dout, eps)
            kinds, bad = write_file_kinds(name, *right, session)
            manifest["kinds"] = {"session": name + ".bnflow.json", "files": kinds}
            manifest["bad"] = {"session": name + ".bnflow.json", "files": bad}
    write_family_cases(np.random.default_rng(20261207), manifest)
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
