"""Hostile cases against the readers of the files a user names and against what the programs print:
special files given as a student's gradient, files whose load grew with the square of their
entries, arrays larger than any session behind a small compressed file, messages that echoed whole
inputs, and a document cut short under memory pressure yet reported as a success.

A mixin of hostile.py's Suite: every case uses its helpers (run, expect_bad_input, ...). The
time limits are what a user would wait; the loads they guard took minutes before.
"""
import io
import json
import os
import random
import struct
import subprocess
import time
import zipfile

from outcomes import Failure, Skip


def npy_bytes(shape, dtype="<f8", data=None):
    """A .npy file (format 1.0) of float64 or float32 values, zeros unless data is given."""
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
        dtype, "".join("%d, " % n for n in shape) if len(shape) != 1 else "%d," % shape[0])
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    count = 1
    for n in shape:
        count *= n
    size = 8 if dtype == "<f8" else 4
    if data is None:
        body = bytes(count * size)
    else:
        body = struct.pack("<%d%s" % (count, "d" if size == 8 else "f"), *data)
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + body


class ReaderCases:
    def need_unsanitized(self):
        """Time and memory bounds mean nothing under AddressSanitizer (several times slower)."""
        if self.sanitized:
            raise Skip("a bound on time or memory; measured without sanitizers")

    def student_session(self, n=3, d=3):
        rng = random.Random(5)
        x = [[round(rng.gauss(0, 1), 6) for _ in range(d)] for _ in range(n)]
        return self.session("s.bnflow.json", x=x, gamma=[1] * d, beta=[0] * d)

    # --- special files as a student's gradient ---------------------------------------------
    def case_fifo_as_student_file(self):
        session = self.student_session()
        os.mkfifo(self.path("dx.npy"))
        os.mkfifo(self.path("grads.npz"))
        good = self.write("dx.json", json.dumps([[0.0] * 3] * 3))
        for options in (["--dx", self.path("dx.npy")], ["--npz", self.path("grads.npz")],
                        ["--dx", good, "--dgamma", self.path("dx.npy")]):
            self.expect_bad_input([self.cli, "check", session] + options, "is a FIFO", 5)

    def case_dev_zero_as_student_file(self):
        session = self.student_session()
        self.expect_bad_input([self.cli, "check", session, "--dx", "/dev/zero"],
                              "is a character device", 5)

    # --- loads linear in the size of the file ----------------------------------------------
    def many_member_npz(self, name, members, extra=()):
        """An .npz of `members` tiny stored .npy members (their names are all that matter)."""
        one = npy_bytes((1,))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
            for k in range(members):
                archive.writestr("m%d.npy" % k, one)
            for member, data in extra:
                archive.writestr(member, data)
        return self.write(name, buffer.getvalue())

    def case_npz_with_100000_members_loads_in_linear_time(self):
        self.need_unsanitized()
        session = self.student_session()
        dx = npy_bytes((3, 3), data=[0.0] * 9)
        path = self.many_member_npz("many.npz", 100000, [("dx.npy", dx)])
        started = time.monotonic()
        status, out, err = self.run([self.cli, "check", session, "--npz", path], 20)
        if status != 3 or not out:  # dx of zeros is wrong, and judged
            raise Failure("expected a verdict (exit 3), got %d %r" % (status, err[:2]))
        if time.monotonic() - started > 5:  # quadratic: about 20 s
            raise Failure("100 000 members took %.1f s" % (time.monotonic() - started))

    def case_npz_member_list_is_clipped(self):
        long_name = "n" * 5000 + ".npy"
        path = self.many_member_npz("names.npz", 3000, [(long_name, npy_bytes((1,)))])
        # A session archive without x: the message names what it holds, clipped to one short line.
        self.expect_bad_input([self.cli, "grad", path], "missing from the archive", 20)

    def case_exercise_with_540000_hidden_cells_loads_in_linear_time(self):
        self.need_unsanitized()
        n = d = 300
        cells = [[i, j] for i in range(n) for j in range(d)]
        hidden = [{"quantity": q, "cells": cells} for q in ("xhat", "y", "xmu", "dxhat", "dx", "dxmu")]
        path = self.session("hidden.bnflow.json", x=[[float((i * 7 + j * 3) % 11) for j in range(d)]
                                                     for i in range(n)],
                            gamma=[1] * d, beta=[0] * d, exercise={"hidden": hidden})
        self.write("dx.json", json.dumps([[0.0] * d] * n))
        started = time.monotonic()
        status, _, err = self.run([self.cli, "check", path, "--dx", self.path("dx.json")], 60)
        if status not in (0, 3):
            raise Failure("expected a verdict, got %d %r" % (status, err[:2]))
        if time.monotonic() - started > 5:  # quadratic: 10 s
            raise Failure("540 000 hidden cells took %.1f s" % (time.monotonic() - started))

    def case_exercise_with_90000_predictions_loads_in_linear_time(self):
        self.need_unsanitized()
        n = d = 300
        predictions = [{"quantity": "dx", "cell": [i, j], "value": 0.5}
                       for i in range(n) for j in range(d)]
        path = self.session("predicted.bnflow.json",
                            x=[[float((i * 5 + j) % 13) for j in range(d)] for i in range(n)],
                            gamma=[1] * d, beta=[0] * d,
                            exercise={"hidden": [{"quantity": "dx", "cells": "all"}],
                                      "predictions": predictions})
        self.write("dx.json", json.dumps([[0.0] * d] * n))
        started = time.monotonic()
        status, _, err = self.run([self.cli, "check", path, "--dx", self.path("dx.json")], 60)
        if status not in (0, 3):
            raise Failure("expected a verdict, got %d %r" % (status, err[:2]))
        if time.monotonic() - started > 5:  # quadratic: 14 s
            raise Failure("90 000 predictions took %.1f s" % (time.monotonic() - started))

    # --- every array capped before it is allocated -----------------------------------------
    def big_x_npz(self, name, rows, cols, member="x"):
        """A session .npz whose float32 x (or `member`) has rows x cols zeros: a few hundred KB
        compressed."""
        text = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (rows, cols)
        text += " " * (63 - (10 + len(text)) % 64) + "\n"
        head = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            with archive.open(member + ".npy", "w", force_zip64=False) as stream:
                stream.write(head)
                zeros = bytes(1 << 20)
                left = rows * cols * 4
                while left > 0:
                    stream.write(zeros[:min(left, len(zeros))])
                    left -= len(zeros)
            archive.writestr("gamma.npy", npy_bytes((cols,)))
            archive.writestr("beta.npy", npy_bytes((cols,)))
        return self.write(name, buffer.getvalue())

    def case_session_npz_over_the_entry_cap_is_refused_at_once(self):
        self.need_unsanitized()
        path = self.big_x_npz("big.npz", 15000000, 4)  # 240 MB of x in about 230 KB
        for argv in ([self.cli, "grad", path],
                     [self.cli, "export", path, "--plot", "values", "--out", self.path("v.csv")]):
            started = time.monotonic()
            self.expect_bad_input(argv, "x.npy", 10, memory=1 << 30)  # was 3.77 GB, 15 s
            if time.monotonic() - started > 3:
                raise Failure("%s took %.1f s" % (argv[1], time.monotonic() - started))
        started = time.monotonic()
        self.expect_bad_input([self.gui, path, "--screenshot", self.path("big.png")], "x.npy", 30)
        if time.monotonic() - started > 10:  # was 12 s and 1.7 GB
            raise Failure("the window took %.1f s" % (time.monotonic() - started))

    def case_session_npz_just_over_the_entry_cap(self):
        path = self.big_x_npz("over.npz", (1 << 20) + 1, 4)
        self.expect_bad_input([self.cli, "grad", path], "at most 4194304", 20)

    def case_student_npz_over_the_entry_cap(self):
        session = self.student_session()
        self.need_unsanitized()
        path = self.big_x_npz("grads.npz", 15000000, 4, member="dx")
        started = time.monotonic()  # was 4.2 s and 1 GB: unpacked, then widened to float64
        self.expect_bad_input([self.cli, "check", session, "--npz", path], "dx.npy", 10,
                              memory=512 << 20)
        if time.monotonic() - started > 2:
            raise Failure("took %.1f s" % (time.monotonic() - started))

    def case_json_student_file_is_capped(self):
        self.need_unsanitized()
        session = self.student_session()
        path = self.write("dx.json", "[" + "0," * 30000000 + "0]")  # 60 MB: was 1 GB of memory
        started = time.monotonic()
        self.expect_bad_input([self.cli, "check", session, "--dx", path], "4194304", 20,
                              memory=1 << 30)
        if time.monotonic() - started > 5:
            raise Failure("a 60 MB JSON file took %.1f s" % (time.monotonic() - started))

    def case_csv_student_file_is_capped(self):
        session = self.student_session()
        path = self.write("dx.csv", ("0," * 999 + "0\n") * 5000)  # 5 000 000 numbers
        self.expect_bad_input([self.cli, "check", session, "--dx", path], "4194304", 30)

    # --- messages --------------------------------------------------------------------------
    def case_number_overflow_in_a_json_student_file(self):
        session = self.student_session()
        path = self.write("dx.json", "[[1, 2, 3], [1, 1e999, 2], [0, 0, 0]]")
        self.expect_bad_input([self.cli, "check", session, "--dx", path], "out of range")
        status, _, err = self.run([self.cli, "check", session, "--dx", path], 10)
        if any("json.exception" in line for line in err):
            raise Failure("a library's internal text reached the user: %r" % err)

    def case_empty_option_value_is_named(self):
        session = self.student_session()
        for argv in ([self.cli, "check", session, "--dgamma="],
                     [self.cli, "check", session, "--dx", ""],
                     [self.cli, "export", session, "--plot", "values", "--out="],
                     [self.cli, "check", session, "--dx", self.path("dx.json"), "--dgamma="]):
            option = argv[-1].rstrip("=") if argv[-1] else argv[-2]
            self.expect_bad_input(argv, option)

    def case_long_option_values_are_clipped(self):
        """Every echoed value is clipped: expect_bad_input allows one line of at most 400."""
        session = self.student_session()
        long = "v" * 5000
        for argv, fragment in (
                (["bench", "--shapes", long], "--shapes"), (["bench", "--shapes", "9" * 4000 + "x2"], "--shapes"),
                (["bench", "--dtype", long], "--dtype"), (["bench", "--variants", long], "--variants"),
                (["bench", "--layer", long], "--layer"), (["bench", "--min-time-ms", long], "--min-time-ms"),
                (["bench", long], "unexpected argument"), (["grad", session, long], "unexpected argument"),
                (["export", session, "--plot", long, "--out", self.path("a.png")], "unknown plot"),
                (["export", session, "--plot", "values", "--out", self.path(long[:200] + ".png")], "--out"),
                (["export", session, "--plot", "gradients", "--out", self.path(long[:200] + ".txt")], "--out"),
                (["export", session, "--plot", "gradients", "--theme", long, "--out", self.path("a.png")], "--theme"),
                (["export", session, "--plot", "gradients", "--width", long, "--out", self.path("a.png")], "--width"),
                (["handout", session, "--out", self.path(long[:200] + ".txt")], "--out")):
            self.expect_bad_input([self.cli] + argv, fragment)

    def case_npz_on_standard_input(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("x.npy", npy_bytes((2, 2), data=[1, 2, 3, 5]))
        path = self.write("s.npz", buffer.getvalue())
        with open(path, "rb") as stdin:
            done = subprocess.run([self.cli, "grad", "-"], stdin=stdin, capture_output=True,
                                  timeout=10 * self.slow)
        err = done.stderr.decode().splitlines()
        if done.returncode != 2 or done.stdout or len(err) != 1 or \
                "standard input must be a JSON session" not in err[0]:
            raise Failure("got %d, %r" % (done.returncode, err))

    # --- output whole or not at all --------------------------------------------------------
    def case_output_is_never_cut_short(self):
        """grad of a 60 000 x 8 session prints about 50 MB of JSON. Under address-space limits
        around its need, every run prints all of it and exits 0, or nothing and exits 1 (it
        printed the first 32 MiB and exited 0)."""
        self.need_memory_limits()
        rng = random.Random(7)
        x = [[round(rng.gauss(0, 1), 4) for _ in range(8)] for _ in range(60000)]
        path = self.session("tall.bnflow.json", x=x, gamma=[1] * 8, beta=[0] * 8)
        # The smallest limit that succeeds, to 8 MiB, by bisection.
        low, high = 128, 2176
        while high - low > 8:
            middle = (low + high) // 2
            status, out, _ = self.run([self.cli, "grad", path], 60, memory=middle << 20)
            if status == 0:
                high = middle
            else:
                low = middle
        outcomes = set()
        for mib in range(high - 64, high + 16, 8):
            status, out, err = self.run([self.cli, "grad", path], 60, memory=mib << 20)
            if status == 0:
                try:
                    doc = json.loads(out)
                except ValueError:
                    raise Failure("at %d MiB: exit 0 with %d bytes that are not whole JSON"
                                  % (mib, len(out)))
                if len(doc["forward"]["y"]) != 60000:
                    raise Failure("at %d MiB: exit 0 with %d rows of y" % (mib, len(doc["forward"]["y"])))
            elif status == 1:
                if out or err != ["bnflow-cli grad: out of memory"]:
                    raise Failure("at %d MiB: exit 1 with %d bytes out, %r" % (mib, len(out), err[:2]))
            else:
                raise Failure("at %d MiB: exit %d %r" % (mib, status, err[:2]))
            outcomes.add(status)
        if outcomes != {0, 1}:
            raise Failure("the limits never crossed the need: %r near %d MiB" % (outcomes, high))

    # --- work bounded by its size ----------------------------------------------------------
    def case_bench_time_is_bounded(self):
        self.need_unsanitized()
        started = time.monotonic()
        out = self.expect_success([self.cli, "bench", "--shapes", "1x16777216", "--min-time-ms", "0",
                                   "--json"], timeout=60)
        results = json.loads(out)["results"]
        if len(results) != 4:
            raise Failure("expected 4 results, got %d" % len(results))
        if time.monotonic() - started > 30:  # was 67 s
            raise Failure("bench of one shape took %.1f s" % (time.monotonic() - started))
