"""More of NumPy for random programs: the triangular, orientation, sorting, stacking and
difference functions, each with parameters valid for the operand (the contract of ``propose``
and ``apply`` is in program_ops.py). PyTorch replays each one through torch_backend.py.
"""

from __future__ import annotations

import numpy as np

from tests.reliability.program_ops import MARGIN, OpKind
from tests.reliability.program_shapes import random_axis


def numpy_op(name, propose):
    return OpKind(name, 1, propose, lambda B, x, **params: getattr(B, name)(x, **params))


def at_least(ndim, propose):
    return lambda rng, x: propose(rng, x) if np.ndim(x) >= ndim and np.size(x) else None


def propose_triangle(rng, x):
    return {"k": int(rng.integers(-1, 2))}


def propose_diagonal(rng, x):
    axis1, axis2 = (int(a) for a in rng.choice(np.ndim(x), size=2, replace=False))
    return {"offset": int(rng.integers(-1, 2)), "axis1": axis1, "axis2": axis2}


def propose_rot90(rng, x):
    axes = tuple(int(a) for a in rng.choice(np.ndim(x), size=2, replace=False))
    return {"k": int(rng.integers(-2, 4)), "axes": axes}


def propose_sort(rng, x):
    axis = int(rng.integers(-np.ndim(x), np.ndim(x)))
    ordered = np.sort(np.moveaxis(np.asarray(x), axis, -1), axis=-1)
    if np.any(np.diff(ordered, axis=-1) < MARGIN):
        return None  # a tie: the order, and so the derivative, would jump under a nudge
    return {"axis": axis}


def propose_diff(rng, x):
    axis = int(rng.integers(-np.ndim(x), np.ndim(x)))
    return {"n": int(rng.integers(1, 3)), "axis": axis}


def propose_none(rng, x):
    return {}


def propose_append(rng, x, y):
    return {"axis": None}


def propose_kron(rng, x, y):
    return {} if np.size(x) * np.size(y) <= 24 else None


def propose_quantile(rng, x):
    axis = int(rng.integers(-np.ndim(x), np.ndim(x)))
    rows = np.sort(np.moveaxis(np.asarray(x), axis, -1), axis=-1)
    if rows.shape[-1] < 2 or np.any(np.diff(rows, axis=-1) < MARGIN):
        return None  # ties: the order statistics, and so the weights, would jump
    return {"q": float(rng.choice([0.25, 0.5, 0.9])), "axis": axis}


def propose_cross(rng, x):
    # x × a fixed vector: x needs 3-vectors on its last axis
    return {} if np.ndim(x) and np.shape(x)[-1] == 3 else None


def propose_matrix_power(rng, x):
    # The leading square block of the last two axes.
    shape = np.shape(x)
    if len(shape) < 2 or min(shape[-2:]) == 0:
        return None
    return {"n": int(rng.integers(0, 4)), "size": min(shape[-2:])} if np.all(
        np.abs(x) <= 2) else None


def propose_separated(rng, x, y):
    # fmax/fmin: away from ties, where each input gets half
    if np.shape(x) != np.shape(y) or np.any(np.abs(np.asarray(x) - np.asarray(y)) < MARGIN):
        return None
    return {}


NUMPY_MORE = [
    numpy_op("tril", at_least(2, propose_triangle)),
    numpy_op("triu", at_least(2, propose_triangle)),
    numpy_op("diagonal", at_least(2, propose_diagonal)),
    numpy_op("flipud", at_least(1, propose_none)),
    numpy_op("fliplr", at_least(2, propose_none)),
    numpy_op("rot90", at_least(2, propose_rot90)),
    numpy_op("sort", at_least(1, propose_sort)),
    numpy_op("diff", at_least(1, propose_diff)),
    numpy_op("sinc", propose_none),
    numpy_op("deg2rad", propose_none),
    OpKind("append", 2, propose_append, lambda B, x, y, axis: B.append(x, y, axis=axis)),
    OpKind("kron", 2, propose_kron, lambda B, x, y: B.kron(x, y)),
    OpKind("cross", 1, propose_cross, lambda B, x: B.cross(x, np.array([0.3, -1.2, 0.7]))),
    OpKind("fmax", 2, propose_separated, lambda B, x, y: B.fmax(x, y)),
    OpKind("logaddexp2", 2, lambda rng, x, y: {} if np.shape(x) == np.shape(y) else None,
           lambda B, x, y: B.logaddexp2(x, y)),
    numpy_op("quantile", at_least(1, propose_quantile)),
    OpKind("matrix_power", 1, propose_matrix_power,
           lambda B, x, n, size: B.matrix_power(x[..., :size, :size], n)),
]

__all__ = ["NUMPY_MORE", "random_axis"]
