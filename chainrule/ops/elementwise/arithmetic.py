"""Arithmetic: + − × ÷, powers and roots, abs and sign, dtype casts and copies.

Forwards use Python operators: on NumPy scalars they are ten times faster than the ufuncs, and
on arrays they are the same ufuncs. Constants in rules are Python numbers, which never upcast.
"""

from __future__ import annotations

import operator

import numpy as np

from chainrule.backends import ForeignArray, asarray
from chainrule.ops.elementwise import comparison, complex_parts, exponential, piecewise
from chainrule.primitive import (
    elementwise,
    elementwise_binary,
    linear,
    nondifferentiable,
    primitive,
    value_of,
)
from chainrule.primitive.rule_forms import gradient_unchanged


def _first_dot(x_dot, out, x, y):
    return x_dot


add = primitive(
    "add", operator.add,
    vjp=(gradient_unchanged, gradient_unchanged),
    jvp=(_first_dot, lambda y_dot, out, x, y: y_dot),
    symbolic="x + y", reads_inputs=False,
    supports_complex=True,
    doc="""x + y, elementwise with broadcasting.

    Example:
        >>> import chainrule as cr
        >>> cr.add(cr.tensor([1.0, 2.0]), 0.5)
        tensor([1.5, 2.5])
    """,
)

subtract = primitive(
    "subtract", operator.sub,
    vjp=(gradient_unchanged, lambda grad_out, out, x, y: -grad_out),
    jvp=(_first_dot, lambda y_dot, out, x, y: -y_dot),
    symbolic="x - y", reads_inputs=False,
    supports_complex=True,
    doc="""x − y, elementwise with broadcasting.

    Example:
        >>> import chainrule as cr
        >>> cr.subtract(cr.tensor([1.0, 2.0]), 0.5)
        tensor([0.5, 1.5])
    """,
)

multiply = elementwise_binary(
    "multiply", operator.mul,
    lambda x, y, out: y,
    lambda x, y, out: x,
    symbolic="x*y",
    supports_complex=True,
    doc="""x · y, elementwise with broadcasting (the product rule).

    Example:
        >>> import chainrule as cr
        >>> cr.multiply(cr.tensor([1.0, 2.0]), 3.0)
        tensor([3., 6.])
    """,
)

divide = elementwise_binary(
    "divide", operator.truediv,
    lambda x, y, out: 1 / y,
    lambda x, y, out: -out / y,
    symbolic="x/y", reads_out=True,
    supports_complex=True,
    doc="""x / y, elementwise with broadcasting.

    Example:
        >>> import chainrule as cr
        >>> cr.divide(cr.tensor([1.0, 3.0]), 2.0)
        tensor([0.5, 1.5])
    """,
)

negative = linear(
    "negative", operator.neg,
    lambda grad_out, x: -grad_out,
    symbolic="-x",
    doc="""−x.

    Example:
        >>> import chainrule as cr
        >>> cr.negative(cr.tensor([1.0, -2.0]))
        tensor([-1.,  2.])
    """,
)


def _power_d_base(x, y, out):
    # y·x^(y−1). Where y = 0, x**y is the constant 1, so the derivative is 0 even where x⁻¹ is
    # not finite (0, subnormals, NaN): x is replaced by 1 only there, which keeps the mixed
    # second derivative x⁻¹ exact everywhere else. A Python exponent (x**2) needs no masks.
    if isinstance(y, (int, float)):
        return y * x ** (y - 1) if y != 0 else zeros_like(x)
    if complex_parts.is_complex(x) or complex_parts.is_complex(y):
        # The principal branch, holomorphic away from x = 0 and the cut x < 0.
        return y * x ** (y - 1)
    tiny = np.finfo(x.dtype).tiny
    small = ~(abs(x) >= tiny)
    # At a positive subnormal x, x^(y−1) ≈ 1/x overflows where y·x^(y−1) need not (it is 1 at
    # x = y = 5e-324): there it is (y·h)·h with h = x^((y−1)/2), exact for x > 0.
    subnormal = small & (x > 0) & (y != 0)
    safe = piecewise.where(((y == 0) & small) | subnormal, 1, x)
    half = piecewise.where(subnormal, x, 1) ** ((y - 1) / 2)
    return piecewise.where(subnormal, (y * half) * half, y * safe ** (y - 1))


def _exact_power(sympy, x, y):
    # An exact power of two numbers can have millions of digits (9**10000): past 300 digits
    # it is computed in (arbitrary-range) floats, which is quick.
    if x.is_Rational and y.is_Rational and x != 0:
        digits = max(len(str(abs(x.p))), len(str(x.q)))
        if abs(float(y)) * digits > 300:
            return sympy.Float(x) ** sympy.Float(y)
    return x**y


def _power_d_exponent(x, y, out):
    # x^y·log x. At x = 0 it is taken as 0 (the limit from the right when y > 0); for x < 0 it is
    # not real, so NaN. Both branches of each where are safe, so NumPy never warns.
    if complex_parts.is_complex(x) or complex_parts.is_complex(y):
        return out * exponential.log(x + 0j)  # the principal log, holomorphic off the cut x ≤ 0
    positive = x > 0
    log_x = exponential.log(piecewise.where(positive, x, 1))
    return piecewise.where(x < 0, np.nan, piecewise.where(positive, out, 0) * log_x)


power = elementwise_binary(
    "power", operator.pow,
    _power_d_base,
    _power_d_exponent,
    symbolic=lambda sympy, x, y: _exact_power(sympy, x, y), reads_out=True,
    supports_complex=True,
    doc="""x ** y, elementwise; the exponent may be a tensor that requires grad too.

    Conventions: ∂/∂x is 0 where y = 0 (x⁰ is the constant 1, even at x = 0); ∂/∂y is 0 at
    x = 0 and NaN for x < 0, where x^y·log x is not real.

    Example:
        >>> import chainrule as cr
        >>> cr.power(cr.tensor([2.0, 3.0]), 2)
        tensor([4., 9.])
    """,
)

reciprocal = elementwise(
    "reciprocal", lambda x: 1 / x,
    lambda x, out: -out * out,
    symbolic="1/x", reads_inputs=False, reads_out=True,
    supports_complex=True,
    doc="""1 / x (for integer x too, unlike numpy.reciprocal, which rounds).

    Example:
        >>> import chainrule as cr
        >>> cr.reciprocal(cr.tensor([2.0, 4.0]))
        tensor([0.5 , 0.25])
    """,
)

square = elementwise(
    "square", lambda x: x * x,
    lambda x, out: 2 * x,
    symbolic="x**2",
    supports_complex=True,
    doc="""x².

    Example:
        >>> import chainrule as cr
        >>> cr.square(cr.tensor([2.0, -3.0]))
        tensor([4., 9.])
    """,
)

sqrt = elementwise(
    "sqrt", np.sqrt,
    lambda x, out: 0.5 / out,
    symbolic="sqrt(x)", reads_inputs=False, reads_out=True,
    supports_complex=True,
    doc="""√x; the derivative at 0 is +inf.

    Example:
        >>> import chainrule as cr
        >>> cr.sqrt(cr.tensor([4.0, 9.0]))
        tensor([2., 3.])
    """,
)

cbrt = elementwise(
    "cbrt", np.cbrt,
    lambda x, out: 1 / (3 * out * out),
    symbolic="real_root(x, 3)", reads_inputs=False, reads_out=True,
    doc="""∛x, real for negative x too; the derivative at 0 is +inf.

    Example:
        >>> import chainrule as cr
        >>> cr.cbrt(cr.tensor([8.0, -27.0]))
        tensor([ 2., -3.])
    """,
)

def _abs_vjp(grad_out, out, x):
    slope = complex_parts.abs_slope(x, abs)
    return grad_out * (sign(x) if slope is None else slope)


def _abs_jvp(x_dot, out, x):
    slope = complex_parts.abs_slope(x, abs)
    return x_dot * sign(x) if slope is None else complex_parts.real(slope * x_dot)


abs = primitive(  # noqa: A001 -- NumPy's name
    "abs", operator.abs, _abs_vjp, _abs_jvp,
    symbolic="Abs(x)", supports_complex=True,
    doc="""|x|; by convention abs′(0) = 0 (the subgradient at the kink closest to both sides).

    For complex z, |z| is real and d|z| = Re(conj(z)/|z|·ż): the gradient of |z| is
    conj(z)/|z|, taken as 0 at z = 0 (docs/complex.md).

    Example:
        >>> import chainrule as cr
        >>> cr.abs(cr.tensor([-2.0, 0.0, 3.0]))
        tensor([2., 0., 3.])
    """,
)

sign = primitive(
    "sign", np.sign,
    vjp=lambda grad_out, out, x: zeros_like(grad_out),
    jvp=lambda x_dot, out, x: zeros_like(x_dot),
    symbolic="sign(x)", reads_inputs=False,
    doc="""−1, 0 or 1; its derivative is 0 everywhere (and taken as 0 at the jump).

    Example:
        >>> import chainrule as cr
        >>> cr.sign(cr.tensor([-2.0, 0.0, 3.0]))
        tensor([-1.,  0.,  1.])
    """,
)


def zeros_like(x):
    """A zero array of ``x``'s shape and dtype, never recorded: a constant for rules to return."""
    data = value_of(x)
    return np.zeros_like(data)[()] if np.ndim(data) == 0 else np.zeros_like(data)


def _copy(x):
    # np.array also copies Python numbers, which have no .copy().
    if isinstance(x, ForeignArray):  # another library's array is copied in that library
        return x.copy()
    return np.array(x, copy=True)[()]


copy = linear(
    "copy", _copy, lambda grad_out, x: grad_out, symbolic="x",
    doc="""A copy of x (new memory, same graph).

    Example:
        >>> import chainrule as cr
        >>> cr.copy(cr.tensor([1.0, 2.0]))
        tensor([1., 2.])
    """,
)


def _astype(x, dtype):
    return asarray(x).astype(dtype)[()]


_cast = linear(
    "astype",
    _astype,
    lambda grad_out, x, dtype: grad_out,  # the engine casts back to x's dtype
    symbolic="x",
)

_cast_nondifferentiable = nondifferentiable("astype_discrete", _astype)


def astype(x, dtype):
    """x converted to ``dtype``; to a float dtype it is differentiable, else it is a constant.

    The gradient flows back converted to x's own dtype.

    Example:
        >>> import chainrule as cr
        >>> cr.astype(cr.tensor([1.5, 2.5]), "float32")
        tensor([1.5, 2.5], dtype=float32)
    """
    dtype = np.dtype(dtype)
    if dtype.kind in "fc":
        return _cast(x, dtype=dtype)
    return _cast_nondifferentiable(x, dtype=dtype)


# x mod y is piecewise linear: x − ⌊x/y⌋·y. Where x/y is an integer it jumps; the partials there
# are those of the piece NumPy's floor picks (the piece to the right of the jump in x/y).
mod = elementwise_binary(
    "mod", np.mod,
    lambda x, y, out: 1,
    lambda x, y, out: -comparison.floor(x / y),
    symbolic="Mod(x, y)",
    doc="""x mod y with the sign of y (``x % y``, ``numpy.mod``, ``numpy.remainder``).

    Piecewise linear: ∂/∂x = 1 and ∂/∂y = −⌊x/y⌋ between the jumps at x/y ∈ ℤ.

    Example:
        >>> import chainrule as cr
        >>> [float(d) for d in cr.grad(lambda x, y: x % y, argnums=(0, 1))(2.5, 0.8)]
        [1.0, -3.0]
    """,
)

# fmod truncates toward zero where mod floors: x − trunc(x/y)·y, with the sign of x.
fmod = elementwise_binary(
    "fmod", np.fmod,
    lambda x, y, out: 1,
    lambda x, y, out: -comparison.trunc(x / y),
    doc="""The remainder of x / y with the sign of x (C's fmod, ``numpy.fmod``).

    Piecewise linear: ∂/∂x = 1 and ∂/∂y = −trunc(x/y) between the jumps at x/y ∈ ℤ.

    Example:
        >>> import chainrule as cr
        >>> float(cr.grad(lambda y: cr.fmod(-2.5, y))(0.8))
        3.0
    """,
)

__all__ = [
    "add", "subtract", "multiply", "divide", "negative", "power", "reciprocal", "square",
    "sqrt", "cbrt", "abs", "sign", "copy", "astype", "mod", "fmod",
]
