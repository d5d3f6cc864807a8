"""Formula terms: symbolic values that the engine's own rules run on, so that each rule writes
out its formula. A term is a variable, an exact constant, or a primitive applied to terms, and
it carries its numbers at the points where the formula is read.
"""

from __future__ import annotations

import contextlib
import functools

import numpy as np

from chainrule.primitive import SYMBOLIC_TYPES
from chainrule.primitive import apply as apply_op
from chainrule.ops import contraction, indexing, reductions
from chainrule.ops import shape as shape_ops
from chainrule.ops.elementwise import arithmetic, comparison, piecewise


class Term:
    """A value in a formula: ``prim(*args, **params)``, or a leaf when ``prim`` is None.

    A leaf is a variable (``name``: ``v2``, ``x``, ``grad_out``) or an exact constant
    (``exact``: the text of a number as written, ``"0.1"``, or ``"pi"``). ``value`` holds the
    term's numbers at the points the formula is read at (one point for an explanation, many
    samples for a formula of all x), so that a rule's shape checks and its value-dependent
    choices see real values. Arguments that are not terms are plain constants.

    Chainrule ops take terms (``chainrule.primitive.apply`` hands them to :func:`apply`);
    NumPy refuses them, so that no rule silently computes on a term as if it were an array.
    """

    __slots__ = ("prim", "args", "params", "value", "name", "exact")
    __array_ufunc__ = None
    __hash__ = object.__hash__

    def __init__(self, prim, args, params, value, name=None, exact=None):
        self.prim = prim
        self.args = tuple(args)
        self.params = params
        self.value = value
        self.name = name
        self.exact = exact

    def __array__(self, dtype=None, copy=None):
        raise TypeError("a formula term is not an array: write the rule with chainrule ops")

    def __array_function__(self, func, types, args, kwargs):
        return NotImplemented

    def __bool__(self):
        raise TypeError(
            "a formula term is neither true nor false: the rule branches on a value in Python; "
            "write the choice with chainrule.where"
        )

    # The values a rule may read: the term's numbers, and their shape and dtype.
    @property
    def _data(self):
        return self.value

    @property
    def shape(self):
        return np.shape(self.value)

    @property
    def ndim(self):
        return np.ndim(self.value)

    @property
    def size(self):
        return int(np.size(self.value))

    @property
    def dtype(self):
        return np.asarray(self.value).dtype

    @property
    def T(self):
        return shape_ops.transpose(self)

    @property
    def mT(self):
        return shape_ops.swapaxes(self, -1, -2)

    def sum(self, axis=None, keepdims=False):
        return reductions.sum(self, axis=axis, keepdims=keepdims)

    def reshape(self, *new_shape):
        return shape_ops.reshape(self, new_shape[0] if len(new_shape) == 1 else new_shape)

    def astype(self, dtype):
        return arithmetic.astype(self, dtype)

    def broadcast_to(self, shape):
        return shape_ops.broadcast_to(self, shape)

    def __getitem__(self, index):
        return indexing.getitem(self, index)

    def __repr__(self):  # the formula's text is writing.text(term)
        what = self.name or self.exact or (self.prim.name if self.prim is not None else "")
        return f"<Term {what} of shape {self.shape}>"


# Python's operators on terms are chainrule's ops; a formula writes them back as operators.
OPERATORS = {
    "add": (arithmetic.add, "+"),
    "sub": (arithmetic.subtract, "-"),
    "mul": (arithmetic.multiply, "*"),
    "truediv": (arithmetic.divide, "/"),
    "pow": (arithmetic.power, "**"),
    "matmul": (contraction.matmul, "@"),
    "eq": (comparison.equal, "=="),
    "ne": (comparison.not_equal, "!="),
    "lt": (comparison.less, "<"),
    "le": (comparison.less_equal, "<="),
    "gt": (comparison.greater, ">"),
    "ge": (comparison.greater_equal, ">="),
    "and": (comparison.logical_and, "&"),
    "or": (comparison.logical_or, "|"),
    "xor": (comparison.logical_xor, "^"),
}
REFLECTED = ("add", "sub", "mul", "truediv", "pow", "matmul", "and", "or", "xor")
SYMBOLS = {op: symbol for op, symbol in OPERATORS.values()}


def _operator(prim, reflected):
    if reflected:
        return lambda self, other: apply(prim, (other, self), {})
    return lambda self, other: apply(prim, (self, other), {})


for _name, (_prim, _symbol) in OPERATORS.items():
    setattr(Term, f"__{_name}__", _operator(_prim, False))
    if _name in REFLECTED:
        setattr(Term, f"__r{_name}__", _operator(_prim, True))
Term.__neg__ = lambda self: apply(arithmetic.negative, (self,), {})
Term.__pos__ = lambda self: self
Term.__abs__ = lambda self: apply(arithmetic.abs, (self,), {})
Term.__invert__ = lambda self: apply(comparison.logical_not, (self,), {})


def variable(name, value):
    """A variable of the formula, named ``name``, with its numbers ``value``."""
    return Term(None, (), {}, value, name=name)


def exact_constant(text, value):
    """A constant written exactly (``"0.1"``, ``"pi"``), whose float is ``value``."""
    return Term(None, (), {}, value, exact=text)


def value_of(x):
    """A term's numbers, or a plain constant itself."""
    return x.value if type(x) is Term else x


def is_term(x):
    return type(x) is Term


def in_order(root):
    """The terms under ``root`` (itself included), each after its arguments; iterative, since
    formulas can be deep."""
    order, seen, todo = [], set(), [(root, False)]
    while todo:
        term, ready = todo.pop()
        if ready:
            order.append(term)
        elif is_term(term) and id(term) not in seen:
            seen.add(id(term))
            todo.append((term, True))
            todo.extend((arg, False) for arg in reversed(term.args))
    return order


def leaves(root):
    """The variables and exact constants ``root`` is made of."""
    return [term for term in in_order(root) if term.prim is None]


class Settling:
    """How comparisons inside rules are read: ``for_all`` is False while a formula is read at
    one point (an explanation), True while it stands for every x (a derivative formula)."""

    for_all = False


settling = Settling()


@contextlib.contextmanager
def for_all_points():
    """Read comparisons as standing for every x while the block runs (see :func:`settle`)."""
    before, settling.for_all = settling.for_all, True
    try:
        yield
    finally:
        settling.for_all = before


def apply(prim, args, params):
    """``prim`` applied to arguments of which some are terms: a new term.

    Its numbers come from the op's own forward on the arguments' numbers. A comparison that
    comes out the same at every point, none of them on its boundary, is settled to its value;
    identities that change nothing (x·1, x + 0, a where with a known condition) are tidied away.
    """
    with np.errstate(all="ignore"):
        value = apply_op(prim, *[value_of(arg) for arg in args], **params)
    term = Term(prim, args, params, value)
    if prim.vjps is None and np.asarray(value).dtype == bool:
        return settle(term)
    return tidy(term)


def settle(term):
    """A comparison's value where it holds the same way around every point, else the term.

    Around one point, a comparison whose sides differ there holds nearby too: x > 0 at x = 2.
    Where the sides are equal (a kink, a tie) it stays, so the formula shows the rule's case.
    For every x, an equality (x == y) is never settled: samples do not meet ties.
    """
    value = np.asarray(term.value)
    if value.size == 0 or (value.any() and not value.all()):
        return term
    if any(is_term(arg) and arg.dtype == bool for arg in term.args):
        return tidy(term)  # it combines a condition that stays: so does it
    sides = [np.asarray(value_of(arg)) for arg in term.args]
    if len(sides) == 2 and all(side.dtype.kind in "iuf" for side in sides):
        if np.any(sides[0] == sides[1]):
            return term
        if settling.for_all and _is_equality(term.prim):
            return term
    return term.value


@functools.cache
def _is_equality(prim):
    # An equality comes out the same on both sides of its boundary; an order does not.
    return bool(prim.forward(0.0, 1.0) == prim.forward(1.0, 0.0))


# --- identities that tidy a term as it is built: x·1, x + 0, x and True, a where with a known
# condition. Each keeps the term's numbers, shape and dtype; none is calculus.


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



SYMBOLIC_TYPES[Term] = apply

__all__ = [
    "Term",
    "variable",
    "exact_constant",
    "value_of",
    "is_term",
    "in_order",
    "leaves",
    "for_all_points",
    "apply",
    "settle",
    "tidy",
    "settling",
    "SYMBOLS",
]
