"""How values appear in an explanation: scalars exactly, arrays as their shape and a summary.

Everything here is ready for JSON: numbers that are not finite become the strings "nan",
"inf" and "-inf", since JSON has no such numbers.
"""

from __future__ import annotations

import math

import numpy as np

# Arrays show their first few entries; small ones (a Jacobian factor, say) also all of them.
FIRST_ENTRIES = 6
ALL_ENTRIES = 100


def number(value):
    """A float, or "nan" / "inf" / "-inf" for a value that is not finite."""
    value = float(value)
    if math.isfinite(value):
        return value
    return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")


def raw(value):
    """The NumPy array (or scalar) behind a tensor, an array or a number."""
    return np.asarray(getattr(value, "_data", value))


def describe(value):
    """A scalar as a number; an array as shape, dtype, first entries, min/max/mean and the
    2-norm (the entries too, up to 100 of them)."""
    array = raw(value)
    if array.ndim == 0:
        return number(array)
    flat = array.reshape(-1)
    summary = {
        "shape": list(array.shape),
        "dtype": str(array.dtype),
        "first": [number(v) for v in flat[:FIRST_ENTRIES]],
    }
    if array.size:
        with np.errstate(all="ignore"):  # inf - inf in the mean is a fair "nan" here
            summary.update(min=number(flat.min()), max=number(flat.max()), mean=number(flat.mean()))
            # The 2-norm: how large an adjoint or tangent is, for arrays too big to list.
            summary["norm"] = number(np.linalg.norm(flat.astype(np.float64)))
    if array.size <= ALL_ENTRIES:
        summary["entries"] = _entries(array)
    return summary


def _entries(array):
    if array.ndim == 0:
        return number(array)
    return [_entries(row) for row in array]


def size_of(value):
    """How many entries ``value`` (a tensor, array or number) has."""
    return int(raw(value).size)


__all__ = ["describe", "number", "raw", "size_of"]
