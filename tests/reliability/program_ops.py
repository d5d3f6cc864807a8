"""The ops a random program draws from, each with the domain it may be applied in.

An op is picked by domain: ``propose(rng, *values)`` looks at the actual operand values and
returns the static parameters, or None when the values lie outside the op's domain or too close
to one of its kinks (finite differences are wrong there). ``apply(B, *values, **params)`` runs
the op with the functions of a backend ``B`` that carries NumPy's names: chainrule itself here,
PyTorch in test_against_torch.py, so that one program is one list of steps for both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

MARGIN = 0.05  # the least distance kept to a kink, a tie or a domain edge


@dataclass(frozen=True)
class OpKind:
    name: str
    arity: int
    propose: Callable
    apply: Callable


def unary(name, guard=lambda x: True, apply=None):
    return OpKind(
        name,
        1,
        lambda rng, x: {} if guard(x) else None,
        apply or (lambda B, x: getattr(B, name)(x)),
    )


def binary(name, guard=lambda x, y: True):
    def propose(rng, x, y):
        if not broadcastable(x, y) or hides_values(x, y):
            return None
        return {} if guard(*np.broadcast_arrays(x, y)) else None

    return OpKind(name, 2, propose, lambda B, x, y: getattr(B, name)(x, y))


def broadcastable(*values):
    try:
        np.broadcast_shapes(*(np.shape(v) for v in values))
    except ValueError:
        return False
    return True


def hides_values(*values):
    """Whether broadcasting to an empty result hides entries from the guard (see
    test_found_bugs.py: a zero divisor still warns there)."""
    shape = np.broadcast_shapes(*(np.shape(v) for v in values))
    return np.prod(shape) == 0 and any(np.size(v) for v in values)


def within(bound):
    return lambda x: np.all(np.abs(x) <= bound)


def above(low):
    return lambda x: np.all(x >= low)


def clear_of(*points):
    return lambda x: all(np.all(np.abs(x - p) >= MARGIN) for p in points)


UNARY = [
    unary("negative"),
    unary("sin"),
    unary("cos"),
    unary("tanh"),
    unary("arctan"),
    unary("sigmoid"),
    unary("erf"),
    unary("arcsinh"),
    unary("erfc"),
    unary("exp", within(3.0)),
    unary("expm1", within(3.0)),
    unary("exp2", within(3.0)),
    unary("sinh", within(3.0)),
    unary("cosh", within(3.0)),
    unary("tan", within(1.2)),
    unary("log", above(0.2)),
    unary("log2", above(0.2)),
    unary("log10", above(0.2)),
    unary("log1p", above(-0.7)),
    unary("sqrt", above(0.2)),
    unary("arccosh", above(1.2)),
    unary("arcsin", within(0.85)),
    unary("arccos", within(0.85)),
    unary("arctanh", within(0.85)),
    unary("reciprocal", lambda x: np.all(np.abs(x) >= 0.3)),
    unary("cbrt", lambda x: np.all(np.abs(x) >= 0.2)),
    unary("square", within(10.0)),
    unary("abs", clear_of(0.0)),
    unary("relu", clear_of(0.0)),
    unary("sign", clear_of(0.0)),
    unary("gelu"),
    unary("cube", within(5.0), lambda B, x: x**3),
    unary("power 1.5", above(0.2), lambda B, x: x**1.5),
    unary("exp2 of x", within(4.0), lambda B, x: 2.0**x),
    unary("affine", apply=lambda B, x: 0.5 - 0.7 * x),
    unary("clip", clear_of(-1.0, 1.0), lambda B, x: B.clip(x, -1.0, 1.0)),
]

PARAMETRIC = [
    OpKind(
        "leaky_relu",
        1,
        lambda rng, x: {"negative_slope": 0.1} if clear_of(0.0)(x) else None,
        lambda B, x, negative_slope: B.leaky_relu(x, negative_slope),
    ),
    OpKind(
        "elu",
        1,
        lambda rng, x: {"alpha": 0.7} if clear_of(0.0)(x) else None,
        lambda B, x, alpha: B.elu(x, alpha),
    ),
    OpKind(
        "softplus",
        1,
        lambda rng, x: {"beta": float(rng.choice([0.5, 1.0, 2.0]))},
        lambda B, x, beta: B.softplus(x, beta),
    ),
    OpKind("gelu tanh", 1, lambda rng, x: {}, lambda B, x: B.gelu(x, approximate="tanh")),
]

BINARY = [
    binary("add"),
    binary("subtract"),
    binary("logaddexp"),
    binary("multiply", lambda x, y: np.all(np.abs(x * y) <= 1e3)),
    binary("divide", lambda x, y: np.all(np.abs(y) >= 0.3)),
    binary("maximum", lambda x, y: np.all(np.abs(x - y) >= MARGIN)),
    binary("minimum", lambda x, y: np.all(np.abs(x - y) >= MARGIN)),
    binary("hypot", lambda x, y: np.all(np.hypot(x, y) >= 0.2)),
    binary("arctan2", lambda x, y: np.all(np.hypot(x, y) >= 0.2)),
    binary(
        "power", lambda x, y: np.all(x >= 0.2) and np.all(np.abs(y) <= 3) and np.all(x**y <= 1e3)
    ),
]


def propose_where(rng, x, y):
    if not broadcastable(x, y):
        return None
    shape = np.broadcast_shapes(np.shape(x), np.shape(y))
    return {"condition": rng.random(shape) < 0.5}


def propose_matmul(rng, x, y):
    if np.ndim(x) == 0 or np.ndim(y) == 0:
        return None
    inner = np.shape(y)[0] if np.ndim(y) == 1 else np.shape(y)[-2]
    if np.shape(x)[-1] != inner:
        return None
    try:
        out = np.matmul(x, y)
    except ValueError:
        return None
    return {} if np.all(np.abs(out) <= 1e3) else None


def same_shape_but(x, y, axis):
    return np.ndim(x) == np.ndim(y) and all(
        a == b for i, (a, b) in enumerate(zip(np.shape(x), np.shape(y))) if i != axis
    )


def propose_concatenate(rng, x, y):
    if np.ndim(x) == 0:
        return None
    axis = int(rng.integers(-np.ndim(x), np.ndim(x)))
    return {"axis": axis} if same_shape_but(x, y, axis % np.ndim(x)) else None


def propose_stack(rng, x, y):
    if np.shape(x) != np.shape(y):
        return None
    return {"axis": int(rng.integers(-np.ndim(x) - 1, np.ndim(x) + 1))}


def propose_array_of_lists(rng, x, y):
    if np.shape(x) != np.shape(y):
        return None
    return {"nested": bool(rng.integers(2))}


JOINING = [
    OpKind("where", 2, propose_where, lambda B, x, y, condition: B.where(condition, x, y)),
    OpKind("matmul", 2, propose_matmul, lambda B, x, y: B.matmul(x, y)),
    OpKind(
        "concatenate",
        2,
        propose_concatenate,
        lambda B, x, y, axis: B.concatenate([x, y], axis=axis),
    ),
    OpKind("stack", 2, propose_stack, lambda B, x, y, axis: B.stack([x, y], axis=axis)),
    # Arrays written as (nested) lists of values, read as NumPy reads them: the conversion path
    # of cr.array and chainrule.numpy.array (a list of tensors becomes one stacked tensor).
    OpKind("array_of_lists", 2, propose_array_of_lists,
           lambda B, x, y, nested: B.array([[x, y], [y, x]] if nested else [x, y])),
]

__all__ = ["BINARY", "JOINING", "MARGIN", "OpKind", "PARAMETRIC", "UNARY", "broadcastable"]
