"""NumPy's elementwise functions that the array API standard lacks, composed of its own as NumPy
computes them: fmax and fmin (NaN-ignoring), logaddexp2, sinc, angle and cbrt. Each takes the
NumpyNames it serves first (see :mod:`chainrule.backends.numpy_signatures`)."""

from __future__ import annotations

import math

# NumPy's LOG2E, the factor from natural logarithms to base 2.
_LOG2E = math.log2(math.e)


def _arrays(names, *values):
    """The values as the namespace's arrays of NumPy's common dtype (numbers too)."""
    values = names.promoted(names.unwrap(values))
    like = next(v for v in values if hasattr(v, "dtype"))
    xp = names.xp
    return [v if hasattr(v, "dtype") else xp.asarray(v, dtype=like.dtype, device=like.device)
            for v in values]


def _nan_ignoring(standard):
    # NumPy's fmax/fmin: the other value where one is NaN (NaN only where both are).
    def nan_ignoring(names, x, y, **kwargs):
        xp = names.xp
        x, y = _arrays(names, x, y)
        extreme = getattr(xp, standard)(x, y)
        return names.wrap(xp.where(xp.isnan(x), y, xp.where(xp.isnan(y), x, extreme)))

    return nan_ignoring


def _logaddexp2(names, x, y, **kwargs):
    # NumPy's npy_logaddexp2: the larger plus log2(1 + 2^-|x − y|); x + 1 where they are equal
    # (infinities included, where x − y would be NaN).
    xp = names.xp
    x, y = _arrays(names, x, y)
    two = xp.asarray(2.0, dtype=x.dtype, device=x.device)
    spread = xp.log1p(xp.pow(two, -xp.abs(x - y))) * _LOG2E
    return names.wrap(xp.where(x == y, x + 1, xp.maximum(x, y) + spread))


def _sinc(names, x):
    # NumPy's: sin(πx)/(πx), with x = 0 read as 1e-20 (sin(y)/y is 1 there to rounding).
    xp = names.xp
    (x,) = _arrays(names, x, 1.0)[:1]
    y = math.pi * xp.where(x == 0, xp.asarray(1.0e-20, dtype=x.dtype, device=x.device), x)
    return names.wrap(xp.sin(y) / y)


def _angle(names, z, deg=False):
    xp = names.xp
    z = names.unwrap(z)
    if xp.isdtype(z.dtype, "complex floating"):
        angle = xp.atan2(xp.imag(z), xp.real(z))
    else:
        (z,) = _arrays(names, z, 1.0)[:1]
        angle = xp.atan2(xp.zeros_like(z), z)
    return names.wrap(angle * (180 / math.pi) if deg else angle)


def _cbrt(names, x):
    # |x|^(1/3) with x's sign, then one Newton step: the power alone is off by up to |ln x|·eps
    # (1/3 is not exact), the step brings it within a unit in the last place of C's cbrt.
    # 0, ±inf and NaN are the power's own (the step would divide by 0 or subtract inf). Tiny
    # (float64 subnormal) x is scaled by 2^300 first, whose cube root 2^100 is exact, so that
    # root³ keeps its precision.
    xp = names.xp
    (x,) = _arrays(names, x, 1.0)[:1]
    tiny = (xp.abs(x) < 2.0**-700) if x.dtype == xp.float64 else None
    scaled = x if tiny is None else xp.where(tiny, x * 2.0**300, x)
    root = xp.sign(scaled) * xp.pow(xp.abs(scaled), 1 / 3)
    finite = xp.isfinite(x) & (x != 0)
    safe, target = xp.where(finite, root, 1.0), xp.where(finite, scaled, 1.0)  # no 0/0 warned
    root = xp.where(finite, safe - (safe * safe * safe - target) / (3 * safe * safe), root)
    return names.wrap(root if tiny is None else xp.where(tiny, root / 2.0**100, root))


ADAPTERS = {"fmax": _nan_ignoring("maximum"), "fmin": _nan_ignoring("minimum"),
            "logaddexp2": _logaddexp2, "sinc": _sinc, "angle": _angle, "cbrt": _cbrt}

__all__ = ["ADAPTERS"]
