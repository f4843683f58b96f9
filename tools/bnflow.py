"""bnflow from Python: write a session from NumPy arrays, run `bnflow-cli grad`, get arrays back.

    import numpy as np, bnflow
    x = np.random.randn(8, 3)
    bnflow.write_session("s.bnflow.json", x, gamma=np.ones(3), beta=np.zeros(3))
    out = bnflow.grad("s.bnflow.json")           # or bnflow.grad((x, gamma, beta, dout))
    out["staged.dx"], out["fused.dgamma"], out["forward.xhat"]   # numpy float64 arrays

The CLI is found as $BNFLOW_CLI, else `bnflow-cli` on the PATH.
"""
import json
import os
import subprocess

import numpy as np

__all__ = ["write_session", "session_text", "grad"]


def _rows(array, name, ndim):
    a = np.asarray(array, dtype=np.float64)
    if a.ndim != ndim:
        raise ValueError(f"{name}: expected {ndim} dimension(s), got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name}: every entry must be finite")
    return a.tolist()  # Python floats: json writes 1.0, -0.0 and round-trip digits


def session_text(x, gamma, beta, dout=None, eps=1e-5, **extra):
    """The session as JSON text; extra keys (title, layer, mode, ...) are written as given."""
    session = {"format": "bnflow-session", "version": 1,
               "x": _rows(x, "x", 2), "gamma": _rows(gamma, "gamma", 1),
               "beta": _rows(beta, "beta", 1), "eps": float(eps)}
    if dout is not None:
        session["dout"] = _rows(dout, "dout", 2)
    session.update(extra)
    return json.dumps(session, indent=1)


def write_session(path, x, gamma, beta, dout=None, eps=1e-5, **extra):
    """Writes a *.bnflow.json session from arrays: x and dout N x D, gamma and beta D."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(session_text(x, gamma, beta, dout, eps, **extra))


def _flatten(value, prefix, out):
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else key, out)
    else:
        out[prefix] = np.asarray(value, dtype=np.float64)


def grad(session, cli=None):
    """Runs `bnflow-cli grad` on a session path or on a tuple (x, gamma, beta[, dout[, eps]]) and
    returns {"forward.mean": array, ..., "staged.dx": array, "fused.dx": array,
    "max_abs_diff.dx": array(scalar), "shape": array([N, D])}. Raises RuntimeError with the
    CLI's one-line message on bad input."""
    cli = cli or os.environ.get("BNFLOW_CLI", "bnflow-cli")
    if isinstance(session, (tuple, list)):
        args, text = [cli, "grad", "-"], session_text(*session)
    else:
        args, text = [cli, "grad", os.fspath(session)], None
    run = subprocess.run(args, input=text, capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(run.stderr.strip() or f"bnflow-cli exited with {run.returncode}")
    out = {}
    _flatten(json.loads(run.stdout), "", out)
    return out
