#!/usr/bin/env python3
"""Hostile inputs and faults against the built bnflow-cli and bnflow, each case under a timeout.

Every case recreates its files in a temporary folder, runs one program on them and checks the
exit status, that stderr is one line naming what is wrong (for bad input), that nothing hung or
crashed, and that no file in the folder changed (each run compares bytes and mtimes). Cases that need root (device nodes made with
mknod, a small tmpfs) run when root and print SKIP otherwise; so do the address-space limits
under AddressSanitizer, which needs terabytes of address space. Everything made is removed (and
unmounted) at the end, whatever happens.

    hostile.py --cli PATH --gui PATH [--sanitized] [-k SUBSTRING]
"""
import argparse
import hashlib
import json
import os
import random
import resource
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

from outcomes import Failure, Skip
from reader_cases import ReaderCases

QT_NOISE = ("QStandardPaths:", "This plugin does not support")


class Suite(ReaderCases):
    def __init__(self, args):
        self.cli = args.cli
        self.gui = args.gui
        self.sanitized = args.sanitized
        self.slow = 6 if args.sanitized else 1  # sanitizers: everything several times slower
        self.root = os.geteuid() == 0
        self.tmp = tempfile.mkdtemp(prefix="bnflow-hostile-")
        os.chmod(self.tmp, 0o755)  # the unprivileged user of the permission case walks through
        self.mounts = []

    # --- helpers -------------------------------------------------------------------------
    def path(self, name):
        return os.path.join(self.tmp, name)

    def write(self, name, content):
        mode = "wb" if isinstance(content, bytes) else "w"
        with open(self.path(name), mode) as f:
            f.write(content)
        return self.path(name)

    def session(self, name, **fields):
        doc = {"format": "bnflow-session", "version": 1, "x": [[1, 2, 3], [4, 5.5, 6], [0, 1, 7]],
               "gamma": [1, 0.5, 2], "beta": [0, 0.1, -0.3], "eps": 1e-5}
        doc.update(fields)
        return self.write(name, json.dumps(doc))

    def run(self, argv, timeout, memory=None, user=None, env=None):
        """(status, stdout, stderr lines without Qt's environment noise); status < 0: signal."""
        def limit():
            if memory is not None:
                resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if user is not None:
            argv = ["setpriv", "--reuid=%d" % user, "--regid=%d" % user, "--clear-groups"] + argv
        full_env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        full_env.update(env or {})
        before = self.fingerprint()
        try:
            done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                                  timeout=timeout * self.slow, preexec_fn=limit, env=full_env)
        except subprocess.TimeoutExpired:
            raise Failure("no answer within %g s: it hangs" % (timeout * self.slow))
        after = self.fingerprint()
        changed = [p for p in before if after.get(p) != before[p]]
        if changed:
            raise Failure("input files changed or removed: %r" % changed)
        err = [line for line in done.stderr.decode("utf-8", "replace").splitlines()
               if not line.startswith(QT_NOISE)]
        return done.returncode, done.stdout, err

    def expect_bad_input(self, argv, fragment, timeout=10, **kw):
        status, out, err = self.run(argv, timeout, **kw)
        if status != 2 or out or len(err) != 1 or fragment not in err[0] or len(err[0]) > 400:
            raise Failure("expected exit 2, no stdout and one line with %r; got %d, %d bytes out, "
                          "stderr %r" % (fragment, status, len(out), [e[:200] for e in err]))

    def expect_success(self, argv, timeout=10, **kw):
        status, out, err = self.run(argv, timeout, **kw)
        if status != 0:
            raise Failure("expected exit 0, got %d: %r" % (status, [e[:200] for e in err]))
        return out

    def fingerprint(self):
        """Every regular file of the folder: its bytes and its modification time."""
        prints = {}
        for folder, _, files in os.walk(self.tmp):
            for name in files:
                p = os.path.join(folder, name)
                try:
                    st = os.lstat(p)
                except OSError:
                    continue
                if os.path.isfile(p) and not os.path.islink(p):
                    with open(p, "rb") as f:
                        prints[p] = (hashlib.sha256(f.read()).hexdigest(), st.st_mtime_ns)
        return prints

    def need_root(self):
        if not self.root:
            raise Skip("needs root")

    def need_memory_limits(self):
        if self.sanitized:
            raise Skip("AddressSanitizer cannot run under an address-space limit")

    def png_width(self, path):
        with open(path, "rb") as f:
            head = f.read(24)
        return struct.unpack(">II", head[16:24])[0]

    def cleanup(self):
        for mount in reversed(self.mounts):
            subprocess.run(["umount", "-l", mount], capture_output=True)
        for folder, dirs, _ in os.walk(self.tmp):  # undo the permission cases
            for d in dirs:
                try:
                    os.chmod(os.path.join(folder, d), 0o755)
                except OSError:
                    pass
        shutil.rmtree(self.tmp, ignore_errors=True)

    # --- cases: special files ------------------------------------------------------------
    def case_fifo_without_writer_cli(self):
        os.mkfifo(self.path("fifo.bnflow.json"))
        self.expect_bad_input([self.cli, "grad", self.path("fifo.bnflow.json")], "is a FIFO", 5)

    def case_fifo_without_writer_gui(self):
        os.mkfifo(self.path("fifo.bnflow.json"))
        self.expect_bad_input([self.gui, self.path("fifo.bnflow.json"), "--screenshot",
                               self.path("out.png")], "is a FIFO", 20)
        if os.path.exists(self.path("out.png")):
            raise Failure("a screenshot was written for a session that could not be opened")

    def case_dev_zero(self):
        self.expect_bad_input([self.cli, "gradcheck", "/dev/zero"], "is a character device", 5)

    def case_mknod_char_device(self):
        self.need_root()
        os.mknod(self.path("null.bnflow.json"), 0o600 | 0o020000, os.makedev(1, 3))
        self.expect_bad_input([self.cli, "grad", self.path("null.bnflow.json")], "character device", 5)

    def case_mknod_block_device(self):
        self.need_root()
        os.mknod(self.path("loop.bnflow.json"), 0o600 | 0o060000, os.makedev(7, 0))
        self.expect_bad_input([self.cli, "grad", self.path("loop.bnflow.json")], "block device", 5)

    def case_socket(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.bind(self.path("socket.bnflow.json"))
            self.expect_bad_input([self.cli, "grad", self.path("socket.bnflow.json")], "is a socket", 5)
        finally:
            sock.close()

    def case_symlink_loop(self):
        os.symlink(self.path("b"), self.path("a"))
        os.symlink(self.path("a"), self.path("b"))
        self.expect_bad_input([self.cli, "grad", self.path("a")], "too many levels of symbolic links")

    def case_name_too_long(self):
        self.expect_bad_input([self.cli, "grad", self.path("n" * 5000)], "the file name is too long")

    def case_unreadable_folder(self):
        folder = self.path("closed")
        os.mkdir(folder)
        self.session("closed/s.bnflow.json")
        os.chmod(folder, 0o000)
        if self.root:  # root reads anything: ask as nobody
            if shutil.which("setpriv") is None:
                raise Skip("root without setpriv")
            self.expect_bad_input([self.cli, "grad", folder + "/s.bnflow.json"], "permission denied",
                                  user=65534)
        else:
            self.expect_bad_input([self.cli, "grad", folder + "/s.bnflow.json"], "permission denied")

    def case_session_on_a_full_tmpfs(self):
        self.need_root()
        mount = self.path("tmpfs")
        os.mkdir(mount)
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount],
                          capture_output=True).returncode != 0:
            raise Skip("cannot mount a tmpfs here")
        self.mounts.append(mount)
        self.session("tmpfs/s.bnflow.json")
        fd = os.open(os.path.join(mount, "filler"), os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while os.write(fd, b"\0" * 65536) > 0:
                pass
        except OSError:
            pass  # full
        finally:
            os.close(fd)
        for command in ("grad", "gradcheck"):
            out = self.expect_success([self.cli, command, os.path.join(mount, "s.bnflow.json")],
                                      env={"TMPDIR": mount})
            json.loads(out)

    # --- cases: pathological content -----------------------------------------------------
    def case_nul_then_garbage(self):
        good = json.dumps({"format": "bnflow-session", "version": 1, "x": [[1, 2], [3, 5]],
                           "gamma": [1, 1], "beta": [0, 0], "eps": 1e-5})
        path = self.write("nul.bnflow.json", good.encode() + b"\0garbage")
        self.expect_bad_input([self.cli, "grad", path], "NUL byte")

    def case_number_of_100000_digits(self):
        path = self.session("digits.bnflow.json")
        text = open(path).read().replace("5.5", "1" + "7" * 99999)
        self.write("digits.bnflow.json", text)
        self.expect_bad_input([self.cli, "grad", path], "out of range")

    def case_200000_keys_parse_in_linear_time(self):
        head = '{"format": "bnflow-session", "version": 1, "x": [[1, 2], [3, 5]], ' \
               '"gamma": [1, 1], "beta": [0, 0], "eps": 1e-5'
        keys = "".join(', "k%d": %d' % (k, k) for k in range(200000))
        path = self.write("keys.bnflow.json", head + keys + "}")
        json.loads(self.expect_success([self.cli, "grad", path], timeout=15))  # was 24 s, now 0.6

    def case_more_entries_than_the_cap(self):
        row = "[" + ",".join(["0"] * ((1 << 21) + 1)) + "]"
        path = self.write("wide.bnflow.json",
                          '{"format": "bnflow-session", "version": 1, "x": [%s, %s], "gamma": [1], '
                          '"beta": [0], "eps": 1e-5}' % (row, row))
        self.expect_bad_input([self.cli, "grad", path], "at most 4194304", 20)

    def case_duplicate_key(self):
        path = self.write("dup.bnflow.json", '{"format": "bnflow-session", "version": 1, "eps": 1, '
                          '"x": [[1], [2]], "gamma": [1], "beta": [0], "eps": 1e-5}')
        self.expect_bad_input([self.cli, "grad", path], "appears twice")

    def case_dout_seed_2_64(self):
        path = self.write("seed.bnflow.json", '{"format": "bnflow-session", "version": 1, '
                          '"x": [[1], [2]], "gamma": [1], "beta": [0], "eps": 1e-5, '
                          '"dout_seed": 18446744073709551616}')
        self.expect_bad_input([self.cli, "grad", path], "out of range")

    def case_constant_column_tiny_eps(self):
        path = self.session("eps.bnflow.json", x=[[1, 2], [3, 2]], gamma=[1, 1], beta=[0, 0],
                            eps=1e-300)
        self.expect_bad_input([self.cli, "grad", path], "is so small")

    def case_subnormal_column(self):
        path = self.session("sub.bnflow.json", x=[[1, 5e-324], [3, 1e-323]], gamma=[1, 1],
                            beta=[0, 0], eps=0)
        self.expect_bad_input([self.cli, "grad", path], "underflows to 0")

    # --- cases: gradient check -----------------------------------------------------------
    def case_gradcheck_overflow_in_feature_1(self):
        path = self.session("beta.bnflow.json", beta=[0, 1e308, 0],
                            dout=[[1, 1, 1], [1, 1, 1], [1, 1, 1]])
        self.expect_bad_input([self.cli, "gradcheck", path], "overflows a double")

    def case_gradcheck_large_batch_is_sampled(self):
        rng = random.Random(1)
        x = [[round(rng.gauss(0, 1), 6) for _ in range(8)] for _ in range(20000)]
        path = self.session("big.bnflow.json", x=x, gamma=[1] * 8, beta=[0] * 8)
        # About 1 s: the generous timeout is for loaded machines; the sample size is the test.
        report = json.loads(self.expect_success([self.cli, "gradcheck", path], timeout=60))
        if not 0 < report.get("samples", 0) < 20000 * 8:
            raise Failure("no sample stated: %r" % report)
        report = json.loads(self.expect_success([self.cli, "gradcheck", path, "--samples", "10"]))
        if report.get("samples") != 10 or set(report) != {"h", "max_rel_error", "samples"}:
            raise Failure("--samples 10 gave %r" % report)

    def case_export_gradcheck_plot_is_bounded(self):
        rng = random.Random(2)
        x = [[round(rng.gauss(0, 1), 6) for _ in range(8)] for _ in range(20000)]
        path = self.session("big.bnflow.json", x=x, gamma=[1] * 8, beta=[0] * 8)
        self.expect_success([self.cli, "export", path, "--plot", "hsweep", "--out",
                             self.path("hsweep.svg")], timeout=60)  # was minutes

    # --- cases: usage --------------------------------------------------------------------
    def case_bench_empty_variants(self):
        self.expect_bad_input([self.cli, "bench", "--variants", ""], "--variants")

    def case_gui_unknown_option(self):
        self.expect_bad_input([self.gui, "--frob"], "frob", 20)

    # --- cases: the window ---------------------------------------------------------------
    def screenshot_width(self, name, **fields):
        path = self.session(name + ".bnflow.json", **fields)
        self.expect_success([self.gui, path, "--screenshot", self.path(name + ".png")], timeout=30)
        return self.png_width(self.path(name + ".png"))

    def case_long_titles_do_not_widen_the_window(self):
        normal = self.screenshot_width("normal", title="A title")
        for name, fields in [("url", {"title": "https://example.org/?q=" + "x" * 200}),
                             ("word", {"title": "w" * 1000000}),
                             ("notes", {"notes": "n" * 1000000})]:
            width = self.screenshot_width(name, **fields)
            if width != normal:
                raise Failure("%s: the window is %d px wide, %d with a short title" % (name, width, normal))

    # --- cases: memory -------------------------------------------------------------------
    def smallest_limit(self, argv):
        """The smallest address-space limit (MiB, in steps of 8) at which argv starts at all."""
        for mib in range(40, 1024, 8):
            status, _, _ = self.run(argv, 10, memory=mib << 20)
            if status == 0:
                return mib
        raise Skip("does not start under 1 GiB of address space")

    def case_out_of_memory_is_a_message(self):
        self.need_memory_limits()
        rng = random.Random(3)
        x = [[round(rng.gauss(0, 1), 6) for _ in range(8)] for _ in range(5000)]
        path = self.session("big.bnflow.json", x=x, gamma=[1] * 8, beta=[0] * 8)
        base = self.smallest_limit([self.cli, "--version"])
        outcomes = set()
        # From where the program barely starts to where it has all it needs, in 3 MiB steps:
        # every allocation of the reader, the checks and the output fails somewhere on the way.
        for extra in range(0, 60, 3):
            for command in (["grad"], ["gradcheck", "--samples", "50"]):
                argv = [self.cli, command[0], path] + command[1:]
                status, out, err = self.run(argv, 20, memory=(base + extra) << 20)
                if status < 0 or status not in (0, 1):
                    raise Failure("%s at %d MiB: exit %d %r" % (command[0], base + extra, status, err[:2]))
                if status == 1 and (out or err != ["bnflow-cli %s: out of memory" % command[0]]):
                    raise Failure("%s at %d MiB: %r" % (command[0], base + extra, err[:2]))
                outcomes.add(status)
        if outcomes != {0, 1}:
            raise Failure("the limits never crossed the need: outcomes %r from %d MiB" % (outcomes, base))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", required=True)
    parser.add_argument("--gui", required=True)
    parser.add_argument("--sanitized", action="store_true")
    parser.add_argument("-k", default="", help="run only the cases whose name contains this")
    args = parser.parse_args()
    names = sorted(n for n in dir(Suite) if n.startswith("case_") and args.k in n)
    failed = 0
    for name in names:
        suite = Suite(args)
        started = time.monotonic()
        try:
            getattr(suite, name)()
            print("PASS  %-50s %5.1f s" % (name[5:], time.monotonic() - started), flush=True)
        except Skip as why:
            print("SKIP  %-50s %s" % (name[5:], why), flush=True)
        except Failure as why:
            failed += 1
            print("FAIL  %-50s %s" % (name[5:], why), flush=True)
        finally:
            suite.cleanup()
    print("%d cases, %d failed" % (len(names), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
