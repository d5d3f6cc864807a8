"""Which steps of a program replay on Python floats instead of NumPy scalars, and their float
form: a 0-d float64 value costs a NumPy scalar operation (about 0.1 µs) where a Python float
costs a bytecode (about 0.02 µs), and for these operations the two give the same doubles.

Only operations that IEEE 754 rounds the same way in both are here: +, −, ×, ÷, comparisons,
``relu`` and integer powers (``pow`` of the C library, which both call). Transcendental
functions are not: NumPy's own ``exp``/``sin``/``log`` may differ from ``math``'s in the last
place, so a step calling them stays a NumPy call. Where Python raises and NumPy returns an
infinity (``1e200 ** 2``, ``1.0 / 0.0``), the program falls back to its NumPy form for that call
(see :mod:`chainrule.jit.program`).
"""

from __future__ import annotations

import operator

import numpy as np

from chainrule.ops.elementwise.piecewise import relu

# The types a float step reads and writes, and the Python type that holds each.
PYTHON_TYPE = {np.float64: float, np.bool_: bool}

_ARITHMETIC = {
    operator.add: "{0} + {1}", np.add: "{0} + {1}",
    operator.sub: "{0} - {1}", np.subtract: "{0} - {1}",
    operator.mul: "{0} * {1}", np.multiply: "{0} * {1}",
    operator.truediv: "{0} / {1}", np.true_divide: "{0} / {1}",
    operator.neg: "-{0}", np.negative: "-{0}",
    # np.maximum(-0.0, 0) is +0.0 and NaN passes through: both hold for this form.
    relu.forward: "({0} if {0} > 0.0 or {0} != {0} else 0.0)",
}
_POWER = {operator.pow, np.power}
_COMPARISONS = {
    np.greater: "{0} > {1}", operator.gt: "{0} > {1}",
    np.less: "{0} < {1}", operator.lt: "{0} < {1}",
    np.greater_equal: "{0} >= {1}", operator.ge: "{0} >= {1}",
    np.less_equal: "{0} <= {1}", operator.le: "{0} <= {1}",
    np.equal: "{0} == {1}", operator.eq: "{0} == {1}",
    np.not_equal: "{0} != {1}", operator.ne: "{0} != {1}",
}
# The forms on which Python raises where NumPy returns inf (1e200 ** 2, 1.0 / 0.0).
RAISING = {"{0} ** {1}", "{0} / {1}"}
_EXACT_INTEGERS = 2**53  # an int constant beyond this would be rounded on its way to a float


def python_constant(value):
    """``value`` as a Python number a float step can read exactly, or None where it can't."""
    kind = type(value)
    if kind is float or kind is bool:
        return value
    if kind is int:
        return value if -_EXACT_INTEGERS <= value <= _EXACT_INTEGERS else None
    if kind is np.float64 or kind is np.bool_:
        return PYTHON_TYPE[kind](value)
    if kind is np.ndarray and value.shape == () and value.dtype.type in PYTHON_TYPE:
        return PYTHON_TYPE[value.dtype.type](value[()])
    return None


def float_form(fn, params, kind, operands):
    """The expression template of a step on Python floats (``{0}``, ``{1}`` for its operands),
    or None when the step must stay a NumPy call.

    ``kind`` is the type of the value the step made at the trace; ``operands`` are
    ``(is_slot, value_type_or_constant)`` pairs: a slot's NumPy type, or a constant's Python
    value (as :func:`python_constant` gives it).
    """
    if params or not operands:
        return None
    if kind is np.bool_:
        return _COMPARISONS.get(fn) if _reads_a_float(operands) else None
    if kind is not np.float64 or not _reads_a_float(operands):
        return None
    if fn in _POWER:
        # Integer exponents only: a fractional power of a negative float is complex in Python.
        (base_is_slot, _), (exponent_is_slot, exponent) = operands
        whole = not exponent_is_slot and type(exponent) in (int, float) and float(
            exponent).is_integer()
        return "{0} ** {1}" if base_is_slot and whole else None
    return _ARITHMETIC.get(fn)


def _reads_a_float(operands):
    return any((kind is np.float64) if is_slot else (type(kind) is float)
               for is_slot, kind in operands)


__all__ = ["PYTHON_TYPE", "RAISING", "float_form", "python_constant"]
