"""Op-table cases for the elementwise families: arithmetic, exponential, trigonometric,
hyperbolic, piecewise and activations. Inputs stay inside each op's domain and away from kinks.
"""

import numpy as np

import chainrule as cr
from chainrule.ops.elementwise import activations
from chainrule.ops.elementwise import exponential
from tests.ops.optable import OpCase, rand


def away_from_zero(*shape, seed=0):
    """Values of both signs with 0.3 ≤ |x| < 2: clear of the kink at 0."""
    magnitude = rand(*shape, low=0.3, high=2.0, seed=seed)
    signs = np.where(rand(*shape, low=-1.0, high=1.0, seed=seed + 1) < 0, -1.0, 1.0)
    return magnitude * signs


def unary(name, fn, low=-2.0, high=2.0, covers=(), sample=None, variant=""):
    """The standard unary cases: 0-d, a 3x4 matrix and an empty 0x3 array."""
    sample = sample or (lambda *shape: rand(*shape, low=low, high=high))
    prefix = f"{variant}, " if variant else ""
    return [
        OpCase(name, fn, (sample(),), prefix + "0-d", covers=covers),
        OpCase(name, fn, (sample(3, 4),), prefix + "3x4", covers=covers),
        OpCase(name, fn, (sample(0, 3),), prefix + "empty", covers=covers),
    ]


def binary(name, fn, x_range=(-2.0, 2.0), y_range=(-2.0, 2.0)):
    """The standard binary cases: same shape, (3,1) with (4,), 0-d with a matrix, 0-d, empty."""

    def x(*shape):
        return rand(*shape, low=x_range[0], high=x_range[1], seed=1)

    def y(*shape):
        return rand(*shape, low=y_range[0], high=y_range[1], seed=2)

    return [
        OpCase(name, fn, (x(3, 4), y(3, 4)), "3x4 with 3x4"),
        OpCase(name, fn, (x(3, 1), y(4)), "(3,1) with (4,)"),
        OpCase(name, fn, (x(), y(3, 4)), "0-d with 3x4"),
        OpCase(name, fn, (x(3, 4), y()), "3x4 with 0-d"),
        OpCase(name, fn, (x(), y()), "0-d with 0-d"),
        OpCase(name, fn, (x(0, 3), y(3)), "empty with (3,)"),
    ]


# x/y at 3.125, −1.857 and −3.227: inside a piece of mod and fmod, away from the jumps.
PIECES_X, PIECES_Y = np.array([2.5, -1.3, 7.1]), np.array([0.8, 0.7, -2.2])

ARITHMETIC = [
    *binary("add", lambda x, y: x + y),
    *binary("subtract", lambda x, y: x - y),
    *binary("multiply", lambda x, y: x * y),
    *binary("divide", lambda x, y: x / y, y_range=(0.5, 2.0)),
    # x/y stays clear of the integers, where mod and fmod jump.
    *binary("mod", lambda x, y: x % y, x_range=(0.1, 0.9), y_range=(1.1, 2.0)),
    OpCase("mod", lambda x, y: cr.mod(x, y), (PIECES_X, PIECES_Y), "several pieces, signs"),
    *binary("fmod", lambda x, y: cr.fmod(x, y), x_range=(0.1, 0.9), y_range=(1.1, 2.0)),
    OpCase("fmod", lambda x, y: cr.fmod(x, y), (PIECES_X, PIECES_Y), "several pieces, signs"),
    OpCase("divide", lambda x, y: x / y, (rand(3, 4), -rand(4, low=0.5)), "negative divisor"),
    *unary("negative", lambda x: -x),
    *binary("power", lambda x, y: x**y, x_range=(0.5, 2.0)),
    OpCase("power", lambda x: x**3, (rand(3, 4),), "integer exponent, negative base"),
    OpCase("power", lambda x: x**2.5, (rand(3, 4, low=0.5),), "fractional exponent"),
    OpCase("power", lambda x: x**-1.5, (rand(3, low=0.5),), "negative exponent"),
    OpCase("power", lambda x: x**0, (rand(3),), "zero exponent"),
    OpCase("power", lambda y: 2.0**y, (rand(3, 4),), "constant base"),
    *unary("reciprocal", cr.reciprocal, sample=away_from_zero),
    *unary("square", cr.square),
    *unary("sqrt", cr.sqrt, low=0.5),
    *unary("cbrt", cr.cbrt, sample=away_from_zero),
    *unary("abs", cr.abs, sample=away_from_zero),
    *unary("sign", lambda x: cr.sign(x) * x, sample=away_from_zero, covers=("sign", "multiply")),
    *unary("copy", cr.copy),
    *unary("astype", lambda x: cr.astype(x, "float64")),
]

EXPONENTIAL = [
    *unary("exp", cr.exp),
    *unary("exp2", cr.exp2),
    *unary("expm1", cr.expm1),
    OpCase("expm1", cr.expm1, (rand(5, low=-1e-3, high=1e-3),), "near 0"),
    *unary("log", cr.log, low=0.5),
    *unary("log2", cr.log2, low=0.5),
    *unary("log10", cr.log10, low=0.5),
    *unary("log1p", cr.log1p, low=-0.5),
    *binary("logaddexp", lambda x, y: cr.logaddexp(x, y)),
    OpCase(
        "logaddexp", lambda x, y: cr.logaddexp(x, y), (rand(3) + 800, rand(3) - 800), "far apart"
    ),
    # logaddexp's partials, σ(x − y): a primitive of their own, checked to its own second order.
    *binary("sigmoid_difference", exponential._sigmoid_difference, x_range=(-4.0, 4.0)),
    OpCase("sigmoid_difference", exponential._sigmoid_difference,
           (rand(3) + 800, rand(3) - 800), "far apart"),
    *unary("erf", exponential.erf, low=-3.0, high=3.0),
    *unary("erfc", exponential.erfc, low=-3.0, high=3.0),
    OpCase("erfc", exponential.erfc, (rand(3, low=3.5, high=5.0),), "tail"),
]

TRIGONOMETRIC = [
    *unary("sin", cr.sin),
    *unary("cos", cr.cos),
    *unary("tan", cr.tan, low=-1.0, high=1.0),
    *unary("arcsin", cr.arcsin, low=-0.8, high=0.8),
    *unary("arccos", cr.arccos, low=-0.8, high=0.8),
    *unary("arctan", cr.arctan, low=-3.0, high=3.0),
    *binary("arctan2", lambda y, x: cr.arctan2(y, x)),
    *binary("hypot", lambda x, y: cr.hypot(x, y)),
]

HYPERBOLIC = [
    *unary("sinh", cr.sinh),
    *unary("cosh", cr.cosh),
    *unary("tanh", cr.tanh),
    *unary("arcsinh", cr.arcsinh, low=-3.0, high=3.0),
    *unary("arccosh", cr.arccosh, low=1.2, high=3.0),
    *unary("arctanh", cr.arctanh, low=-0.8, high=0.8),
]

MASK = rand(3, 4, seed=3) > 0
PIECEWISE = [
    OpCase("where", lambda x, y: cr.where(MASK, x, y), (rand(3, 4), rand(3, 4, seed=1)), "3x4"),
    OpCase(
        "where", lambda x, y: cr.where(MASK, x, y), (rand(3, 1), rand(4, seed=1)), "(3,1) with (4,)"
    ),
    OpCase("where", lambda x: cr.where(MASK, x, 0.0), (rand(),), "0-d with a constant"),
    OpCase(
        "where",
        lambda x, y: cr.where(np.zeros((0, 3), bool), x, y),
        (rand(0, 3), rand(3, seed=1)),
        "empty",
    ),
    *binary("maximum", lambda x, y: cr.maximum(x, y)),
    *binary("minimum", lambda x, y: cr.minimum(x, y)),
    *unary("clip", lambda x: cr.clip(x, -1.0, 1.0), low=-3.0, high=3.0),
    OpCase(
        "clip",
        lambda x, lo, hi: cr.clip(x, lo, hi),
        (
            rand(3, 4, low=-3.0, high=3.0),
            rand(4, low=-1.0, high=-0.5, seed=1),
            rand(3, 1, low=0.5, high=1.0, seed=2),
        ),
        "tensor bounds, broadcast",
    ),
    OpCase(
        "clip", lambda x, lo: cr.clip(x, lo, None), (rand(3, 4), rand(seed=1)), "lower bound only"
    ),
    OpCase(
        "clip", lambda x, hi: cr.clip(x, None, hi), (rand(3, 4), rand(seed=1)), "upper bound only"
    ),
    *unary("relu", cr.relu, sample=away_from_zero),
    *unary("leaky_relu", lambda x: cr.leaky_relu(x, 0.1), sample=away_from_zero),
]

ACTIVATIONS = [
    *unary("sigmoid", activations.sigmoid, low=-5.0, high=5.0),
    *unary("elu", activations.elu, sample=away_from_zero),
    OpCase("elu", lambda x: activations.elu(x, alpha=0.5), (away_from_zero(3, 4),), "alpha"),
    *unary(
        "gelu", activations.gelu, low=-4.0, high=4.0, covers=("erfc", "multiply"), variant="erf"
    ),
    *unary(
        "gelu",
        lambda x: activations.gelu(x, approximate="tanh"),
        low=-4.0,
        high=4.0,
        covers=("sigmoid", "multiply", "add"),
        variant="tanh",
    ),
    *unary("softplus", activations.softplus, low=-5.0, high=5.0),
    OpCase("softplus", lambda x: activations.softplus(x, beta=2.5), (rand(3, 4),), "beta"),
]

CASES = ARITHMETIC + EXPONENTIAL + TRIGONOMETRIC + HYPERBOLIC + PIECEWISE + ACTIVATIONS
