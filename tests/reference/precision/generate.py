#!/usr/bin/python3
"""Writes rounding.txt: doubles with their bf16, f16 and f32 roundings, for tests/core/test_rounding.

Each line: the double's 64 bits, then the bits of its bf16, f16 and f32 rounding, in hex. The
rounding reference is exact: a Fraction rounded to nearest, ties to even, by integer arithmetic
(round_exact below), never through another float format. NumPy's float16(x) and float32(x) are
checked against it on every case (NumPy 1.24 converts a double to half directly, not through
float32: the cases that would round twice show it), so the f16 and f32 columns are NumPy's too.

Run with Debian's python3 (python3-numpy): /usr/bin/python3 generate.py
"""
import math
import random
import struct
from fractions import Fraction
from pathlib import Path

import numpy as np

# (significand bits with the hidden one, exponent of the smallest normal, of the largest finite)
FORMATS = {"bf16": (8, -126, 127), "f16": (11, -14, 15), "f32": (24, -126, 127)}


def round_exact(x, fmt):
    """x (a finite float) rounded to the format, as a Fraction, or +-inf."""
    p, emin, emax = FORMATS[fmt]
    if x == 0:
        return math.copysign(0.0, x)
    q = Fraction(x)
    a = abs(q)
    e = a.numerator.bit_length() - a.denominator.bit_length()
    if Fraction(2) ** e > a:  # floor(log2 a)
        e -= 1
    quantum = Fraction(2) ** (max(e, emin) - (p - 1))
    scaled = a / quantum
    n = scaled.numerator // scaled.denominator
    rest = scaled - n
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and n % 2 == 1):
        n += 1
    r = n * quantum
    largest = (2 - Fraction(2) ** (1 - p)) * Fraction(2) ** emax
    if r > largest:
        return -math.inf if q < 0 else math.inf
    value = float(r)  # exact: every value of these formats is a double
    assert Fraction(value) == r
    return math.copysign(value, x)  # a rounding to zero keeps x's sign


def bits64(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def bits32(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


def bits16(x):
    return int(np.array(x, dtype=np.float16).view(np.uint16))


def bf16_bits(x):
    # A bf16 value is the top half of its float32.
    b = bits32(x)
    assert b & 0xFFFF == 0
    return b >> 16


def midpoints_and_neighbours(fmt, rng, count):
    """Values of the format, the midpoints between neighbours and the doubles next to them."""
    p, emin, emax = FORMATS[fmt]
    out = []
    for _ in range(count):
        e = rng.randint(emin - p + 1, emax)  # subnormal spacing up to the largest binade
        base = max(e, emin) - (p - 1)
        n = rng.randint(1, 2 ** p - 1) if e > emin else rng.randint(1, 2 ** (p - 1))
        lower = n * Fraction(2) ** base
        mid = lower + Fraction(2) ** (base - 1)
        if mid > (2 - Fraction(2) ** (1 - p)) * Fraction(2) ** emax + Fraction(2) ** (emax - p):
            continue
        m = float(mid)
        sign = rng.choice([1.0, -1.0])
        out += [sign * float(lower), sign * m, sign * math.nextafter(m, math.inf),
                sign * math.nextafter(m, -math.inf)]
        # just above the midpoint by far less than a float32 ulp: float32 first would round to
        # the midpoint, then to even (the double rounding a direct conversion avoids)
        out.append(sign * float(mid + mid * Fraction(1, 2 ** 40)))
        out.append(sign * float(mid - mid * Fraction(1, 2 ** 40)))
    return out


def cases():
    rng = random.Random(20261207)
    xs = [0.0, -0.0, 1.0, -1.0, 65504.0, 65519.99, 65520.0, -65520.0, 65536.0, 1e300, -1e300,
          5e-324, -5e-324, 2.2250738585072014e-308, 2.0 ** -24, 2.0 ** -25, 2.0 ** -25 * 1.0000001,
          2.0 ** -26, 2.0 ** -14, 2.0 ** -149, 2.0 ** -150, 2.0 ** -151, 2.0 ** -133, 2.0 ** -134,
          3.4028234663852886e38, 3.4028235677973366e38, 3.4028235677973362e38,
          3.3895313892515355e38, 3.3961775292304610e38, 3.3961775292304615e38, 1e-5, 0.1, 1 / 3]
    for fmt in FORMATS:  # overflow boundary: the midpoint above the largest value and its neighbours
        p, _, emax = FORMATS[fmt]
        edge = float((2 - Fraction(2) ** (1 - p)) * Fraction(2) ** emax + Fraction(2) ** (emax - p))
        xs += [edge, math.nextafter(edge, 0), math.nextafter(edge, math.inf), -edge]
        xs += midpoints_and_neighbours(fmt, rng, 500)
    for _ in range(3000):  # random doubles across (and beyond) every range
        xs.append(rng.choice([1, -1]) * rng.random() * 2.0 ** rng.randint(-160, 140))
    for _ in range(500):  # random bit patterns of finite doubles
        b = rng.getrandbits(64)
        x = struct.unpack("<d", struct.pack("<Q", b))[0]
        if math.isfinite(x):
            xs.append(x)
    return xs


def main():
    lines = []
    twice = 0  # cases where float16(float32(x)) would be wrong
    for x in cases():
        bf16, f16, f32 = (round_exact(x, fmt) for fmt in ("bf16", "f16", "f32"))
        with np.errstate(over="ignore"):
            numpy16, numpy32 = np.float16(x), np.float32(x)
            twice += bits16(np.float16(numpy32)) != bits16(f16)
        assert bits16(numpy16) == bits16(f16), (x, float(numpy16), f16)
        assert bits32(numpy32) == bits32(f32), (x, float(numpy32), f32)
        lines.append(f"{bits64(x):016x} {bf16_bits(bf16):04x} {bits16(f16):04x} {bits32(f32):08x}")
    out = Path(__file__).with_name("rounding.txt")
    out.write_text("# double bf16 f16 f32 (bits in hex); written by generate.py\n" + "\n".join(lines) + "\n")
    print(f"{len(lines)} cases in {out}; {twice} of them round wrongly through float32")


if __name__ == "__main__":
    main()
