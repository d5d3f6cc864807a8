"""Ops on SymPy values: each primitive's forward as a SymPy function, so that the engine's own
rules can run on symbols. SymPy is optional (``pip install chainrule[formulas]``); nothing here
imports it until a formula is asked for.
"""

from __future__ import annotations

import functools
import math
import operator
import sys

import numpy as np

from chainrule.primitive import SYMBOLIC_FORWARDS

SYMPY_HINT = "pip install chainrule[formulas]"

# An exact power of two numbers is computed only below this many digits; beyond, in floats.
MAX_EXACT_DIGITS = 300
# A float is shown as an exact number only when its integers stay this small (0.25 as 1/4, but
# not 6.907755278982137 as 345387763949107/50000000000000).
MAX_TERM = 10**6


def require_sympy():
    """The ``sympy`` module, with the hook that lets chainrule ops take SymPy values.

    Raises:
        ModuleNotFoundError: without SymPy, naming the extra that brings it.
    """
    try:
        import sympy
    except ImportError:
        raise ModuleNotFoundError(
            f"derivative formulas need SymPy, an optional extra: {SYMPY_HINT}", name="sympy"
        ) from None
    if symbolic_forward not in SYMBOLIC_FORWARDS:
        SYMBOLIC_FORWARDS.append(symbolic_forward)
    return sympy


def symbolic_forward(prim, args, params):
    """``prim`` applied to arguments of which some are SymPy values (the hook of ``apply``)."""
    # Without SymPy loaded no argument can be a SymPy value: the forward's own error stands.
    sympy = sys.modules.get("sympy")
    if sympy is None or not any(isinstance(arg, sympy.Basic) for arg in args):
        return NotImplemented
    forward = forwards().get(prim.name)
    if forward is None:
        raise TypeError(f"'{prim.name}' has no symbolic form, so it cannot take SymPy values")
    condition = prim.name == "where"
    inputs = [to_sympy(arg, truth=condition and i == 0) for i, arg in enumerate(args)]
    return forward(*inputs, **params)


def to_sympy(value, truth=False):
    """A constant as an exact SymPy number where one is recognized (0.5 → 1/2, π), else a Float.

    ``truth``: the value is a condition (of ``where``), so a boolean stays a boolean.
    """
    sympy = require_sympy()
    if value is None or isinstance(value, sympy.Basic):
        return value
    value = getattr(value, "_data", value)
    if np.ndim(value) != 0:
        raise TypeError(
            f"formulas are for scalar expressions; got a value of shape {np.shape(value)}"
        )
    value = value.item() if hasattr(value, "item") else value
    if isinstance(value, bool):
        return sympy.true if value and truth else sympy.false if truth else sympy.Integer(value)
    if isinstance(value, int):
        return sympy.Integer(value)
    return exact_number(float(value))


@functools.lru_cache(maxsize=512)
def exact_number(value):
    """``value`` as a short exact number when one matches it to the last digit, else a Float.

    Rules write constants such as 0.5, ln 2 or 2/√π as floats; shown exactly, a derivative
    reads as in a textbook.
    """
    sympy = require_sympy()
    if not math.isfinite(value):
        return sympy.nan if math.isnan(value) else sympy.oo if value > 0 else -sympy.oo
    if value == int(value) and abs(value) < 2**53:
        return sympy.Integer(int(value))
    guess = sympy.nsimplify(value, [sympy.pi, sympy.E], tolerance=1e-15)
    short = sympy.count_ops(guess) <= 6 and all(
        abs(r.p) <= MAX_TERM and r.q <= MAX_TERM for r in guess.atoms(sympy.Rational)
    )
    if short and math.isclose(float(guess), value, rel_tol=1e-15):
        return guess
    return sympy.Float(value)


def exact_floats(formula):
    """``formula`` with each Float made exact where :func:`exact_number` recognizes it."""
    sympy = require_sympy()
    floats = formula.atoms(sympy.Float)
    return formula.xreplace({f: exact_number(float(f)) for f in floats}) if floats else formula


def literal(node_value):
    """A number as written in a formula, exactly: 0.1 is 1/10, 2 is 2."""
    sympy = require_sympy()
    if isinstance(node_value, int):
        return sympy.Integer(node_value)
    return sympy.Rational(repr(node_value))


def _power(x, y):
    # An exact power of two numbers can have millions of digits (9**10000): beyond a bound it
    # is computed in (arbitrary-range) floats, which is quick.
    sympy = require_sympy()
    if x.is_Rational and y.is_Rational and x != 0:
        if abs(float(y)) * max(_digits(x.p), _digits(x.q)) > MAX_EXACT_DIGITS:
            return sympy.Float(x) ** sympy.Float(y)
    return sympy.Pow(x, y)


def _digits(integer):
    return len(str(abs(int(integer))))


def _clip(x, lo, hi):
    sympy = require_sympy()
    low = x if lo is None else sympy.Max(x, lo)
    return low if hi is None else sympy.Min(low, hi)


@functools.cache
def forwards():
    """Each primitive's forward as a function of SymPy values, by primitive name."""
    sp = require_sympy()
    return {
        "add": operator.add,
        "subtract": operator.sub,
        "multiply": operator.mul,
        "divide": operator.truediv,
        "negative": operator.neg,
        "power": _power,
        "reciprocal": lambda x: 1 / x,
        "square": lambda x: x**2,
        "sqrt": sp.sqrt,
        "cbrt": sp.Function("cbrt", real=True),
        "abs": sp.Abs,
        "sign": sp.sign,
        "copy": lambda x: x,
        "astype": lambda x, dtype: x,
        "exp": sp.exp,
        "exp2": lambda x: 2**x,
        "expm1": lambda x: sp.exp(x) - 1,
        "log": sp.log,
        "log2": lambda x: sp.log(x) / sp.log(2),
        "log10": lambda x: sp.log(x) / sp.log(10),
        "log1p": lambda x: sp.log(1 + x),
        "logaddexp": lambda x, y: sp.log(sp.exp(x) + sp.exp(y)),
        "erf": sp.erf,
        "erfc": sp.erfc,
        "sin": sp.sin,
        "cos": sp.cos,
        "tan": sp.tan,
        "arcsin": sp.asin,
        "arccos": sp.acos,
        "arctan": sp.atan,
        "arctan2": sp.atan2,
        "hypot": lambda x, y: sp.sqrt(x**2 + y**2),
        "sinh": sp.sinh,
        "cosh": sp.cosh,
        "tanh": sp.tanh,
        "arcsinh": sp.asinh,
        "arccosh": sp.acosh,
        "arctanh": sp.atanh,
        "where": lambda condition, x, y: sp.Piecewise((x, condition), (y, True)),
        "maximum": sp.Max,
        "minimum": sp.Min,
        "relu": lambda x: sp.Max(x, 0),
        "clip": _clip,
        "leaky_relu": lambda x, negative_slope: sp.Piecewise(
            (x, x > 0), (to_sympy(negative_slope) * x, True)
        ),
        "sigmoid": lambda x: 1 / (1 + sp.exp(-x)),
        "elu": lambda x, alpha: sp.Piecewise((x, x > 0), (to_sympy(alpha) * (sp.exp(x) - 1), True)),
        "softplus": lambda x, beta: sp.log(1 + sp.exp(to_sympy(beta) * x)) / to_sympy(beta),
    }


__all__ = [
    "SYMPY_HINT",
    "require_sympy",
    "symbolic_forward",
    "to_sympy",
    "exact_number",
    "exact_floats",
    "literal",
    "forwards",
]
