"""bnflow from Python: sessions from NumPy arrays, `bnflow-cli grad` and `check` as dicts of arrays.

    import numpy as np, bnflow
    x = np.random.randn(8, 4)
    s = bnflow.session(x, np.ones(4), np.zeros(4), layer="groupnorm", groups=np.int64(2))
    out = bnflow.grad(s)                       # or a path: bnflow.grad("s.bnflow.json")
    out["staged.dx"], out["fused.dgamma"], out["forward.xhat"]   # numpy float64 arrays
    bnflow.check(s, dx=my_dx)["verdict"]       # "correct" or "wrong", with the diagnosis
    bnflow.show(s)                             # the window on this session
    c = bnflow.capture(model, inputs, norm=model[1])   # a PyTorch model's layer, as a session
    bnflow.check(c.session, dx=c.dx, dgamma=c.dgamma, dbeta=c.dbeta)
    s.write("s.bnflow.json")                   # atomically: whole, or the old file untouched
    s.write_npz("s.npz")                       # the same session as an .npz (any size)

Every key of the session file can be given (layer, groups, mode, running_mean, running_var,
momentum, convention, channels, title, ...), as Python or NumPy numbers, strings and arrays.
Sessions too large for the CLI's 64 MiB of JSON go to it as an .npz. The CLI is found as
$BNFLOW_CLI, else `bnflow-cli` on the PATH. Every failure of the CLI is a RuntimeError with its
one-line message.
"""
import json
import os
import subprocess
import tempfile

import numpy as np

__all__ = ["Session", "Capture", "session", "write_session", "session_text", "grad", "check",
           "show", "capture"]

_NOT_FOUND = ("bnflow-cli was not found ({cli}): build it with ./run.sh or ./test.sh and set "
              "BNFLOW_CLI=build/app/bnflow-cli, or install the bnflow package "
              "(cd build && cpack -G DEB; sudo apt install ./bnflow_*.deb)")


def _rows(array, name, ndim):
    return _array(array, name, ndim).tolist()  # Python floats: 1.0, -0.0, round-trip digits


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


# Keys an .npz session carries besides x, gamma, beta and dout (the contract's 0-d members and
# running statistics); title and notes only label a session and are left out of an .npz.
_NPZ_NUMBERS = ("eps", "groups", "channels", "momentum")
_NPZ_NAMES = ("layer", "mode", "convention")
_NPZ_VECTORS = ("running_mean", "running_var")
_LABELS = ("title", "notes")
# bnflow-cli reads at most 64 MiB of JSON; a session whose JSON would pass this goes as an .npz.
_JSON_LIMIT = 48 << 20


def _array(value, name, ndim):
    a = np.asarray(value, dtype=np.float64)
    if a.ndim != ndim:
        raise ValueError(f"{name}: expected {ndim} dimension(s), got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name}: every entry must be finite")
    return a


class Session:
    """A session made from arrays: its JSON text or .npz, written to a file or passed to
    grad/check."""

    def __init__(self, x, gamma, beta, dout=None, eps=1e-5, **keys):
        self.arrays = {"x": _array(x, "x", 2), "gamma": _array(gamma, "gamma", 1),
                       "beta": _array(beta, "beta", 1)}
        if dout is not None:
            self.arrays["dout"] = _array(dout, "dout", 2)
        self.keys = {"eps": _plain(eps, "eps")}
        for key, value in keys.items():
            self.keys[key] = _plain(value, key)

    @property
    def doc(self):
        doc = {"format": "bnflow-session", "version": 1}
        doc.update({name: a.tolist() for name, a in self.arrays.items()})
        doc.update(self.keys)
        return doc

    def text(self):
        return json.dumps(self.doc, indent=1, allow_nan=False)

    def json_bytes_estimate(self):
        """About how long text() is: 25 bytes a number."""
        return 25 * sum(a.size for a in self.arrays.values()) + 1000

    def write(self, path):
        """Writes the session to path whole, or raises and leaves an existing file as it was."""
        _write_atomically(path, self.text())

    def write_npz(self, path):
        """Writes the session as an .npz (np.savez), whole or not at all. Keys an .npz cannot
        carry raise ValueError; title and notes are left out."""
        members = dict(self.arrays)
        for key, value in self.keys.items():
            if key in _NPZ_NUMBERS:
                members[key] = np.array(value)
            elif key in _NPZ_NAMES:
                members[key] = np.str_(value)
            elif key in _NPZ_VECTORS:
                members[key] = _array(value, key, 1)
            elif key not in _LABELS:
                raise ValueError(f"{key}: an .npz session cannot carry it; write the JSON session")
        _replace_atomically(path, lambda f: np.savez(f, **members))


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
    data = text.encode("utf-8")  # the text exists before any file is touched
    _replace_atomically(path, lambda f: f.write(data))


def _replace_atomically(path, write):
    """write(f) fills a temporary file beside path, which is synced and renamed over path: a
    failure anywhere leaves the old file whole and no temporary behind."""
    folder = os.path.dirname(os.path.abspath(os.fspath(path)))
    fd, temporary = tempfile.mkstemp(prefix=".bnflow-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
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


def _session_argument(made, folder):
    """SESSION for the CLI: '-' with the JSON text on stdin, or an .npz in folder when the JSON
    would pass the CLI's 64 MiB limit."""
    if made.json_bytes_estimate() <= _JSON_LIMIT:
        return "-", made.text()
    path = os.path.join(folder, "session.npz")
    made.write_npz(path)
    return path, None


def grad(session, cli=None):
    """Runs `bnflow-cli grad` on a session path, a Session or a tuple (x, gamma, beta[, dout[,
    eps]]) and returns {"forward.mean": array, ..., "staged.dx": array, "fused.dx": array,
    "max_abs_diff.dx": array(scalar), "shape": array([N, D])} (shape as integers)."""
    cli = cli or os.environ.get("BNFLOW_CLI", "bnflow-cli")
    made = _as_session(session)
    with tempfile.TemporaryDirectory(prefix="bnflow-grad-") as folder:
        if made is not None:
            argument, text = _session_argument(made, folder)
            run = _run([cli, "grad", argument], text)
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
            argument, text = _session_argument(made, folder)
            run = _run([cli, "check", argument, "--npz", npz], text, ok=(0, 3))
        else:
            run = _run([cli, "check", os.fspath(session), "--npz", npz], ok=(0, 3))
    return json.loads(run.stdout)


def show(session, gui=None, args=(), wait=False):
    """Opens the bnflow window on a session (a path, a Session or a tuple), for a notebook: the
    session is written to a temporary file that the window reads. Returns the process (wait=True:
    waits for it and raises RuntimeError when it fails). The window is $BNFLOW_GUI, else `bnflow`
    on the PATH; args go to it (e.g. ("--screenshot", "out.png"))."""
    gui = gui or os.environ.get("BNFLOW_GUI", "bnflow")
    made = _as_session(session)
    if made is None:
        path = os.fspath(session)
    else:
        folder = tempfile.mkdtemp(prefix="bnflow-show-")  # kept: the window reads it when it starts
        if made.json_bytes_estimate() <= _JSON_LIMIT:
            path = os.path.join(folder, "session.bnflow.json")
            made.write(path)
        else:
            path = os.path.join(folder, "session.npz")
            made.write_npz(path)
    argv = [gui, path] + list(args)
    try:
        if wait:
            run = subprocess.run(argv, capture_output=True, text=True)
            if run.returncode != 0:
                raise RuntimeError(run.stderr.strip().splitlines()[-1] if run.stderr.strip()
                                   else f"bnflow exited with {run.returncode}")
            return run
        return subprocess.Popen(argv)
    except FileNotFoundError:
        raise RuntimeError(_NOT_FOUND.replace("bnflow-cli", "bnflow").replace("BNFLOW_CLI", "BNFLOW_GUI")
                           .format(cli=gui)) from None


class Capture:
    """One normalization layer of a PyTorch model, caught in one forward and backward pass:
    `session` (its input, parameters, eps, mode and running statistics, and the upstream gradient
    it received as dout) and PyTorch's own gradients `dx`, `dgamma`, `dbeta` (NumPy arrays in the
    model's dtype; dgamma and dbeta are None without affine parameters)."""

    def __init__(self, session, dx, dgamma, dbeta, layer):
        self.session, self.dx, self.dgamma, self.dbeta, self.layer = session, dx, dgamma, dbeta, layer


def _norm_keys(torch, norm, x):
    """The session keys that say which layer `norm` is, for its input x; raises ValueError for
    what bnflow does not model."""
    name = type(norm).__name__
    if isinstance(norm, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d, torch.nn.BatchNorm3d)):
        keys = {"layer": "batchnorm"}
        if x.dim() > 2:  # spatial batch norm: (N, C, L), (N, C, H, W), ... read as (N, C, L)
            keys.update(channels=int(x.shape[1]))
        tracked = norm.track_running_stats and norm.running_mean is not None
        if not norm.training:
            if not tracked:
                raise ValueError(f"{name} in eval mode without running statistics")
            keys.update(mode="eval")
        elif tracked and norm.momentum is not None:
            keys.update(convention="pytorch", momentum=float(norm.momentum))
        elif tracked:
            raise ValueError(f"{name} with momentum=None (a cumulative average) is not modelled")
        if tracked:
            keys.update(running_mean=norm.running_mean.detach().double().cpu().numpy().copy(),
                        running_var=norm.running_var.detach().double().cpu().numpy().copy())
        return keys
    if isinstance(norm, torch.nn.LayerNorm):
        if len(norm.normalized_shape) != 1:
            raise ValueError(f"{name} over {tuple(norm.normalized_shape)}: bnflow normalizes "
                             "over the last dimension only")
        return {"layer": "layernorm"}
    if isinstance(norm, torch.nn.GroupNorm):
        keys = {"layer": "groupnorm", "groups": int(norm.num_groups)}
        if x.dim() > 2:  # spatial group norm: (N, C, L), (N, C, H, W), ... read as (N, C, L)
            keys.update(channels=int(x.shape[1]))
        return keys
    raise ValueError(f"{name} is not a normalization layer bnflow knows (BatchNorm1d/2d/3d, "
                     "LayerNorm, GroupNorm)")


def capture(model, inputs, norm=None, loss=None, seed=0):
    """Runs model(inputs) forward and backward once and returns a Capture of the normalization
    layer `norm` (default: the first BatchNorm1d, LayerNorm or GroupNorm in model.modules()).
    loss(output) gives the scalar to differentiate; by default sum(output * R) with R a seeded
    standard-normal tensor, so that the layer gets a non-trivial upstream gradient. The model's
    .grad fields are left as that backward pass sets them; running statistics are updated as
    PyTorch's forward does. A LayerNorm on more than 2 dimensions is read as rows of its last
    one; batch and group norm on (N, C, L) or (N, C, H, W) are spatial: N rows of C * L with
    "channels": C, and dx comes back in that flattened shape."""
    import torch

    kinds = (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d, torch.nn.BatchNorm3d, torch.nn.LayerNorm,
             torch.nn.GroupNorm)
    if norm is None:
        norm = next((m for m in model.modules() if isinstance(m, kinds)), None)
        if norm is None:
            raise ValueError("the model has no BatchNorm1d, LayerNorm or GroupNorm; pass norm=")
    seen = {}

    def before(module, args):
        x = args[0]
        seen["keys"] = _norm_keys(torch, module, x)  # running statistics before the update
        if not x.requires_grad:
            x = x.detach().requires_grad_(True)  # a leaf, so that dx can be asked for
        seen["x"] = x
        return (x,) + tuple(args[1:])

    def after(module, args, output):
        seen["y"] = output

    handles = [norm.register_forward_pre_hook(before), norm.register_forward_hook(after)]
    try:
        output = model(*inputs) if isinstance(inputs, (tuple, list)) else model(inputs)
    finally:
        for handle in handles:
            handle.remove()
    if "y" not in seen:
        raise ValueError("the model's forward pass did not call the normalization layer")
    if loss is None:
        generator = torch.Generator().manual_seed(seed)
        weights = torch.randn(output.shape, generator=generator, dtype=output.dtype)
        scalar = (output * weights.to(output.device)).sum()
    else:
        scalar = loss(output)
    params = [p for p in (getattr(norm, "weight", None), getattr(norm, "bias", None)) if p is not None]
    grads = torch.autograd.grad(scalar, [seen["x"], seen["y"]] + params, allow_unused=True)

    def numpy(t):
        return None if t is None else t.detach().cpu().numpy()

    if grads[1] is None or not bool(grads[1].ne(0).any()):
        raise ValueError("the loss does not depend on the normalization layer's output")
    x = seen["x"]
    if isinstance(norm, torch.nn.LayerNorm):
        width = x.shape[-1]  # LayerNorm on (N, T, D): N*T rows of D
    else:  # batch and group norm: N rows of C * L, channel-major (the "channels" key)
        width = int(np.prod(x.shape[1:]))
    rows = lambda t: numpy(t).reshape(-1, width)  # noqa: E731
    dx, dout = rows(grads[0]), rows(grads[1])
    dgamma = numpy(grads[2]) if norm.weight is not None else None
    dbeta = numpy(grads[3 if norm.weight is not None else 2]) if norm.bias is not None else None
    affine = width if isinstance(norm, torch.nn.LayerNorm) else int(x.shape[1])
    gamma = numpy(norm.weight) if norm.weight is not None else np.ones(affine)
    beta = numpy(norm.bias) if norm.bias is not None else np.zeros(affine)
    made = Session(rows(x), gamma, beta, dout, float(norm.eps), **seen["keys"])
    return Capture(made, dx, dgamma, dbeta, type(norm).__name__)
