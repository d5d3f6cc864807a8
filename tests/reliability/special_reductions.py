"""Special-values table, ops of a vector: reductions, softmax and log_softmax, cross_entropy
and the norms, each at every pair [a, b] of special values (ties where a = b).

Same conventions as special_elementwise: long-double closed forms, limits written out where IEEE
arithmetic cannot reach them, chainrule's documented conventions at kinks and ties.
"""

from __future__ import annotations

import numpy as np

import chainrule as cr
from chainrule.nn import functional as F
from tests.reliability.special_elementwise import (
    L,
    LN2,
    Op,
    hypot_partial,
    logaddexp_share,
    ones,
    softplus,
    winner,
    zeros,
)


def pair(name, fn, value, jacobian, numpy=None):
    """An op of one vector [a, b]; ``jacobian(a, b)`` is ∂out/∂[a, b] as nested lists."""
    return Op(
        name,
        fn,
        lambda v: np.asarray(value(v[0], v[1]), dtype=L),
        lambda v: [np.asarray(jacobian(v[0], v[1]), dtype=L)],
        "pair",
        numpy,
    )


def _share(a, b, wins):
    return [winner(a, b, wins), winner(b, a, ~wins & (a != b))]


def _softmax(a, b):
    return [logaddexp_share(a, b), logaddexp_share(b, a)]


def _softmax_jacobian(a, b):
    s = _softmax(a, b)
    return [[s[0] * (1 - s[0]), -s[0] * s[1]], [-s[1] * s[0], s[1] * (1 - s[1])]]


def _log_softmax_jacobian(a, b):
    s = _softmax(a, b)
    return [[1 - s[0], -s[1]], [-s[0], 1 - s[1]]]


def _std_jacobian(a, b):
    half = np.sign(a - b) / 2  # 0 where a = b: the zero subgradient at a constant input
    return [half, -half]


def _norm_p(a, b, p):
    return (np.abs(a) ** p + np.abs(b) ** p) ** (1 / L(p))


def _norm_p_jacobian(a, b, p):
    n = _norm_p(a, b, p)
    safe = np.where(n == 0, 1, n)
    return [np.where(n == 0, 0, np.sign(x) * (np.abs(x) / safe) ** (p - 1)) for x in (a, b)]


def _largest_magnitude(a, b, largest):
    wins = np.abs(a) > np.abs(b) if largest else np.abs(a) < np.abs(b)
    shares = [
        winner(np.abs(a), np.abs(b), wins),
        winner(np.abs(b), np.abs(a), ~wins & (np.abs(a) != np.abs(b))),
    ]
    return [np.sign(a) * shares[0], np.sign(b) * shares[1]]


def _softplus_of_difference(a, b):
    # softplus(a − b); at the same infinity a − b is NaN, and the limit of the tie is log 2 (the
    # softmax shares it equally, chainrule's convention, as logaddexp's gradient).
    same_infinity = np.isinf(a) & (a == b)
    return np.where(same_infinity, LN2, softplus(a - b))


def _cross_entropy(label):
    def value(a, b):
        return _softplus_of_difference(b, a) if label == 0 else _softplus_of_difference(a, b)

    def jacobian(a, b):
        s = _softmax(a, b)
        return [s[0] - (label == 0), s[1] - (label == 1)]

    return value, jacobian


def _l2(a, b):
    return np.hypot(a, b)


def _l2_jacobian(a, b):
    return [hypot_partial(a, a, b), hypot_partial(b, a, b)]


PAIRS = [
    pair("sum", cr.sum, lambda a, b: a + b, lambda a, b: [ones(a), ones(b)], np.sum),
    pair(
        "mean",
        cr.mean,
        lambda a, b: a / 2 + b / 2,
        lambda a, b: [ones(a) / 2, ones(b) / 2],
        np.mean,
    ),
    pair("prod", cr.prod, lambda a, b: a * b, lambda a, b: [b, a], np.prod),
    pair("max", cr.max, lambda a, b: np.max([a, b]), lambda a, b: _share(a, b, a > b), np.max),
    pair("min", cr.min, lambda a, b: np.min([a, b]), lambda a, b: _share(a, b, a < b), np.min),
    pair(
        "var",
        cr.var,
        lambda a, b: (a - b) ** 2 / 4,
        lambda a, b: [(a - b) / 2, (b - a) / 2],
        np.var,
    ),
    pair("std", cr.std, lambda a, b: np.abs(a - b) / 2, _std_jacobian, np.std),
    pair("logsumexp", cr.logsumexp, np.logaddexp, _softmax),
    pair("cumsum", cr.cumsum, lambda a, b: [a, a + b], lambda a, b: [[1, 0], [1, 1]], np.cumsum),
    pair(
        "cumprod",
        cr.cumprod,
        lambda a, b: [a, a * b],
        lambda a, b: [[ones(a), zeros(a)], [b, a]],
        np.cumprod,
    ),
    pair("softmax", F.softmax, _softmax, _softmax_jacobian),
    pair(
        "log_softmax",
        F.log_softmax,
        lambda a, b: [-_softplus_of_difference(b, a), -_softplus_of_difference(a, b)],
        _log_softmax_jacobian,
    ),
    pair("cross_entropy label 0", lambda z: F.cross_entropy(z, np.array(0)), *_cross_entropy(0)),
    pair("cross_entropy label 1", lambda z: F.cross_entropy(z, np.array(1)), *_cross_entropy(1)),
    pair(
        "cross_entropy probabilities [1, 0]",
        lambda z: F.cross_entropy(z, np.array([1.0, 0.0], dtype=z.dtype)),
        *_cross_entropy(0),
    ),
    pair("norm", cr.linalg.norm, _l2, _l2_jacobian, np.linalg.norm),
    pair(
        "norm ord=1",
        lambda v: cr.linalg.norm(v, 1),
        lambda a, b: np.abs(a) + np.abs(b),
        lambda a, b: [np.sign(a), np.sign(b)],
        lambda v: np.linalg.norm(v, 1),
    ),
    pair(
        "norm ord=inf",
        lambda v: cr.linalg.norm(v, np.inf),
        lambda a, b: np.maximum(np.abs(a), np.abs(b)),
        lambda a, b: _largest_magnitude(a, b, True),
        lambda v: np.linalg.norm(v, np.inf),
    ),
    pair(
        "norm ord=-inf",
        lambda v: cr.linalg.norm(v, -np.inf),
        lambda a, b: np.minimum(np.abs(a), np.abs(b)),
        lambda a, b: _largest_magnitude(a, b, False),
        lambda v: np.linalg.norm(v, -np.inf),
    ),
    pair(
        "norm ord=3",
        lambda v: cr.linalg.norm(v, 3),
        lambda a, b: _norm_p(a, b, 3),
        lambda a, b: _norm_p_jacobian(a, b, 3),
        lambda v: np.linalg.norm(v, 3),
    ),
]
