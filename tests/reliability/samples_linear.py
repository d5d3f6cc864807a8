"""Sample strategies for contractions (matmul ... einsum), linear algebra and nn.functional.

Matrices that are inverted or factored are kept well-conditioned (a dominant diagonal) or
positive-definite; norms stay away from the zero vector and from ties in |x|.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import chainrule as cr
from tests.reliability.strategies import (
    ANYWHERE,
    AWAY_FROM_ZERO,
    Distinct,
    Interval,
    Sample,
    broadcast_shapes,
    shapes,
    spell,
)

SIDE = st.integers(0, 3)


def two(name, fn, x_shape, y_shape, call=None):
    @st.composite
    def sample(draw):
        x, y = draw(ANYWHERE.arrays(x_shape)), draw(ANYWHERE.arrays(y_shape))
        return Sample(name, fn, (x, y), call or spell(name, "x", "y"))

    return sample()


@st.composite
def matmul_sample(draw):
    n, k, m = draw(SIDE), draw(SIDE), draw(SIDE)
    x_batch, y_batch = draw(broadcast_shapes(max_dims=2, min_side=1))
    kind = draw(st.sampled_from(["matrices", "vector @ matrix", "matrix @ vector", "vectors"]))
    x_shape = (k,) if kind in ("vector @ matrix", "vectors") else (*x_batch, n, k)
    y_shape = (k,) if kind in ("matrix @ vector", "vectors") else (*y_batch, k, m)
    return draw(two("matmul", cr.matmul, x_shape, y_shape))


@st.composite
def dot_sample(draw):
    n, k, m = draw(SIDE), draw(SIDE), draw(SIDE)
    x_shape, y_shape = draw(
        st.sampled_from(
            [
                ((k,), (k,)),
                ((n, k), (k, m)),
                ((n, k), (k,)),
                ((), (n, m)),
                ((n, k), (2, k, m)),
            ]
        )
    )
    return draw(two("dot", cr.dot, x_shape, y_shape))


@st.composite
def contraction_sample(draw, name):
    """vdot, inner, outer and tensordot on shapes they accept."""
    if name == "vdot":
        shape = draw(shapes(max_dims=2))
        return draw(two("vdot", cr.vdot, shape, shape[::-1]))
    if name == "outer":
        return draw(two("outer", cr.outer, draw(shapes(max_dims=2)), draw(shapes(max_dims=1))))
    if name == "inner":
        k = draw(SIDE)
        lead_x, lead_y = draw(shapes(max_dims=1)), draw(shapes(max_dims=1))
        return draw(two("inner", cr.inner, (*lead_x, k), (*lead_y, k)))
    common = draw(shapes(max_dims=2, max_side=2))
    x_lead, y_tail = draw(shapes(max_dims=1)), draw(shapes(max_dims=1))
    axes = len(common)
    return draw(
        two(
            "tensordot",
            lambda x, y: cr.tensordot(x, y, axes=axes),
            (*x_lead, *common),
            (*common, *y_tail),
            f"tensordot(x, y, axes={axes})",
        )
    )


@st.composite
def einsum_sample(draw):
    """Random subscripts: repeated letters (diagonals), sums, outer products, 1 to 3 operands."""
    sizes = {letter: draw(st.integers(0, 2)) for letter in "ijkl"}
    operands = draw(st.lists(st.lists(st.sampled_from("ijkl"), max_size=3), min_size=1, max_size=3))
    used = sorted({letter for term in operands for letter in term})
    output = draw(
        st.permutations(used).flatmap(
            lambda p: st.integers(0, len(p)).map(lambda cut: "".join(p[:cut]))
        )
    )
    spec = ",".join("".join(term) for term in operands) + "->" + output
    xs = tuple(draw(ANYWHERE.arrays(tuple(sizes[c] for c in term))) for term in operands)
    return Sample("einsum", lambda *xs: cr.einsum(spec, *xs), xs, f"einsum({spec!r}, ...)")


@st.composite
def trace_sample(draw):
    shape = draw(shapes(min_dims=2))
    n = len(shape)
    axis1, axis2 = draw(st.permutations(range(n)).map(lambda p: p[:2]))
    offset = draw(st.integers(-2, 2))
    x = draw(ANYWHERE.arrays(shape))
    return Sample(
        "trace",
        lambda x: cr.trace(x, offset, axis1, axis2),
        (x,),
        spell("trace", "x", offset=offset, axis1=axis1, axis2=axis2),
        linear=True,
    )


def well_conditioned(n, batch=()):
    """A dominant diagonal: |entries| ≤ 0.5/n off it, 2 on it; far from singular."""
    return hnp.arrays(np.float64, (*batch, n, n), elements=st.floats(-0.5, 0.5)).map(
        lambda a: a / max(n, 1) + 2 * np.eye(n)
    )


def distinct_spectrum(n, batch=()):
    """diag(1, ..., n) moved by at most 0.05 an entry: eigen- and singular values stay apart."""
    return hnp.arrays(np.float64, (*batch, n, n), elements=st.floats(-0.5, 0.5)).map(
        lambda a: 0.1 * a + np.diag(np.arange(1.0, n + 1))
    )


@st.composite
def linalg_sample(draw, name):
    n, batch = draw(st.integers(1, 3)), draw(shapes(max_dims=1, max_side=2))
    if name == "norm":
        return draw(norm_sample())
    a = draw((distinct_spectrum if name in ("eigvalsh", "svdvals") else well_conditioned)(n, batch))
    if name == "solve":
        b = draw(ANYWHERE.arrays((n,) if draw(st.booleans()) else (*batch, n, draw(SIDE))))
        return Sample("solve", cr.linalg.solve, (a, b), "linalg.solve(a, b)")
    if name == "lstsq":  # one matrix (lstsq has no batch), tall: m = n + 1 rows
        a = draw(well_conditioned(n + 1))[:, :n]
        b = draw(ANYWHERE.arrays((n + 1,) if draw(st.booleans()) else (n + 1, draw(SIDE))))
        return Sample("lstsq", lambda a, b: cr.linalg.lstsq(a, b)[0], (a, b),
                      "linalg.lstsq(a, b)[0]")
    functions = {
        "inv": cr.linalg.inv,
        "det": cr.linalg.det,
        "logabsdet": lambda a: cr.linalg.slogdet(a)[1],
        # a·aᵀ is symmetric positive-definite for every a, so finite differences stay valid.
        "cholesky": lambda a: cr.linalg.cholesky((a @ cr.swapaxes(a, -1, -2))),
        "eigvalsh": lambda a: cr.linalg.eigvalsh((a + cr.swapaxes(a, -1, -2)) * 0.5),
        "svdvals": cr.linalg.svdvals,
        "pinv": cr.linalg.pinv,
        # Squares: LAPACK's signs jump where a column is zero below the diagonal (a = 2·I).
        "qr": lambda a: cr.linalg.qr(a).Q ** 2 + cr.linalg.qr(a).R ** 2,
        "matrix_power": lambda a: cr.linalg.matrix_power(a, -3),
    }
    return Sample(name, functions[name], (a,), f"linalg.{name}(a)")


@st.composite
def norm_sample(draw):
    ord_ = draw(st.sampled_from([None, 1, 2, np.inf, -np.inf, 3, "fro"]))
    if ord_ == "fro":
        x = draw(AWAY_FROM_ZERO.arrays(draw(shapes(min_dims=2, max_dims=2, min_side=1))))
    else:
        domain = Distinct(low=0.3) if ord_ in (np.inf, -np.inf) else AWAY_FROM_ZERO
        x = draw(domain.arrays(draw(shapes(min_dims=1, max_dims=1, min_side=1))))
        if ord_ in (np.inf, -np.inf):
            x = x * np.where(np.arange(x.size) % 2 == 0, 1.0, -1.0)
    return Sample("norm", lambda x: cr.linalg.norm(x, ord_), (x,), f"linalg.norm(x, {ord_!r})")


@st.composite
def softmax_sample(draw, name):
    from chainrule.nn import functional as F

    shape = draw(shapes())
    axis = draw(st.integers(-len(shape), len(shape) - 1)) if shape else -1
    fn = getattr(F, name)
    x = draw(Interval(-5.0, 5.0).arrays(shape))
    return Sample(name, lambda x: fn(x, axis=axis), (x,), spell(name, "x", axis=axis))


@st.composite
def cross_entropy_sample(draw):
    from chainrule.nn import functional as F

    classes, batch = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    shape = draw(st.sampled_from([(classes,), (batch, classes), (batch, classes, 2)]))
    reduction = draw(st.sampled_from(["mean", "sum", "none"]))
    x = draw(Interval(-4.0, 4.0).arrays(shape))
    target_shape = shape[:1] + shape[2:] if len(shape) > 1 else ()
    if draw(st.booleans()):
        labels = np.asarray(
            draw(hnp.arrays(np.int64, target_shape, elements=st.integers(0, classes - 1)))
        )
        call = f"cross_entropy(x, labels={labels.tolist()}, reduction={reduction!r})"
        return Sample(
            "cross_entropy", lambda x: F.cross_entropy(x, labels, reduction=reduction), (x,), call
        )
    weights = draw(Interval(0.1, 1.0).arrays(shape))
    probabilities = weights / weights.sum(axis=1 if len(shape) > 1 else 0, keepdims=True)
    call = f"cross_entropy(x, probabilities, reduction={reduction!r})"
    return Sample(
        "cross_entropy",
        lambda x, p: F.cross_entropy(x, p, reduction=reduction),
        (x, probabilities),
        call,
    )


@st.composite
def loss_sample(draw, name):
    """nll_loss, binary_cross_entropy_with_logits and mse_loss, each reduction."""
    from chainrule.nn import functional as F

    reduction = draw(st.sampled_from(["mean", "sum", "none"]))
    batch, classes = draw(st.integers(1, 3)), draw(st.integers(1, 4))
    fn = getattr(F, name)
    call = f"{name}(x, target, reduction={reduction!r})"
    if name == "nll_loss":
        x = draw(Interval(-4.0, 0.0).arrays((batch, classes)))
        labels = np.array(
            draw(st.lists(st.integers(0, classes - 1), min_size=batch, max_size=batch))
        )
        return Sample(name, lambda x: fn(x, labels, reduction=reduction), (x,), call)
    # The mean of nothing is NaN (0/0): a mean loss gets at least one entry.
    shape = draw(shapes(max_dims=2, min_side=1 if reduction == "mean" else 0))
    x = draw(Interval(-4.0, 4.0).arrays(shape))
    target = draw((Interval(0.0, 1.0) if name != "mse_loss" else ANYWHERE).arrays(shape))
    return Sample(name, lambda x, t: fn(x, t, reduction=reduction), (x, target), call)


CONTRACTIONS = ["vdot", "inner", "outer", "tensordot"]
LINALG = [
    "inv", "det", "logabsdet", "solve", "cholesky", "norm", "eigvalsh", "svdvals", "pinv", "qr",
    "lstsq", "matrix_power",
]
LOSSES = ["nll_loss", "binary_cross_entropy_with_logits", "mse_loss"]


def linear_samples():
    """{label: strategy of Sample} for contractions, linear algebra and nn.functional."""
    samples = {
        "matmul": matmul_sample(),
        "dot": dot_sample(),
        "einsum": einsum_sample(),
        "trace": trace_sample(),
        "softmax": softmax_sample("softmax"),
        "log_softmax": softmax_sample("log_softmax"),
        "cross_entropy": cross_entropy_sample(),
    }
    samples.update({name: contraction_sample(name) for name in CONTRACTIONS})
    samples.update({f"linalg.{name}": linalg_sample(name) for name in LINALG})
    samples.update({name: loss_sample(name) for name in LOSSES})
    return samples


__all__ = ["linear_samples"]
