"""Formula terms written out as text, in Python's syntax and precedence: ``-sin(v2)``,
``v1 if v3 > 0 else 0``, ``[v2 > 0]`` (1 where the condition holds, else 0), ``grad_out @ v2.T``.
"""

from __future__ import annotations

import numpy as np

from chainrule.explanation.formulas.terms import SYMBOLS, Term
from chainrule.ops import indexing
from chainrule.ops.elementwise import arithmetic, comparison, piecewise
from chainrule.tensor import Tensor

# How tightly each kind of part binds; a part is bracketed inside one that binds more tightly.
CHOICE, COMPARISON, OR, XOR, AND, SUM, PRODUCT, UNARY, POWER, ATOM = range(10)
LEVELS = {
    "==": COMPARISON,
    "!=": COMPARISON,
    "<": COMPARISON,
    "<=": COMPARISON,
    ">": COMPARISON,
    ">=": COMPARISON,
    "|": OR,
    "^": XOR,
    "&": AND,
    "+": SUM,
    "-": SUM,
    "*": PRODUCT,
    "/": PRODUCT,
    "@": PRODUCT,
    "**": POWER,
}
# Arrays with up to this many entries are written out; larger ones by their shape.
SHOWN_ENTRIES = 6


def text(x, as_number=False):
    """``x`` (a term or a constant) as a formula; a condition used as a number as ``[c]``
    (1 where ``c`` holds, else 0), also ``x`` itself when ``as_number``."""
    return _operand(x, SUM) if as_number and _is_condition(x) else _written(x)[0]


def _written(x):
    # (text, level) of a term or constant.
    if type(x) is not Term:
        return constant_text(x)
    if x.prim is None:
        return (x.name if x.name is not None else x.exact), ATOM
    symbol = SYMBOLS.get(x.prim)
    if symbol is not None and len(x.args) == 2 and not x.params:
        return _infix(symbol, x.args)
    if x.prim is arithmetic.negative:
        return f"-{_operand(x.args[0], UNARY)}", UNARY
    if x.prim is comparison.logical_not:
        return f"~{_operand(x.args[0], UNARY)}", UNARY
    if x.prim.name == "astype" and _is_condition(x.args[0]):  # a condition as a number
        return f"[{_written(x.args[0])[0]}]", ATOM
    if x.prim is piecewise.where:
        condition, a, b = (_operand(arg, CHOICE + 1) for arg in x.args)
        return f"{a} if {condition} else {b}", CHOICE
    if x.prim.name == "transpose" and x.ndim == 2 and x.params.get("axes") in (None, (1, 0)):
        return f"{_operand(x.args[0], ATOM)}.T", ATOM
    if x.prim is indexing.getitem:
        return f"{_operand(x.args[0], ATOM)}[{index_text(x.params['index'])}]", ATOM
    # Every parameter is written, so that the formula can be read back and computed again.
    return call_text(x.prim.name, [text(arg) for arg in x.args], x.params, every=True), ATOM


def _infix(symbol, args):
    level = LEVELS[symbol]
    left, right = args
    if symbol == "**":
        return f"{_operand(left, POWER + 1)}**{_operand(right, UNARY)}", POWER
    spaced = f" {symbol} " if level <= SUM else symbol
    # A negative right operand is bracketed, as a reader expects: x*(-1), not x*-1.
    right = _operand(right, level + 1, bracket_negative=level >= SUM)
    return f"{_operand(left, level)}{spaced}{right}", level


def _operand(x, level, bracket_negative=False):
    written, own = _written(x)
    if _is_condition(x) and level >= SUM:
        return f"[{written}]"
    bracket = own < level or (bracket_negative and own == UNARY)
    return f"({written})" if bracket else written


def _is_condition(x):
    return type(x) is Term and x.prim is not None and np.asarray(x.value).dtype == bool


def constant_text(value):
    """A constant as written: a number, the one number an array holds, or the array's entries."""
    if value is None:
        return "None", ATOM
    array = np.asarray(value._data if isinstance(value, Tensor) else value)
    if array.size == 1 or (array.size and array.ndim == 0):
        return _number(array.flat[0])
    if array.size and np.all(array == array.flat[0]):
        # One number throughout an array: its shape matters where it is not broadcast.
        number = _number(array.flat[0])[0]
        named = {"0": "zeros", "1": "ones"}.get(number)
        return (f"{named}({array.shape})" if named else f"full({array.shape}, {number})"), ATOM
    if 0 < array.size <= SHOWN_ENTRIES:
        return _entries(array), ATOM
    return f"array(shape={array.shape})", ATOM


def _entries(array):
    if array.ndim == 0:
        return _number(array)[0]
    return "[" + ", ".join(_entries(row) for row in array) + "]"


def _number(scalar):
    written = literal(np.asarray(scalar))
    return (written[1:-1], UNARY) if written.startswith("(") else (written, ATOM)


def literal(array):
    """A number as it is written in a formula: ``1``, ``0.5``, ``(-2)``, ``True``."""
    if array.dtype.kind == "b":
        return str(bool(array))
    text = f"{float(array):.12g}"
    return f"({text})" if text.startswith("-") else text


def call_text(name, operands, params, every=False):
    """A step as a call: ``sum(v1, axis=(0,))``, its parameters given by name (those that are
    None or False only if ``every``)."""
    shown = [
        f"{key}={param_text(value, whole=every)}"
        for key, value in params.items()
        if every or (value is not None and value is not False)
    ]
    return f"{name}({', '.join([*operands, *shown])})"


def index_text(index):
    """An index as written inside brackets: ``0, 1:``."""
    parts = index if isinstance(index, tuple) else (index,)
    return ", ".join(
        _slice_text(part) if isinstance(part, slice) else param_text(part) for part in parts
    )


def _slice_text(part):
    parts = ["" if v is None else str(v) for v in (part.start, part.stop, part.step)]
    return ":".join(parts[:2] if part.step is None else parts)


def param_text(value, whole=False):
    """A parameter as written in a call: ``slice(1, 3, None)``, ``float32``, ``array(2, 3)``;
    cut after 24 characters unless ``whole``."""
    if isinstance(value, slice):
        return f"slice({value.start!r}, {value.stop!r}, {value.step!r})"
    if isinstance(value, tuple):
        inner = ", ".join(param_text(part, whole) for part in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, (np.dtype, type)):
        return np.dtype(value).name
    if isinstance(value, (np.ndarray, Tensor)):
        return f"array{tuple(value.shape)}"
    if value is Ellipsis:
        return "..."
    text = repr(value)
    return text if whole or len(text) <= 24 else text[:21] + "..."


__all__ = ["text", "constant_text", "literal", "call_text", "index_text", "param_text"]
