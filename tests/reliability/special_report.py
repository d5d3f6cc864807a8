"""The special-values report: counts, a per-op summary, and where NaN or inf is the answer.

``python -m tests.reliability.special_report`` prints the figures of docs/reliability.md;
``--failures`` lists every failing result as well.
"""

from __future__ import annotations

import numpy as np

from tests.reliability.special_values import DTYPES, counts, format_values, number, run


def summary_table(checks):
    """Markdown: per op, points tried and results judged in each dtype, and the failing points."""
    rows = [
        "| op | points | results judged | finite-expected | failing points (f64 / f32) |",
        "|---|---:|---:|---:|---|",
    ]
    for name in dict.fromkeys(c.op for c in checks):
        mine = [c for c in checks if c.op == name]
        total = counts(mine)
        failing = [
            sum(bool(c.failures) for c in mine if c.dtype == d) for d in ("float64", "float32")
        ]
        rows.append(
            f"| {name} | {total['points']} | {total['results']} | "
            f"{total['finite-expected results']} | {failing[0]} / {failing[1]} |"
        )
    return "\n".join(rows)


def label(value):
    v = float(value)
    for dtype in DTYPES:
        info = np.finfo(dtype)
        names = {
            0: "0",
            float(info.smallest_subnormal): "subnormal",
            1e-300: "tiny",
            float(info.smallest_normal): "tiny",
            1.0: "1",
            1e300: "huge",
            float(info.max): "huge",
            np.inf: "inf",
        }
        if abs(v) in names:
            sign = "−" if np.signbit(v) else ("+" if abs(v) else "")
            return sign + names[abs(v)]
    return "nan" if np.isnan(v) else number(v)


def nonfinite_table(checks):
    """Markdown, unary ops: where the value, or the derivative of a finite value, is NaN or inf.

    Inputs are named by kind (±huge is ±1e300 in float64 and ±max in float32); an entry lists
    what chainrule returns, the same in both dtypes unless marked.
    """
    rows = [
        "| op | value NaN or ±inf at | derivative NaN or ±inf (value finite) at |",
        "|---|---|---|",
    ]
    unary = [c for c in checks if len(c.point) == 1 and np.ndim(c.point[0]) == 0]
    for name in dict.fromkeys(c.op for c in unary):
        cells = []
        for part in ("value", "derivative"):
            entries = {}
            for c in (c for c in unary if c.op == name):
                if part == "value":
                    shown = None if c.finite_expected["value"] else c.value
                else:
                    found = c.derivatives[0, "reverse"][0]
                    finite = c.finite_expected["value"] and not c.finite_expected[0]
                    shown = found if finite else None
                if shown is not None:
                    text = f"{label(c.point[0])} → {format_values(shown)}"
                    entries.setdefault(text, []).append(c.dtype)
            cells.append(
                ", ".join(
                    t + ("" if len(d) == 2 else f" ({d[0]} only)") for t, d in entries.items()
                )
                or "—"
            )
        rows.append(f"| {name} | {cells[0]} | {cells[1]} |")
    return "\n".join(rows)


def main(argv=None):
    import argparse
    import time

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--failures", action="store_true", help="list every failing result")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    checks = run()
    print(counts(checks), f"{time.perf_counter() - start:.1f} s\n")
    print(summary_table(checks), "\n")
    print(nonfinite_table(checks))
    if args.failures:
        for c in checks:
            for failure in c.failures:
                print(f"{c.key}: {failure}")


if __name__ == "__main__":
    main()
