"""PyTorch under NumPy's names and signatures: the backend that replays a random program.

Only what program_ops.py and program_shapes.py call is here. Reductions over several axes
move them last and flatten them into one, which every torch reduction accepts.
"""

from __future__ import annotations

import numpy as np
import pytest

# Collected for doctests too: without PyTorch the module skips instead of failing to import.
torch = pytest.importorskip("torch")
F = torch.nn.functional

RENAMED = {
    "negative": torch.neg,
    "arcsin": torch.asin,
    "arccos": torch.acos,
    "arctan": torch.atan,
    "arcsinh": torch.asinh,
    "arccosh": torch.acosh,
    "arctanh": torch.atanh,
    "subtract": torch.sub,
    "multiply": torch.mul,
    "divide": torch.div,
    "power": torch.pow,
    "arctan2": torch.atan2,
    "clip": torch.clamp,
}
REDUCERS = {
    "sum": lambda t: t.sum(-1),
    "mean": lambda t: t.mean(-1),
    "prod": lambda t: t.prod(-1),
    "max": lambda t: t.amax(-1),
    "min": lambda t: t.amin(-1),
    "logsumexp": lambda t: torch.logsumexp(t, -1),
}


def normalized(axis, ndim):
    axes = range(ndim) if axis is None else (axis,) if isinstance(axis, int) else axis
    return tuple(a % ndim for a in axes)


def reduce(reducer, x, axis, keepdims):
    axes = normalized(axis, x.ndim)
    kept = [a for a in range(x.ndim) if a not in axes]
    length = int(np.prod([x.shape[a] for a in axes]))
    rows = x.permute(tuple(kept) + axes).reshape(*(x.shape[a] for a in kept), length)
    out = reducer(rows)
    if keepdims:
        out = out.reshape([1 if a in axes else side for a, side in enumerate(x.shape)])
    return out


class Torch:
    """torch, called the way a program calls chainrule."""

    def __getattr__(self, name):
        if name in RENAMED:
            return RENAMED[name]
        if name in REDUCERS:
            return lambda x, axis=None, keepdims=False: reduce(REDUCERS[name], x, axis, keepdims)
        return getattr(torch, name)

    @staticmethod
    def tril(x, k):
        return torch.tril(x, k)

    @staticmethod
    def triu(x, k):
        return torch.triu(x, k)

    @staticmethod
    def diagonal(x, offset, axis1, axis2):
        return torch.diagonal(x, offset, axis1, axis2)

    @staticmethod
    def flipud(x):
        return torch.flip(x, (0,))

    @staticmethod
    def fliplr(x):
        return torch.flip(x, (1,))

    @staticmethod
    def rot90(x, k, axes):
        return torch.rot90(x, k, axes)

    @staticmethod
    def sort(x, axis):
        return torch.sort(x, axis).values

    @staticmethod
    def diff(x, n, axis):
        return torch.diff(x, n, axis)

    @staticmethod
    def sinc(x):
        return torch.sinc(x)

    @staticmethod
    def deg2rad(x):
        return torch.deg2rad(x)

    @staticmethod
    def append(x, y, axis):
        return torch.cat([x.reshape(-1), y.reshape(-1)])

    @staticmethod
    def kron(x, y):
        return torch.kron(x, y)

    @staticmethod
    def cross(x, y):
        y = torch.from_numpy(y) if isinstance(y, np.ndarray) else y
        return torch.linalg.cross(*torch.broadcast_tensors(x, y))

    @staticmethod
    def fmax(x, y):
        return torch.fmax(x, y)

    @staticmethod
    def logaddexp2(x, y):
        return torch.logaddexp2(x, y)

    @staticmethod
    def quantile(x, q, axis):
        return torch.quantile(x, q, dim=axis)

    @staticmethod
    def matrix_power(x, n):
        return torch.linalg.matrix_power(x, n)

    @staticmethod
    def array(nested):
        # A (nested) list of same-shape tensors, stacked level by level as NumPy reads it.
        if isinstance(nested, list):
            return torch.stack([Torch.array(part) for part in nested])
        return nested

    @staticmethod
    def cbrt(x):
        return torch.sign(x) * torch.abs(x) ** (1 / 3)

    @staticmethod
    def var(x, axis=None, keepdims=False, ddof=0):
        return reduce(lambda t: torch.var(t, -1, correction=ddof), x, axis, keepdims)

    @staticmethod
    def std(x, axis=None, keepdims=False, ddof=0):
        return reduce(lambda t: torch.std(t, -1, correction=ddof), x, axis, keepdims)

    @staticmethod
    def cumsum(x, axis=None):
        return torch.cumsum(x.reshape(-1), 0) if axis is None else torch.cumsum(x, axis)

    @staticmethod
    def cumprod(x, axis=None):
        return torch.cumprod(x.reshape(-1), 0) if axis is None else torch.cumprod(x, axis)

    @staticmethod
    def softmax(x, axis):
        return torch.softmax(x, axis)

    @staticmethod
    def log_softmax(x, axis):
        return torch.log_softmax(x, axis)

    @staticmethod
    def leaky_relu(x, negative_slope):
        return F.leaky_relu(x, negative_slope)

    @staticmethod
    def elu(x, alpha):
        return F.elu(x, alpha)

    @staticmethod
    def softplus(x, beta):
        # torch switches to x where beta·x > threshold; 30 keeps that switch below rounding.
        return F.softplus(x, beta=beta, threshold=30.0)

    @staticmethod
    def gelu(x, approximate="none"):
        return F.gelu(x, approximate=approximate)

    @staticmethod
    def where(condition, x, y):
        return torch.where(torch.from_numpy(np.asarray(condition)), x, y)

    @staticmethod
    def transpose(x, axes):
        return x.permute(tuple(axes))

    @staticmethod
    def reshape(x, shape):
        return x.reshape(shape)

    @staticmethod
    def expand_dims(x, axis):
        return x.reshape(np.expand_dims(np.empty(tuple(x.shape)), axis).shape)

    @staticmethod
    def squeeze(x, axis):
        return x.reshape(np.squeeze(np.empty(tuple(x.shape)), axis).shape)

    @staticmethod
    def flip(x, axis):
        return torch.flip(x, normalized(axis, x.ndim))

    @staticmethod
    def roll(x, shift, axis):
        return torch.roll(x, shift) if axis is None else torch.roll(x, shift, axis)

    @staticmethod
    def getitem(x, index):
        return x[index]

    @staticmethod
    def take(x, indices, axis):
        flat = x.reshape(-1) if axis is None else x
        side = flat.shape[0 if axis is None else axis]
        rows = torch.as_tensor(np.asarray(indices) % side)
        return torch.index_select(flat, 0 if axis is None else axis, rows)

    @staticmethod
    def repeat(x, repeats, axis):
        if axis is None:
            return torch.repeat_interleave(x.reshape(-1), repeats)
        return torch.repeat_interleave(x, repeats, dim=axis)

    @staticmethod
    def pad(x, pad_width):
        return F.pad(x, [w for pair in reversed(pad_width) for w in pair])

    @staticmethod
    def stack(xs, axis):
        return torch.stack(xs, axis)

    @staticmethod
    def concatenate(xs, axis):
        return torch.cat(xs, axis)

    @staticmethod
    def broadcast_to(x, shape):
        return torch.broadcast_to(x, shape)

    @staticmethod
    def tile(x, reps):
        return torch.tile(x, reps)


TORCH = Torch()


def to_numpy(t):
    """A tensor's values as an array; torch's symbolic zero gradients included."""
    t = t.detach()
    return np.zeros(tuple(t.shape)) if t._is_zerotensor() else t.numpy()


__all__ = ["TORCH", "Torch", "to_numpy"]
