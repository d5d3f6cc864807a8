"""Special-values table, elementwise ops: each with its reference value and partial derivatives.

References are closed forms evaluated in ``numpy.longdouble`` (80-bit on x86-64 Linux: its
exponent reaches 1e4932, so 1e300² is not an overflow there), then rounded to the dtype under
test; a result that overflows only after rounding is rightly inf. The forms are chosen so that
IEEE arithmetic gives the mathematical limit at ±inf (1/(1 + x²) → 0); where it cannot
(0·inf), the limit is written out. At kinks and ties the reference is chainrule's documented
convention (relu′(0) = 0, ties share equally, the origin of arctan2 and hypot takes 0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

import chainrule as cr
from chainrule.nn import functional as F

L = np.longdouble
LN2, LN10 = np.log(L(2)), np.log(L(10))
SQRT_2PI = np.sqrt(2 * np.pi, dtype=L)


@dataclass
class Op:
    """An op under test: ``fn(*args)`` in chainrule; ``value``/``partials`` its references.

    ``partials(*args)`` gives ∂out/∂argᵢ for each argument, shaped out.shape + argᵢ.shape.
    ``kind`` says which points it is tried at: "unary" (each special value), "binary" (each
    pair), "pair" (each pair as one vector [a, b]) or "logits" (each value with targets 0, ½, 1).
    ``numpy`` is NumPy's own function where it has one: where the mathematical value is not
    finite, NumPy's answer is accepted too (var([0, inf]) is NaN there, its limit inf).
    """

    name: str
    fn: Callable
    value: Callable
    partials: Callable
    kind: str = "unary"
    numpy: Callable = None


def ones(x):
    return np.ones_like(x)


def zeros(x):
    return np.zeros_like(x)


def _erf(x, complement=False):
    f = math.erfc if complement else math.erf
    return np.vectorize(lambda v: f(float(v)), otypes=[np.float64])(x).astype(L)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softplus(x):
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def limit(x, at_plus_inf, at_minus_inf, elsewhere):
    """``elsewhere``, with the limits written out at ±inf (where IEEE would give 0·inf)."""
    return np.where(np.isposinf(x), at_plus_inf, np.where(np.isneginf(x), at_minus_inf, elsewhere))


def times(c, x):
    """c·x with 0·inf = 0: a coefficient that vanishes kills the term."""
    return np.where(c == 0, 0, c * x)


def _gelu_tanh(x):
    u = np.sqrt(2 / np.pi, dtype=L) * (x + L(0.044715) * x**3)
    s = sigmoid(2 * u)
    du = np.sqrt(2 / np.pi, dtype=L) * (1 + 3 * L(0.044715) * x * x)
    return s, times(s * (1 - s), 2 * x * du)


def unary(name, fn, value, derivative):
    return Op(name, fn, value, lambda x: [derivative(x)])


UNARY = [
    unary("negative", cr.negative, lambda x: -x, lambda x: -ones(x)),
    unary("reciprocal", cr.reciprocal, lambda x: 1 / x, lambda x: -1 / (x * x)),
    unary("square", cr.square, lambda x: x * x, lambda x: 2 * x),
    unary("sqrt", cr.sqrt, np.sqrt, lambda x: 0.5 / np.sqrt(x)),
    unary("cbrt", cr.cbrt, np.cbrt, lambda x: 1 / (3 * np.cbrt(x) ** 2)),
    unary("abs", cr.abs, np.abs, np.sign),
    unary("sign", cr.sign, np.sign, zeros),
    unary("copy", cr.copy, lambda x: x, ones),
    unary("exp", cr.exp, np.exp, np.exp),
    unary("exp2", cr.exp2, np.exp2, lambda x: np.exp2(x) * LN2),
    unary("expm1", cr.expm1, np.expm1, np.exp),
    unary("log", cr.log, np.log, lambda x: 1 / x),
    unary("log2", cr.log2, np.log2, lambda x: 1 / (x * LN2)),
    unary("log10", cr.log10, np.log10, lambda x: 1 / (x * LN10)),
    unary("log1p", cr.log1p, np.log1p, lambda x: 1 / (1 + x)),
    unary("erf", cr.erf, _erf, lambda x: 2 / np.sqrt(np.pi, dtype=L) * np.exp(-x * x)),
    unary(
        "erfc",
        cr.erfc,
        lambda x: _erf(x, True),
        lambda x: -2 / np.sqrt(np.pi, dtype=L) * np.exp(-x * x),
    ),
    unary("sin", cr.sin, np.sin, np.cos),
    unary("cos", cr.cos, np.cos, lambda x: -np.sin(x)),
    unary("tan", cr.tan, np.tan, lambda x: 1 / np.cos(x) ** 2),
    unary("arcsin", cr.arcsin, np.arcsin, lambda x: 1 / np.sqrt(1 - x * x)),
    unary("arccos", cr.arccos, np.arccos, lambda x: -1 / np.sqrt(1 - x * x)),
    unary("arctan", cr.arctan, np.arctan, lambda x: 1 / (1 + x * x)),
    unary("sinh", cr.sinh, np.sinh, np.cosh),
    unary("cosh", cr.cosh, np.cosh, np.sinh),
    unary("tanh", cr.tanh, np.tanh, lambda x: 1 / np.cosh(x) ** 2),
    unary("arcsinh", cr.arcsinh, np.arcsinh, lambda x: 1 / np.sqrt(1 + x * x)),
    unary("arccosh", cr.arccosh, np.arccosh, lambda x: 1 / np.sqrt(x * x - 1)),
    unary("arctanh", cr.arctanh, np.arctanh, lambda x: 1 / (1 - x * x)),
    unary("relu", cr.relu, lambda x: np.maximum(x, 0), lambda x: (x > 0).astype(L)),
    unary(
        "leaky_relu",
        cr.leaky_relu,
        lambda x: np.where(x > 0, x, L(0.01) * x),
        lambda x: np.where(x > 0, 1, L(0.01)),
    ),
    unary("sigmoid", cr.sigmoid, sigmoid, lambda x: sigmoid(x) * (1 - sigmoid(x))),
    unary(
        "elu",
        cr.elu,
        lambda x: np.where(x > 0, x, np.expm1(x)),
        lambda x: np.where(x > 0, 1, np.exp(x)),
    ),
    unary(
        "gelu",
        cr.gelu,
        lambda x: limit(x, np.inf, 0, x * _erf(-x / np.sqrt(L(2)), True) / 2),
        lambda x: limit(
            x, 1, 0, _erf(-x / np.sqrt(L(2)), True) / 2 + times(np.exp(-x * x / 2), x) / SQRT_2PI
        ),
    ),
    unary(
        "gelu tanh",
        lambda x: cr.gelu(x, approximate="tanh"),
        lambda x: limit(x, np.inf, 0, times(_gelu_tanh(x)[0], x)),
        lambda x: limit(x, 1, 0, _gelu_tanh(x)[0] + _gelu_tanh(x)[1]),
    ),
    unary("softplus", cr.softplus, softplus, sigmoid),
]


def binary(name, fn, value, d_dx, d_dy):
    return Op(name, fn, value, lambda x, y: [d_dx(x, y), d_dy(x, y)], "binary")


def winner(x, y, wins):
    return np.where(wins, 1, np.where(x == y, L(0.5), 0))


def _power_d_base(x, y):
    # y·x^(y−1), and 0 where y = 0 (x⁰ is the constant 1).
    return np.where(y == 0, 0, y * x ** (y - 1))


def _power_d_exponent(x, y):
    # x^y·log x: 0 at x = 0 (the limit from the right), not real (NaN) for x < 0.
    return np.where(x < 0, np.nan, np.where(x > 0, times(np.log(np.where(x > 0, x, 1)), x**y), 0))


def logaddexp_share(x, y):
    # σ(x − y); at the same infinity a tie, 1/2 each (chainrule's convention).
    same_infinity = np.isinf(x) & (x == y)
    return np.where(same_infinity, L(0.5), sigmoid(x - y))


def _arctan2_partial(numerator, y, x):
    # numerator/(x² + y²): 0 at the origin (convention) and wherever x or y is infinite (limit).
    r2 = x * x + y * y
    far = np.isinf(x) | np.isinf(y)
    return np.where(far | (r2 == 0), 0, numerator / np.where(r2 == 0, 1, r2))


def hypot_partial(a, x, y):
    h = np.hypot(x, y)
    return np.where(h == 0, 0, a / np.where(h == 0, 1, h))


BINARY = [
    binary("add", cr.add, lambda x, y: x + y, lambda x, y: ones(x), lambda x, y: ones(y)),
    binary(
        "subtract", cr.subtract, lambda x, y: x - y, lambda x, y: ones(x), lambda x, y: -ones(y)
    ),
    binary("multiply", cr.multiply, lambda x, y: x * y, lambda x, y: y, lambda x, y: x),
    binary("divide", cr.divide, lambda x, y: x / y, lambda x, y: 1 / y, lambda x, y: -x / (y * y)),
    binary("power", cr.power, np.power, _power_d_base, _power_d_exponent),
    binary(
        "logaddexp",
        cr.logaddexp,
        np.logaddexp,
        logaddexp_share,
        lambda x, y: logaddexp_share(y, x),
    ),
    binary(
        "arctan2",
        cr.arctan2,
        np.arctan2,
        lambda y, x: _arctan2_partial(x, y, x),
        lambda y, x: _arctan2_partial(-y, y, x),
    ),
    binary(
        "hypot",
        cr.hypot,
        np.hypot,
        lambda x, y: hypot_partial(x, x, y),
        lambda x, y: hypot_partial(y, x, y),
    ),
    binary(
        "maximum",
        cr.maximum,
        np.maximum,
        lambda x, y: winner(x, y, x > y),
        lambda x, y: winner(x, y, y > x),
    ),
    binary(
        "minimum",
        cr.minimum,
        np.minimum,
        lambda x, y: winner(x, y, x < y),
        lambda x, y: winner(x, y, y < x),
    ),
    binary(
        "where",
        lambda x, y: cr.where(True, x, y),
        lambda x, y: x,
        lambda x, y: ones(x),
        lambda x, y: zeros(y),
    ),
    binary(
        "mse_loss",
        lambda x, t: F.mse_loss(x, t, reduction="none"),
        lambda x, t: (x - t) ** 2,
        lambda x, t: 2 * (x - t),
        lambda x, t: -2 * (x - t),
    ),
]

# x differentiable, the bounds (-1, 1) too: ties where x is ±1.
CLIP = Op(
    "clip",
    cr.clip,
    lambda x, lo, hi: np.minimum(np.maximum(x, lo), hi),
    lambda x, lo, hi: [((x >= lo) & (x <= hi)).astype(L), (x < lo).astype(L), (x > hi).astype(L)],
    "bounded",
)


def _bce(x, t):
    pieces = np.where(x > 0, times(1 - t, x), times(-t, x))
    return pieces + np.log1p(np.exp(-np.abs(x)))


LOGITS = [
    Op(
        "binary_cross_entropy_with_logits",
        lambda x, t: F.binary_cross_entropy_with_logits(x, t, reduction="none"),
        _bce,
        lambda x, t: [sigmoid(x) - t, -x],
        "logits",
    ),
]
