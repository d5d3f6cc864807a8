"""Arithmetic: + − × ÷, powers and roots, abs and sign, dtype casts and copies.

Forwards use Python operators: on NumPy scalars they are ten times faster than the ufuncs, and
on arrays they are the same ufuncs. Constants in rules are Python numbers, which never upcast.
"""

from __future__ import annotations

import operator

import numpy as np

from chainrule.primitive import (
    Primitive,
    elementwise,
    elementwise_binary,
    linear,
    nondifferentiable,
    primitive,
)


def _first(grad_out, out, x, y):
    return grad_out


def _first_dot(x_dot, out, x, y):
    return x_dot


add = primitive(
    "add", operator.add,
    vjp=(_first, _first),
    jvp=(_first_dot, lambda y_dot, out, x, y: y_dot),
    formula=("1", "1"), reads_inputs=False,
    doc="x + y, elementwise with broadcasting.",
)

subtract = primitive(
    "subtract", operator.sub,
    vjp=(_first, lambda grad_out, out, x, y: -grad_out),
    jvp=(_first_dot, lambda y_dot, out, x, y: -y_dot),
    formula=("1", "-1"), reads_inputs=False,
    doc="x - y, elementwise with broadcasting.",
)

multiply = elementwise_binary(
    "multiply", operator.mul,
    lambda x, y, out: y,
    lambda x, y, out: x,
    ("y", "x"),
    doc="x * y, elementwise with broadcasting (the product rule).",
)

divide = elementwise_binary(
    "divide", operator.truediv,
    lambda x, y, out: 1 / y,
    lambda x, y, out: -out / y,
    ("1/y", "-x/y**2"), reads_out=True,
    doc="x / y, elementwise with broadcasting.",
)

negative = linear(
    "negative", operator.neg,
    lambda grad_out, x: -grad_out,
    "-1",
    doc="-x.",
)


def _power_d_exponent(x, y, out):
    # d/dy x**y = x**y · log x. At x == 0 the limit from the right is 0; for x < 0 it is not
    # real, and log gives NaN (computed from a NaN input so that NumPy does not warn).
    positive = x > 0
    return piecewise.where(positive, out * exponential.log(piecewise.where(positive, x, 1.0)), piecewise.where(x == 0, 0.0, np.nan))


power = elementwise_binary(
    "power", operator.pow,
    lambda x, y, out: y * x ** (y - 1),
    _power_d_exponent,
    ("y*x**(y - 1)", "x**y*log(x)"), reads_out=True,
    doc="x ** y, elementwise; the exponent may be a tensor too.",
)

reciprocal = elementwise(
    "reciprocal", lambda x: 1 / x,
    lambda x, out: -out * out,
    "-1/x**2", reads_out=True,
    doc="1 / x.",
)

square = elementwise(
    "square", lambda x: x * x,
    lambda x, out: 2 * x,
    "2*x",
    doc="x ** 2.",
)

sqrt = elementwise(
    "sqrt", np.sqrt,
    lambda x, out: 0.5 / out,
    "1/(2*sqrt(x))", reads_out=True,
    doc="√x; the derivative at 0 is +inf.",
)

cbrt = elementwise(
    "cbrt", np.cbrt,
    lambda x, out: 1 / (3 * out * out),
    "1/(3*cbrt(x)**2)", reads_out=True,
    doc="∛x, real for negative x too; the derivative at 0 is +inf.",
)

abs = elementwise(  # noqa: A001 -- NumPy's name
    "abs", operator.abs,
    lambda x, out: sign(x),
    "sign(x)",
    doc="|x|; by convention abs′(0) = 0 (the subgradient at the kink closest to both sides).",
)

sign = primitive(
    "sign", np.sign,
    vjp=lambda grad_out, out, x: zeros_like(grad_out),
    jvp=lambda x_dot, out, x: zeros_like(x_dot),
    formula="0", reads_inputs=False,
    doc="-1, 0 or 1; its derivative is 0 everywhere (and taken as 0 at the jump).",
)


def zeros_like(x):
    """A zero array of ``x``'s shape and dtype, never recorded (a constant)."""
    data = getattr(x, "_data", x)
    return np.zeros_like(data)[()] if np.ndim(data) == 0 else np.zeros_like(data)


def _copy(x):
    return x.copy()


copy = linear("copy", _copy, lambda grad_out, x: grad_out, "1", doc="A copy of x.")

_cast = linear(
    "astype",
    lambda x, dtype: x.astype(dtype),
    lambda grad_out, x, dtype: grad_out,  # the engine casts back to x's dtype
    "1",
    doc="x converted to another floating dtype.",
)

_cast_nondifferentiable = nondifferentiable(
    "astype_discrete", lambda x, dtype: x.astype(dtype),
    doc="x converted to an integer or boolean dtype (no derivative).",
)


def astype(x, dtype):
    """x converted to ``dtype``; to a float dtype it is differentiable, else it is a constant.

    Example:
        >>> import chainrule as cr
        >>> cr.astype(cr.tensor([1.5, 2.5]), "float32")
        tensor([1.5, 2.5], dtype=float32)
    """
    dtype = np.dtype(dtype)
    if dtype.kind in "fc":
        return _cast(x, dtype=dtype)
    return _cast_nondifferentiable(x, dtype=dtype)


from chainrule.ops import exponential, piecewise  # noqa: E402  (they use arithmetic too)

__all__ = [
    "add", "subtract", "multiply", "divide", "negative", "power", "reciprocal", "square",
    "sqrt", "cbrt", "abs", "sign", "copy", "astype", "zeros_like", "Primitive",
]
