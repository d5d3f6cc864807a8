"""Angle conversions, degrees ↔ radians: each is x times one constant, so each is composed.

The constant is formed as NumPy's loops form it, in the input's own float type (float32 uses
180f/πf, not the float32 nearest 180/π; float16 computes in float32), so values equal NumPy's
to the bit.
"""

from __future__ import annotations

import math

import numpy as np

from chainrule.backends import asarray
from chainrule.ops.elementwise import arithmetic
from chainrule.primitive import value_of


def _scaled(x, numerator, denominator):
    data = asarray(value_of(x))
    dtype = np.result_type(data, 1.0)
    if dtype == np.float16:
        wide = arithmetic.astype(x, np.float32)
        return arithmetic.astype(_scaled(wide, numerator, denominator), np.float16)
    if dtype.kind != "f":
        dtype = np.dtype(np.float64)
    if data.dtype != dtype:
        x = arithmetic.astype(x, dtype)
    return x * (dtype.type(numerator) / dtype.type(denominator))


def deg2rad(x):
    """x · π/180: an angle in degrees in radians, as ``numpy.deg2rad``.

    Example:
        >>> import chainrule as cr
        >>> cr.deg2rad(cr.tensor([180.0, 90.0]))
        tensor([3.14159265, 1.57079633])
    """
    return _scaled(x, math.pi, 180)


def rad2deg(x):
    """x · 180/π: an angle in radians in degrees, as ``numpy.rad2deg``.

    Example:
        >>> import chainrule as cr
        >>> cr.rad2deg(cr.tensor([3.141592653589793]))
        tensor([180.])
    """
    return _scaled(x, 180, math.pi)


def radians(x):
    """x · π/180, as ``numpy.radians`` (the same function as :func:`deg2rad`).

    Example:
        >>> import chainrule as cr
        >>> cr.radians(cr.tensor(360.0))
        tensor(6.28318531)
    """
    return deg2rad(x)


def degrees(x):
    """x · 180/π, as ``numpy.degrees`` (the same function as :func:`rad2deg`).

    Example:
        >>> import chainrule as cr
        >>> cr.degrees(cr.tensor(1.0))
        tensor(57.29577951)
    """
    return rad2deg(x)


__all__ = ["deg2rad", "rad2deg", "radians", "degrees"]
