"""Formula terms in SymPy: each primitive becomes what its declaration's ``symbolic`` forward
says, so that SymPy can tidy and compare formulas. SymPy is optional
(``pip install chainrule[formulas]``); nothing here imports it until a formula asks for it.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from chainrule.explanation.formulas.terms import Term, in_order

SYMPY_HINT = "pip install chainrule[formulas]"

# A float is shown as an exact number only when its integers stay this small (0.25 as 1/4, but
# not 6.907755278982137 as 345387763949107/50000000000000).
MAX_TERM = 10**6
EXACT_NAMES = {"pi": "pi", "e": "E"}


class NoSymbolicForm(TypeError):
    """A term holds an op with parameters that declares no symbolic forward, or a constant
    array of several values."""


def require_sympy():
    """The ``sympy`` module.

    Raises:
        ModuleNotFoundError: without SymPy, naming the extra that brings it.
    """
    try:
        import sympy
    except ImportError:
        raise ModuleNotFoundError(
            f"derivative formulas need SymPy, an optional extra: {SYMPY_HINT}", name="sympy"
        ) from None
    return sympy


def to_sympy(x, as_number=True, kept=()):
    """``x`` (a term or a constant) in SymPy: variables are real symbols, numbers exact.

    ``as_number``: a condition is wanted as a number, 1 where it holds and else 0.
    ``kept``: names of ops written as functions of their own (``sigmoid(u)``) rather than by
    their symbolic forward (``1/(1 + exp(-u))``).

    Raises:
        NoSymbolicForm: for an op with no ``symbolic`` forward, or an array of several values.
    """
    sympy = require_sympy()
    done = {}
    for term in in_order(x):
        done[id(term)] = _converted(term, done, sympy, kept)
    out = done[id(x)] if type(x) is Term else constant(x)
    return indicator(out, sympy) if as_number else out


def _converted(term, done, sympy, kept=()):
    if term.prim is None:
        if term.name is not None:
            return sympy.Symbol(term.name, real=True)
        return _exact(term.exact, sympy)
    if term.prim.symbolic is None and term.params:
        raise NoSymbolicForm(f"'{term.prim.name}' declares no symbolic forward")
    rules = term.prim.vjps
    args = []
    for i, arg in enumerate(term.args):
        value = done[id(arg)] if type(arg) is Term else constant(arg)
        # A condition that multiplies a derivative is a number there: 1 where it holds.
        numeric = rules is not None and rules[i] is not None
        args.append(indicator(value, sympy) if numeric else value)
    if term.prim.symbolic is None or term.prim.name in kept:
        # An op SymPy is not told about stays itself, by name: myop(x), a function of x.
        return sympy.Function(term.prim.name)(*args)
    params = {key: _param(value) for key, value in term.params.items()}
    return forward(term.prim, args, params, sympy)


def forward(prim, args, params, sympy):
    """``prim``'s symbolic forward on SymPy values."""
    if callable(prim.symbolic):
        return prim.symbolic(sympy, *args, **params)
    names, expression = _parsed(prim, tuple(sorted(params)))
    values = [*args, *(params[key] for key in sorted(params))]
    return expression.xreplace(dict(zip(names, values)))


@functools.lru_cache(maxsize=None)
def _parsed(prim, param_names):
    # The declaration's text read once: its inputs and parameters as stand-in symbols.
    sympy = require_sympy()
    names = [*prim.inputs, *param_names]
    stand_ins = [sympy.Dummy(name) for name in names]
    expression = sympy.sympify(prim.symbolic, locals=dict(zip(names, stand_ins)))
    return stand_ins, expression


def indicator(value, sympy):
    """A SymPy condition as the number it stands for, 1 where it holds and else 0."""
    if value is sympy.true or value is sympy.false:
        return sympy.Integer(int(bool(value)))
    # A symbol is a Boolean too, in SymPy; a condition is a Boolean that is not a number.
    if isinstance(value, sympy.logic.boolalg.Boolean) and not isinstance(value, sympy.Expr):
        return sympy.Piecewise((1, value), (0, True))
    return value


def _exact(text, sympy):
    if text in EXACT_NAMES:
        return getattr(sympy, EXACT_NAMES[text])
    return sympy.Rational(text) if "." in text or "e" in text.lower() else sympy.Integer(text)


def _param(value):
    if isinstance(value, (bool, np.bool_)) or value is None:
        return value
    if isinstance(value, (int, float, np.integer, np.floating)):
        return exact_number(float(value))
    return value


def constant(value):
    """A plain constant in SymPy: a number (exact where one matches), or a truth value."""
    sympy = require_sympy()
    if value is None:  # an input left out (clip with one bound)
        return None
    array = np.asarray(value)
    if array.size == 0 or not np.all(array == array.flat[0]) and not np.all(np.isnan(array)):
        raise NoSymbolicForm(f"a constant array of shape {array.shape} is not one number")
    scalar = array.flat[0]
    if array.dtype.kind == "b":
        return sympy.true if scalar else sympy.false
    if array.dtype.kind in "iu":
        return sympy.Integer(int(scalar))
    return exact_number(float(scalar))


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


def value_at(formula, values):
    """``formula``'s value (a complex number) with each symbol named in ``values`` replaced;
    SymPy's infinity of no direction (1/0) is ``inf + inf·j``."""
    sympy = require_sympy()
    swap = {s: sympy.Float(float(values[s.name])) for s in formula.free_symbols}
    found = formula.xreplace(swap).evalf()
    if found is sympy.zoo:
        return complex(math.inf, math.inf)
    return complex(math.nan) if found is sympy.nan else complex(found)


__all__ = [
    "SYMPY_HINT",
    "NoSymbolicForm",
    "require_sympy",
    "to_sympy",
    "forward",
    "indicator",
    "constant",
    "exact_number",
    "exact_floats",
    "value_at",
]
