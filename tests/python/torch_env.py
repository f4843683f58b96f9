"""Makes Debian's python3-torch importable for the scripts under tests/ (the reference generator
and the PyTorch comparison benchmark).

    sys.path.insert(0, <tests/python>); import torch_env; torch_env.ensure_torch()

If torch does not import: re-runs the calling script under /usr/bin/python3 (Debian's
python3-torch lives in the system interpreter's dist-packages, which another interpreter on the
PATH, a pyenv one say, does not see), and if it is missing there too, installs it with apt-get
and re-runs the script once more. Returns only when torch imports.
"""
import os
import subprocess
import sys

SYSTEM_PYTHON = "/usr/bin/python3"


def _rerun(interpreter):
    script = os.path.abspath(sys.argv[0])
    os.execv(interpreter, [interpreter, script] + sys.argv[1:])


def ensure_torch():
    try:
        import torch  # noqa: F401
        return
    except ImportError:
        pass
    if sys.executable != SYSTEM_PYTHON and os.path.exists(SYSTEM_PYTHON):
        _rerun(SYSTEM_PYTHON)
    if os.environ.get("BNFLOW_TORCH_INSTALLED"):
        sys.exit("python3-torch was installed, but 'import torch' still fails under "
                 + sys.executable)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.check_call(sudo + ["apt-get", "update", "-qq"])
    subprocess.check_call(sudo + ["apt-get", "install", "-y", "-qq", "python3-torch"],
                          env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    os.environ["BNFLOW_TORCH_INSTALLED"] = "1"
    _rerun(sys.executable)
