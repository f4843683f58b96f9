"""bnflow from Python: sessions from NumPy arrays, `bnflow-cli grad` and `check` as dicts of arrays.

    import numpy as np, bnflow
    x = np.random.randn(8, 4)
    s = bnflow.session(x, np.ones(4), np.zeros(4), layer="groupnorm", groups=np.int64(2))
    out = bnflow.grad(s)                       # or a path: bnflow.grad("s.bnflow.json")
    out["staged.dx"], out["fused.dgamma"], out["forward.xhat"]   # numpy float64 arrays
    bnflow.check(s, dx=my_dx)["verdict"]       # "correct" or "wrong", with the diagnosis
    s.write("s.bnflow.json")                   # atomically: whole, or the old file untouched

Every key of the session file can be given (layer, groups, mode, running_mean, running_var,
momentum, convention, channels, title, ...), as Python or NumPy numbers, strings and arrays.
The CLI is found as $BNFLOW_CLI, else `bnflow-cli` on the PATH. Every failure of the CLI is a
RuntimeError with its one-line message.
"""
import json
import os
import subprocess
import tempfile

import numpy as np

__all__ = ["Session", "session", "write_session", "session_text", "grad", "check"]

_NOT_FOUND = ("bnflow-cli was not found ({cli}): build it with ./run.sh or ./test.sh and set "
              "BNFLOW_CLI=build/app/bnflow-cli, or install the bnflow package "
              "(cd build && cpack -G DEB; sudo apt install ./bnflow_*.deb)")


def _rows(array, name, ndim):
    a = np.asarray(array, dtype=np.float64)
    if a.ndim != ndim:
        raise ValueError(f"{name}: expected {ndim} dimension(s), got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name}: every entry must be finite")
    return a.tolist()  # Python floats: json writes 1.0, -0.0 and round-trip digits


def _plain(value, name):
    """A key's value as JSON can hold it: NumPy scalars as Python numbers, arrays as lists."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        if not np.isfinite(value):
            raise ValueError(f"{name}: must be finite, got {value}")
        return float(value)
    if isinstance(value, (str, np.str_)):
        return str(value)
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return _plain(value.item(), name)
    if isinstance(value, (np.ndarray, list, tuple)):
        a = np.asarray(value)
        if a.dtype.kind in "biuf" and a.ndim in (1, 2):
            return _rows(a, name, a.ndim)
        return [_plain(item, f"{name}[{k}]") for k, item in enumerate(value)]
    if isinstance(value, dict):
        return {str(k): _plain(v, f"{name}.{k}") for k, v in value.items()}
    if value is None:
        return None
    raise TypeError(f"{name}: cannot be written to a session ({type(value).__name__})")


class Session:
    """A session made from arrays: its JSON text, written to a file or passed to grad/check."""

    def __init__(self, x, gamma, beta, dout=None, eps=1e-5, **keys):
        doc = {"format": "bnflow-session", "version": 1,
               "x": _rows(x, "x", 2), "gamma": _rows(gamma, "gamma", 1),
               "beta": _rows(beta, "beta", 1), "eps": _plain(eps, "eps")}
        if dout is not None:
            doc["dout"] = _rows(dout, "dout", 2)
        for key, value in keys.items():
            doc[key] = _plain(value, key)
        self.doc = doc

    def text(self):
        return json.dumps(self.doc, indent=1, allow_nan=False)

    def write(self, path):
        """Writes the session to path whole, or raises and leaves an existing file as it was."""
        _write_atomically(path, self.text())


def session(x, gamma, beta, dout=None, eps=1e-5, **keys):
    """A Session: x and dout N x D, gamma and beta D (C with channels), any other key by name."""
    return Session(x, gamma, beta, dout, eps, **keys)


def session_text(x, gamma, beta, dout=None, eps=1e-5, **keys):
    """The session as JSON text."""
    return Session(x, gamma, beta, dout, eps, **keys).text()


def write_session(path, x, gamma, beta, dout=None, eps=1e-5, **keys):
    """Writes a *.bnflow.json session from arrays, atomically."""
    Session(x, gamma, beta, dout, eps, **keys).write(path)


def _write_atomically(path, text):
    # The text exists before any file is touched; it goes to a temporary file beside the target,
    # synced, then renamed over it: a failure anywhere leaves the old file whole.
    data = text.encode("utf-8")
    folder = os.path.dirname(os.path.abspath(os.fspath(path)))
    fd, temporary = tempfile.mkstemp(prefix=".bnflow-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise


def _flatten(value, prefix, out):
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else key, out)
    elif prefix == "shape" or prefix.endswith(".worst"):
        out[prefix] = np.asarray(value, dtype=np.int64)  # the contract's integers
    else:
        out[prefix] = np.asarray(value, dtype=np.float64)


def _as_session(value):
    """A Session from a Session, or from the tuple (x, gamma, beta[, dout[, eps]])."""
    if isinstance(value, Session):
        return value
    if isinstance(value, (tuple, list)):
        return Session(*value)
    return None


def _run(args, text=None, ok=(0,)):
    try:
        run = subprocess.run(args, input=text, capture_output=True, text=True)
    except FileNotFoundError:
        raise RuntimeError(_NOT_FOUND.format(cli=args[0])) from None
    if run.returncode not in ok:
        raise RuntimeError(run.stderr.strip() or f"bnflow-cli exited with {run.returncode}")
    return run


def grad(session, cli=None):
    """Runs `bnflow-cli grad` on a session path, a Session or a tuple (x, gamma, beta[, dout[,
    eps]]) and returns {"forward.mean": array, ..., "staged.dx": array, "fused.dx": array,
    "max_abs_diff.dx": array(scalar), "shape": array([N, D])} (shape as integers)."""
    cli = cli or os.environ.get("BNFLOW_CLI", "bnflow-cli")
    made = _as_session(session)
    if made is not None:
        run = _run([cli, "grad", "-"], made.text())
    else:
        run = _run([cli, "grad", os.fspath(session)])
    out = {}
    _flatten(json.loads(run.stdout), "", out)
    return out


def check(session, dx=None, dgamma=None, dbeta=None, cli=None):
    """Judges a student's gradients with `bnflow-cli check` and returns its JSON as a dict
    ({"verdict": "correct" | "wrong", "tensors": {...}, "diagnosis": [...]}). The arrays keep
    their dtype (float32 or float64) on the way; session is a path, a Session or a tuple."""
    cli = cli or os.environ.get("BNFLOW_CLI", "bnflow-cli")
    arrays = {name: np.asarray(value) for name, value in
              (("dx", dx), ("dgamma", dgamma), ("dbeta", dbeta)) if value is not None}
    if not arrays:
        raise ValueError("check: give dx, dgamma or dbeta")
    for name, a in arrays.items():
        if a.dtype not in (np.float32, np.float64):
            arrays[name] = a.astype(np.float64)
    made = _as_session(session)
    with tempfile.TemporaryDirectory(prefix="bnflow-check-") as folder:
        npz = os.path.join(folder, "student.npz")
        np.savez(npz, **arrays)
        if made is not None:
            run = _run([cli, "check", "-", "--npz", npz], made.text(), ok=(0, 3))
        else:
            run = _run([cli, "check", os.fspath(session), "--npz", npz], ok=(0, 3))
    return json.loads(run.stdout)
