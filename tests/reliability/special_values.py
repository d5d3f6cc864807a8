"""Special values: every op of the tables at ±0, subnormals, ±tiny, ±1, ±huge, ±inf, NaN.

At each point an op is evaluated three ways — its value, its Jacobian by reverse mode (one VJP
per output entry) and by forward mode (one JVP per input entry), one argument at a time — with
NumPy's floating-point warnings recorded. A result is *finite-expected* where the reference value
and (for a derivative) that argument's reference partials are finite in the dtype: there it must
agree with the reference and raise no warning. Elsewhere (NaN or inf is the right answer) the
value must still be the reference's (same inf, same sign, NaN for NaN); derivatives are recorded
for the documentation table. ``python -m tests.reliability.special_report`` prints the counts,
a per-op summary and that table.
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass, field
from functools import partial

import numpy as np

import chainrule as cr
from tests.reliability.special_elementwise import BINARY, CLIP, LOGITS, UNARY, L
from tests.reliability.special_reductions import PAIRS

OPS = [*UNARY, *BINARY, CLIP, *LOGITS, *PAIRS]

DTYPES = (np.float64, np.float32)


def special_values(dtype):
    """±0, ± the smallest subnormal, ± a tiny and a huge normal, ±1, ±inf and NaN."""
    info = np.finfo(dtype)
    tiny, huge = (1e-300, 1e300) if dtype == np.float64 else (info.smallest_normal, info.max)
    magnitudes = (0.0, info.smallest_subnormal, tiny, 1.0, huge, np.inf)
    values = [v for m in magnitudes for v in (m, -m)]
    return [dtype(v) for v in values] + [dtype(np.nan)]


TOLERANCE = {np.float64: 1e-9, np.float32: 2e-6}


def points(op, dtype):
    """The argument tuples at which ``op`` is tried."""
    values = special_values(dtype)
    scalar = np.dtype(dtype).type
    if op.kind == "unary":
        return [(np.array(v),) for v in values]
    if op.kind == "binary":
        return [(np.array(x), np.array(y)) for x, y in itertools.product(values, values)]
    if op.kind == "pair":
        return [(np.array([a, b], dtype=dtype),) for a, b in itertools.product(values, values)]
    if op.kind == "bounded":
        return [(np.array(v), np.array(scalar(-1)), np.array(scalar(1))) for v in values]
    if op.kind == "logits":
        return [(np.array(v), np.array(scalar(t))) for v in values for t in (0.0, 0.5, 1.0)]
    raise ValueError(f"unknown kind of op {op.kind!r}")


def recorded(compute):
    """(result or None, the warnings' messages, the exception or None), warnings as records."""
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn", under="ignore"):
        warnings.simplefilter("always")
        try:
            result, error = compute(), None
        except Exception as exc:  # noqa: BLE001 -- any error is a finding, reported as such
            result, error = None, exc
    return result, sorted({str(w.message) for w in caught}), error


def reference(op, args, dtype):
    """The reference value and partials, rounded to ``dtype``."""
    wide = [a.astype(L) for a in args]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        value = np.asarray(op.value(*wide), dtype=L).astype(dtype)
        partials = [np.asarray(p, dtype=L) for p in op.partials(*wide)]
        partials = [
            np.broadcast_to(p, value.shape + a.shape).astype(dtype) for p, a in zip(partials, args)
        ]
    return value, partials


def replaced(args, i, x):
    return [*args[:i], x, *args[i:][1:]]


def jacobian_reverse(op, args, i):
    f = lambda x: op.fn(*replaced(args, i, x))  # noqa: E731
    out, pull = cr.vjp(f, args[i])
    out = np.asarray(out)
    rows = []
    for k in range(out.size):
        seed = np.zeros(out.size, dtype=out.dtype)
        seed[k] = 1
        rows.append(np.asarray(pull(seed.reshape(out.shape))[0]))
    return np.stack(rows).reshape(out.shape + args[i].shape) if rows else None


def jacobian_forward(op, args, i):
    f = lambda x: op.fn(*replaced(args, i, x))  # noqa: E731
    x = args[i]
    columns = []
    for j in range(x.size):
        tangent = np.zeros(x.size, dtype=x.dtype)
        tangent[j] = 1
        columns.append(np.asarray(cr.jvp(f, [x], [tangent.reshape(x.shape)])[1]))
    stacked = np.stack(columns)  # input entry first
    out_ndim = stacked.ndim - 1
    return np.moveaxis(
        stacked.reshape(x.shape + stacked.shape[1:]),
        tuple(range(x.ndim)),
        tuple(range(out_ndim, out_ndim + x.ndim)),
    )


def agrees(found, expected, dtype, finite_only=False):
    """Same shape; NaN where NaN, the same inf where inf, and close where finite.

    With ``finite_only``, a finite expected entry only needs a finite one (see subnormal).
    """
    found = np.asarray(found)
    if expected is None or found.shape != expected.shape:
        return False
    expected = expected.astype(np.float64)
    found = found.astype(np.float64)
    finite = np.isfinite(expected)
    same = np.where(np.isnan(expected), np.isnan(found), found == expected)
    close = finite_only or np.isclose(
        found, expected, rtol=TOLERANCE[dtype], atol=np.finfo(dtype).tiny
    )
    return bool(np.all(np.where(finite, close & np.isfinite(found), same)))


def subnormal(args, dtype):
    """Whether some input is subnormal: a value with a few significant bits at most, so the
    derivatives computed from it (x/hypot(x, y) at x = y = 5e-324 is 1, not 1/√2) can only be
    judged finite or not, not accurate."""
    return any(np.any((a != 0) & (np.abs(a) < np.finfo(dtype).smallest_normal)) for a in args)


def numpy_value(op, args):
    if op.numpy is None:
        return None
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return np.asarray(op.numpy(*args))


@dataclass
class Check:
    """One op at one point in one dtype: what was expected, found, and what went wrong."""

    op: str
    dtype: str
    point: tuple
    value: object = None
    expected_value: object = None
    derivatives: dict = field(default_factory=dict)  # (argument, mode) → (found, expected)
    finite_expected: dict = field(default_factory=dict)  # "value" / argument → bool
    failures: list = field(default_factory=list)

    @property
    def key(self):
        return f"{self.op} {self.dtype} {format_point(self.point)}"


def format_point(point):
    return "(" + ", ".join(format_values(p) for p in point) + ")"


def format_values(x):
    x = np.asarray(x)
    if x.ndim == 0:
        return number(x)
    return "[" + ", ".join(number(v) for v in x.reshape(-1)) + "]"


def number(v):
    v = float(v)
    if v == 0:
        return "-0" if np.signbit(v) else "0"
    if np.isnan(v) or np.isinf(v):
        return repr(v)
    return f"{v:.3g}"


def check(op, args, dtype):
    """Evaluate ``op`` at ``args`` three ways and judge the results against the reference."""
    result = Check(op.name, np.dtype(dtype).name, tuple(np.asarray(a).tolist() for a in args))
    expected_value, partials = reference(op, args, dtype)
    value_finite = bool(np.all(np.isfinite(expected_value)))
    value, messages, error = recorded(lambda: np.asarray(cr.transforms.lower(op.fn(*args))))
    result.value, result.expected_value = value, expected_value
    result.finite_expected["value"] = value_finite
    if error is not None:
        result.failures.append(f"value raised {type(error).__name__}: {error}")
    elif not agrees(value, expected_value, dtype) and (
        value_finite or not agrees(value, numpy_value(op, args), dtype)
    ):
        result.failures.append(
            f"value {format_values(value)}, expected {format_values(expected_value)}"
        )
    elif value.dtype != dtype:
        result.failures.append(f"value has dtype {value.dtype}, expected {np.dtype(dtype).name}")
    if value_finite and messages:
        result.failures.append(f"value warns: {'; '.join(messages)}")
    limited = subnormal(args, dtype)
    for i, expected in enumerate(partials):
        finite = value_finite and bool(np.all(np.isfinite(expected)))
        result.finite_expected[i] = finite
        for mode, jacobian in (("reverse", jacobian_reverse), ("forward", jacobian_forward)):
            found, messages, error = recorded(partial(jacobian, op, args, i))
            result.derivatives[i, mode] = (found, expected)
            if not finite:
                continue
            what = f"d/d(argument {i}) {mode}"
            if error is not None:
                result.failures.append(f"{what} raised {type(error).__name__}: {error}")
            elif not agrees(found, expected, dtype, finite_only=limited):
                result.failures.append(
                    f"{what} {format_values(found)}, expected {format_values(expected)}"
                )
            if messages:
                result.failures.append(f"{what} warns: {'; '.join(messages)}")
    return result


def run(ops=OPS, dtypes=DTYPES):
    return [check(op, args, dtype) for op in ops for dtype in dtypes for args in points(op, dtype)]


def counts(checks):
    """Points tried, results judged (values and derivatives), finite-expected ones, failures."""
    results = sum(1 + 2 * (len(c.finite_expected) - 1) for c in checks)
    finite = sum(
        c.finite_expected["value"]
        + 2 * sum(v for k, v in c.finite_expected.items() if k != "value")
        for c in checks
    )
    return {
        "ops": len({c.op for c in checks}),
        "points": len(checks),
        "results": results,
        "finite-expected results": finite,
        "points failing": sum(bool(c.failures) for c in checks),
    }
