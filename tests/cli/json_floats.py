#!/usr/bin/env python3
"""Reads one JSON document on stdin, as Python's json module reads it, and fails unless every
number is a float (counts excepted: shape, samples, calls_per_sample, and the byte counts of
bench: bytes, stream_array_bytes). Prints the offending
paths on failure. NaN and Infinity are refused too: they are not JSON."""
import json
import sys

COUNTS = {"shape", "samples", "calls_per_sample", "bytes", "stream_array_bytes"}


class Integer(int):
    """What the parser made of a number written without a point or exponent."""


def refuse_constant(name):
    raise ValueError("not JSON: " + name)


def walk(value, path, bad):
    if isinstance(value, dict):
        for key, item in value.items():
            walk(item, path + [key], bad)
    elif isinstance(value, list):
        for k, item in enumerate(value):
            walk(item, path + [k], bad)
    elif isinstance(value, Integer) and not COUNTS.intersection(p for p in path if isinstance(p, str)):
        bad.append("/".join(map(str, path)) + " = " + str(int(value)))


def main():
    document = json.loads(sys.stdin.read(), parse_int=Integer, parse_constant=refuse_constant)
    bad = []
    walk(document, [], bad)
    if bad:
        print("integers where floats belong: " + ", ".join(bad[:10]))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
