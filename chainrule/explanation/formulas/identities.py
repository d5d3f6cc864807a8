"""Identities that tidy a formula term as it is built: x·1, x + 0, x and True, a where with a
known condition. Each keeps the term's numbers, shape and dtype; none is calculus.
"""

from __future__ import annotations

import numpy as np

from chainrule.explanation.formulas.terms import is_term, value_of
from chainrule.ops.elementwise import arithmetic, comparison, piecewise


def tidy(term):
    """``term`` without a factor 1, a term 0 or a known condition, where that keeps its shape
    (and its dtype: 1.0·c of a condition c is c as a number)."""
    simpler = _simpler(term.prim, term.args, term.value)
    if simpler is None or np.shape(value_of(simpler)) != np.shape(term.value):
        return term
    dtype = np.asarray(term.value).dtype
    if np.asarray(value_of(simpler)).dtype == dtype:
        return simpler
    if is_term(simpler) and simpler.dtype == bool and dtype.kind == "f":
        return arithmetic.astype(simpler, dtype)
    return term


def _simpler(prim, args, value):
    if prim is piecewise.where:
        condition, x, y = args
        if is_term(condition) or not _uniform(condition):
            return None
        return x if np.all(condition) else y
    if prim is arithmetic.negative and is_term(args[0]) and args[0].prim is prim:
        return args[0].args[0]
    if len(args) != 2:
        return None
    if prim is comparison.logical_and or prim is comparison.logical_or:
        return _logical(prim is comparison.logical_and, args, value)
    return _arithmetic(prim, *args, value)


def _logical(conjunction, args, value):
    # x and True is x, x or False is x; x and False, x or True are known.
    known = [arg for arg in args if not is_term(arg) and _uniform(arg)]
    if not known:
        return None
    x, y = args
    return value if bool(np.all(known[0])) != conjunction else (y if known[0] is x else x)


def _arithmetic(prim, x, y, value):
    if prim is arithmetic.multiply:
        if _all(x, 0) or _all(y, 0):
            return value if np.all(np.isfinite(value)) else None
        return y if _all(x, 1) else x if _all(y, 1) else None
    if prim is arithmetic.add:
        return y if _all(x, 0) else x if _all(y, 0) else None
    if prim is arithmetic.subtract and _all(y, 0):
        return x
    if prim is arithmetic.divide and _all(y, 1):
        return x
    if prim is arithmetic.power and (_all(y, 1) or _all(y, 0) or _all(x, 1)):
        return x if _all(y, 1) else value
    return None


def _all(x, number):
    """Whether ``x`` is a plain constant equal to ``number`` everywhere."""
    if is_term(x) or x is None:
        return False
    array = np.asarray(x)
    return array.size > 0 and array.dtype.kind in "biuf" and bool(np.all(array == number))


def _uniform(x):
    array = np.asarray(x)
    return array.size > 0 and (bool(np.all(array == array.flat[0])))


__all__ = ["tidy"]
