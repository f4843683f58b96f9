#!/usr/bin/python3
"""bnflow's fused backward pass against PyTorch's, and both against this machine's memory bandwidth.

Run from anywhere:  /usr/bin/python3 tests/bench/compare_pytorch.py [--min-time-ms T]
It installs Debian's python3-torch if it is missing, builds bnflow-cli and bnflow-bandwidth if
they are not built yet, and then, shape by shape:
  1. bnflow-bandwidth: single-thread read and triad bandwidth at the shape's array size;
  2. PyTorch's native CPU batch norm backward, torch.ops.aten.native_batch_norm_backward, single
     thread, float64 and float32, on preallocated inputs: both the plain op (which allocates
     its outputs, as autograd calls it) and its out= form (which writes into reused buffers);
  3. bnflow-cli bench --json --variants fused, the same shape in both dtypes.
Then it prints one table row per shape and dtype.

Layouts: PyTorch's x is an (N, D) contiguous tensor, so row-major: one sample's D features are
contiguous. bnflow's N x D matrices are column-major: one feature's N samples are contiguous.
Both compute the same mathematical N x D problem; each kernel gets the layout it takes: batch
norm's column-major (it reduces over a feature's samples), layer norm's and RMSNorm's row-major
like PyTorch's (they reduce over a sample's features; core/math/row_norm_kernel.h).

Bounds of the fused pass, from the bandwidth at the shape's size (B = N * D * element bytes):
  two-pass: pass one reads dout and xhat (2B at read speed), pass two reads them again and
            writes dx (3B at triad speed), all from memory;
  cached:   the second read comes from cache, so only one triad-like sweep (3B at triad speed).
Times are per call in microseconds: min and median over samples of calls batched to about
1 ms each, after a warm-up (the method of bnflow-cli bench). The bounds use the best bandwidth
sample; bnflow/bound compares bnflow's min to it (and its median to the median-bandwidth bound).
With --rounds R (default 3) every shape is measured R times, the three programs interleaved, and
each quantity keeps its best sample over all rounds and the median of its least disturbed round:
the same rule for PyTorch, bnflow and the bandwidth, so a burst of load elsewhere on a shared
machine does not decide a ratio.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHAPES = [(4, 3), (64, 64), (256, 256), (1024, 1024), (4096, 1024), (16384, 256)]
DTYPES = [("f64", 8), ("f32", 4)]


sys.path.insert(0, os.path.join(os.path.dirname(HERE), "python"))
import torch_env  # noqa: E402

torch_env.ensure_torch()
import torch  # noqa: E402


def ensure_built(build):
    cli = os.path.join(build, "app", "bnflow-cli")
    probe = os.path.join(build, "tests", "bench", "bnflow-bandwidth")
    if not (os.path.exists(cli) and os.path.exists(probe)):
        if not os.path.exists(os.path.join(build, "CMakeCache.txt")):
            subprocess.check_call(["cmake", "-S", ROOT, "-B", build, "-G", "Ninja"])
        subprocess.check_call(["cmake", "--build", build, "--target", "bnflow-cli",
                               "bnflow-bandwidth"])
    return cli, probe


def measure(call, min_seconds):
    """Per-call microseconds (min, median, samples), sampled like bnflow-cli bench."""
    def sample(calls):
        t0 = time.perf_counter()
        for _ in range(calls):
            call()
        return time.perf_counter() - t0

    calls = 1
    sample(1)
    while sample(calls) < 1e-3:
        calls *= 2
    per_call = []
    start = time.perf_counter()
    while len(per_call) < 5 or time.perf_counter() - start < min_seconds:
        per_call.append(sample(calls) / calls * 1e6)
    per_call.sort()
    n = len(per_call)
    median = per_call[n // 2] if n % 2 else 0.5 * (per_call[n // 2 - 1] + per_call[n // 2])
    return {"min_us": per_call[0], "median_us": median, "samples": n}


def time_pytorch_rows(layer, n, d, dtype, min_seconds):
    """Layer norm: PyTorch's native layer norm backward (both forms) on row-major (N, D) inputs,
    where each sample's row is contiguous. RMSNorm: PyTorch 1.13 has no RMSNorm op, so there is
    no native kernel to compare with; it is timed as autograd through the formula instead."""
    gen = torch.Generator().manual_seed(42)
    x = 3 * torch.randn(n, d, generator=gen, dtype=dtype) + 1
    dout = torch.randn(n, d, generator=gen, dtype=dtype)
    gamma = 1 + 0.5 * torch.randn(d, generator=gen, dtype=dtype)
    beta = torch.randn(d, generator=gen, dtype=dtype)
    eps = 1e-5
    if layer == "rmsnorm":
        xg = x.clone().requires_grad_(True)
        g = gamma.clone().requires_grad_(True)
        b = beta.clone().requires_grad_(True)
        y = g * xg * torch.rsqrt(xg.pow(2).mean(dim=1, keepdim=True) + eps) + b

        def autograd():
            torch.autograd.grad(y, (xg, g, b), dout, retain_graph=True)

        timed = measure(autograd, min_seconds)
        return {"plain": timed, "out": timed}
    _, mean, rstd = torch.ops.aten.native_layer_norm(x, (d,), gamma, beta, eps)
    mask = [True, True, True]
    dx, dgamma, dbeta = torch.empty_like(x), torch.empty_like(gamma), torch.empty_like(gamma)
    backward = torch.ops.aten.native_layer_norm_backward

    def plain():
        backward(dout, x, (d,), mean, rstd, gamma, beta, mask)

    def into_buffers():
        backward.out(dout, x, (d,), mean, rstd, gamma, beta, mask, out0=dx, out1=dgamma, out2=dbeta)

    return {"plain": measure(plain, min_seconds), "out": measure(into_buffers, min_seconds)}


def time_pytorch(n, d, dtype, min_seconds):
    """PyTorch's native batch norm backward, both forms, on seeded row-major (N, D) inputs."""
    gen = torch.Generator().manual_seed(42)
    x = 3 * torch.randn(n, d, generator=gen, dtype=dtype) + 1
    dout = torch.randn(n, d, generator=gen, dtype=dtype)
    gamma = 1 + 0.5 * torch.randn(d, generator=gen, dtype=dtype)
    beta = torch.randn(d, generator=gen, dtype=dtype)
    eps = 1e-5
    _, mean, invstd = torch.ops.aten.native_batch_norm(x, gamma, beta, None, None, True, 0.1, eps)
    mask = [True, True, True]
    dx, dgamma, dbeta = torch.empty_like(x), torch.empty_like(gamma), torch.empty_like(gamma)
    backward = torch.ops.aten.native_batch_norm_backward

    def plain():
        backward(dout, x, gamma, None, None, mean, invstd, True, eps, mask)

    def into_buffers():
        backward.out(dout, x, gamma, None, None, mean, invstd, True, eps, mask,
                     out0=dx, out1=dgamma, out2=dbeta)

    return {"plain": measure(plain, min_seconds), "out": measure(into_buffers, min_seconds)}


def quietest(measurements):
    """Several rounds of one measurement combined: the best sample of all, and the median of
    the least disturbed round (lowest time, highest bandwidth)."""
    first = measurements[0]
    if "min_us" in first:
        return dict(first, min_us=min(m["min_us"] for m in measurements),
                    median_us=min(m["median_us"] for m in measurements),
                    samples=sum(m["samples"] for m in measurements))
    return dict(first, best_GBps=max(m["best_GBps"] for m in measurements),
                median_GBps=max(m["median_GBps"] for m in measurements),
                samples=sum(m["samples"] for m in measurements))


def run_json(command):
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def bandwidth(probe, sizes, min_time_ms):
    result = run_json([probe, "--min-time-ms", str(min_time_ms)] + [str(s) for s in sizes])
    return {r["bytes_per_array"]: r for r in result["results"]}


def bnflow_fused(cli, n, d, min_time_ms, layer="batchnorm"):
    result = run_json([cli, "bench", "--json", "--layer", layer, "--variants", "fused", "--dtype", "both",
                       "--shapes", f"{n}x{d}", "--min-time-ms", str(min_time_ms)])
    return {r["dtype"]: r for r in result["results"]}


def bounds(bytes_per_array, rates, which):
    read = rates["read"][which] * 1e9
    triad = rates["triad"][which] * 1e9
    cached = 3 * bytes_per_array / triad * 1e6
    return {"two_pass_us": 2 * bytes_per_array / read * 1e6 + cached, "cached_us": cached}


def machine():
    model = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def fmt(us):
    return f"{us:.3f}" if us < 10 else f"{us:.1f}" if us < 1000 else f"{us:.0f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"), help="CMake build folder")
    parser.add_argument("--min-time-ms", type=float, default=250,
                        help="sampling time per measurement (default 250)")
    parser.add_argument("--shapes", default=",".join(f"{n}x{d}" for n, d in SHAPES),
                        help="comma-separated NxD shapes")
    parser.add_argument("--rounds", type=int, default=3,
                        help="measure each shape this many times, interleaved, and keep the "
                             "least disturbed round (default 3; the machine may be shared)")
    parser.add_argument("--json", metavar="FILE", help="also write every measurement to FILE")
    parser.add_argument("--layer", default="batchnorm", choices=["batchnorm", "layernorm", "rmsnorm"],
                        help="batchnorm (default), layernorm (against native_layer_norm_backward) "
                             "or rmsnorm (against autograd through the formula: PyTorch 1.13 has no "
                             "RMSNorm op)")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    shapes = [tuple(int(v) for v in s.split("x")) for s in args.shapes.split(",")]
    cli, probe = ensure_built(args.build)
    torch.set_num_threads(1)
    min_seconds = args.min_time_ms / 1000

    version = subprocess.run([cli, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"# {machine()}; PyTorch {torch.__version__} ({torch.get_num_threads()} thread), "
          f"{version}")
    layout = "column-major" if args.layer == "batchnorm" else "row-major too"
    print("# Same mathematical N x D problem; PyTorch's x is row-major (N, D) contiguous, "
          f"bnflow's is {layout}.")
    op = {"batchnorm": "native_batch_norm_backward", "layernorm": "native_layer_norm_backward",
          "rmsnorm": "autograd through the RMSNorm formula"}[args.layer]
    print(f"# Layer: {args.layer}. Per call, microseconds. PyTorch: the faster (by median) of {op} "
          "and its out= form.")
    print(f"# Each shape measured in {args.rounds} interleaved round(s): min is the best sample "
          "of all, median that of the least disturbed round.\n")
    header = ("| shape | dtype | PyTorch min | PyTorch median | bnflow min | bnflow median "
              "| PyTorch/bnflow (min, median) | two-pass bound | cached bound "
              "| bnflow/cached (min, median) | bnflow/two-pass (min) | PyTorch form |")
    print(header)
    print("|" + "---|" * 2 + "---:|" * 9 + "---|")
    records = []
    for n, d in shapes:
        sizes = sorted({n * d * size for _, size in DTYPES})
        rounds = []
        for _ in range(args.rounds):
            rounds.append({
                "rates": bandwidth(probe, sizes, args.min_time_ms),
                "torch": {name: (time_pytorch(n, d, dtype, min_seconds) if args.layer == "batchnorm"
                                 else time_pytorch_rows(args.layer, n, d, dtype, min_seconds))
                          for name, dtype in (("f64", torch.float64), ("f32", torch.float32))},
                "ours": bnflow_fused(cli, n, d, args.min_time_ms, args.layer)})
        rates = {b: {"bytes_per_array": b,
                     "read": quietest([r["rates"][b]["read"] for r in rounds]),
                     "triad": quietest([r["rates"][b]["triad"] for r in rounds])}
                 for b in sizes}
        torch_times = {name: {form: quietest([r["torch"][name][form] for r in rounds])
                              for form in ("plain", "out")} for name, _ in DTYPES}
        ours = {name: quietest([r["ours"][name] for r in rounds]) for name, _ in DTYPES}
        for name, size in DTYPES:
            b = n * d * size
            best = bounds(b, rates[b], "best_GBps")
            typical = bounds(b, rates[b], "median_GBps")
            form = min(torch_times[name], key=lambda f: torch_times[name][f]["median_us"])
            pt = torch_times[name][form]
            bn = ours[name]
            print(f"| {n}x{d} | {name} | {fmt(pt['min_us'])} | {fmt(pt['median_us'])} "
                  f"| {fmt(bn['min_us'])} | {fmt(bn['median_us'])} "
                  f"| {pt['min_us'] / bn['min_us']:.2f}x, {pt['median_us'] / bn['median_us']:.2f}x "
                  f"| {fmt(best['two_pass_us'])} | {fmt(best['cached_us'])} "
                  f"| {bn['min_us'] / best['cached_us']:.2f}, "
                  f"{bn['median_us'] / typical['cached_us']:.2f} "
                  f"| {bn['min_us'] / best['two_pass_us']:.2f} | {form} |", flush=True)
            records.append({"shape": [n, d], "dtype": name, "pytorch": torch_times[name],
                            "pytorch_form": form, "bnflow_fused": bn, "bandwidth": rates[b],
                            "bounds_best": best, "bounds_median": typical,
                            "rounds": [{"pytorch": r["torch"][name],
                                        "bnflow_fused": r["ours"][name],
                                        "bandwidth": r["rates"][b]} for r in rounds]})
    print("\nBandwidth (single thread, GB/s, best / median sample) at each array size:")
    seen = set()
    for r in records:
        size = r["bandwidth"]["bytes_per_array"]
        if size not in seen:
            seen.add(size)
            bw = r["bandwidth"]
            print(f"  {size:>10} B: read {bw['read']['best_GBps']:.1f} / "
                  f"{bw['read']['median_GBps']:.1f}, triad {bw['triad']['best_GBps']:.1f} / "
                  f"{bw['triad']['median_GBps']:.1f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": machine(), "torch": torch.__version__, "results": records}, f,
                      indent=1)


if __name__ == "__main__":
    main()
