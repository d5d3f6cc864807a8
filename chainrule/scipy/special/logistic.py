"""The logistic family and soft maxima: expit (chainrule's sigmoid), logit, log_expit, and
logsumexp, softmax and log_softmax over SciPy's axes (None: all of them), logsumexp also with
SciPy's weights ``b`` and ``return_sign``.
"""

from __future__ import annotations

import numpy as np
from scipy import special as scipy_special

from chainrule.ops import reductions, shape, statistics
from chainrule.ops.elementwise import comparison, piecewise
from chainrule.ops.elementwise.exponential import exp
from chainrule.ops.elementwise.exponential import sigmoid as expit
from chainrule.ops.nn import softmax as normalized
from chainrule.primitive import elementwise, multiple_outputs

logit = elementwise(
    "logit", scipy_special.logit, lambda x, out: 1 / (x * (1 - x)),
    symbolic="log(x/(1 - x))",
    doc="""log(p/(1 − p)), the inverse of expit, as ``scipy.special.logit``; its derivative is
    1/(p(1 − p)).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> special.logit(cr.tensor([0.5, 0.75]))
        tensor([0.        , 1.09861229])
    """,
)

log_expit = elementwise(
    "log_expit", scipy_special.log_expit, lambda x, out: expit(-x),
    symbolic="-log(1 + exp(-x))",
    doc="""log σ(x), accurate where σ(x) underflows, as ``scipy.special.log_expit``; its
    derivative is σ(−x).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> special.log_expit(cr.tensor([0.0, -1000.0]))
        tensor([-6.93147181e-01, -1.00000000e+03])
    """,
)


def _weighted_logsumexp(a, b, axis, keepdims):
    return scipy_special.logsumexp(a, axis=axis, b=b, keepdims=keepdims, return_sign=True)


def _full_shape(a, b):
    return np.broadcast_shapes(shape.shape_of(a), () if b is None else shape.shape_of(b))


def _share(outs, a, b, axis, keepdims):
    # ∂ log|Σ b·eᵃ| / ∂b = sign·e^(a − out), the weights of a signed softmax; the sign is constant.
    full = _full_shape(a, b)
    out, sign = (reductions.restore_axes(o, full, axis, keepdims) for o in outs)
    return exp(a - out) * sign


def _times_weight(share, b):
    # A zero weight takes its entry out of the sum, whatever a is there (inf or NaN too): its
    # derivative in a is 0, never 0·inf.
    if b is None:
        return share
    return piecewise.where(comparison.equal(b, 0), 0, share) * b


def _vjp_a(grad_outs, outs, a, b, axis, keepdims):
    grad_out = reductions.restore_axes(grad_outs[0], _full_shape(a, b), axis, keepdims)
    return grad_out * _times_weight(_share(outs, a, b, axis, keepdims), b)


def _vjp_b(grad_outs, outs, a, b, axis, keepdims):
    grad_out = reductions.restore_axes(grad_outs[0], _full_shape(a, b), axis, keepdims)
    return grad_out * _share(outs, a, b, axis, keepdims)


def _jvp_a(a_dot, outs, a, b, axis, keepdims):
    share = _times_weight(_share(outs, a, b, axis, keepdims), b)
    return reductions.sum(a_dot * share, axis=axis, keepdims=keepdims), None


def _jvp_b(b_dot, outs, a, b, axis, keepdims):
    share = _share(outs, a, b, axis, keepdims)
    return reductions.sum(b_dot * share, axis=axis, keepdims=keepdims), None


# One SciPy call gives log|Σ b·eᵃ| and its sign; the sign carries no derivative.
_weighted_logsumexp_op = multiple_outputs(
    "weighted_logsumexp", _weighted_logsumexp, ("out", "sign"),
    vjp=(_vjp_a, _vjp_b), jvp=(_jvp_a, _jvp_b), inputs=("a", "b"), no_derivative=("sign",),
)


def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False):
    """log Σ b·exp(a) over ``axis`` (all axes by default), without overflow, as
    ``scipy.special.logsumexp``.

    Without ``b`` and ``return_sign`` this is chainrule's :func:`chainrule.logsumexp`
    (its gradient is softmax(a)). With weights ``b`` (broadcast against ``a``; a zero weight
    drops its entry, even an infinite one) the values are SciPy's, and both ``a`` and ``b`` are
    differentiable: ∂/∂bᵢ = s·e^(aᵢ − out), ∂/∂aᵢ = bᵢ·s·e^(aᵢ − out), with s the sign of the
    sum. ``return_sign=True`` returns (log|Σ b·eᵃ|, sign); the sign has no derivative. Without
    it a negative sum gives NaN, as SciPy, with a zero derivative (a constant).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> special.logsumexp(cr.tensor([1.0, 2.0]), b=cr.tensor([1.0, -1.0]), return_sign=True)
        (tensor(1.54132485), tensor(-1.))
    """
    if b is None and not return_sign:
        return statistics.logsumexp(a, axis=axis, keepdims=keepdims)
    ndim = len(_full_shape(a, b))
    axes = None if axis is None else reductions.normalize_axes(axis, ndim, "logsumexp")
    out, sign = _weighted_logsumexp_op(a, b, axis=axes, keepdims=keepdims)
    if return_sign:
        return out, sign
    # SciPy's log of a negative sum is NaN; it is a constant here, so that a NaN reaches no
    # other slice's gradient through 0·NaN.
    return piecewise.where(comparison.less(sign, 0), np.nan, out)


def _over_axes(normalize, x, axis):
    # SciPy normalizes over any axes (None: all): they are moved last and flattened into one.
    x_shape = shape.shape_of(x)
    if axis is None:
        return shape.reshape(normalize(shape.reshape(x, (-1,)), axis=0), x_shape)
    if isinstance(axis, (int, np.integer)):
        return normalize(x, axis=axis)
    axes = reductions.normalize_axes(axis, len(x_shape), normalize.__name__)
    last = tuple(range(len(x_shape) - len(axes), len(x_shape)))
    moved = shape.moveaxis(x, axes, last)
    kept = shape.shape_of(moved)[: len(x_shape) - len(axes)]
    flat = normalize(shape.reshape(moved, kept + (-1,)), axis=-1)
    return shape.moveaxis(shape.reshape(flat, shape.shape_of(moved)), last, axes)


def softmax(x, axis=None):
    """exp(x)/Σ exp(x) over ``axis`` (all axes by default), as ``scipy.special.softmax``.

    Built on chainrule's softmax (overflow-safe; +inf entries share the mass equally).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> special.softmax(cr.tensor([[0.0, 1000.0], [1000.0, 0.0]]))
        tensor([[0. , 0.5],
                [0.5, 0. ]])
    """
    return _over_axes(normalized.softmax, x, axis)


def log_softmax(x, axis=None):
    """x − log Σ exp(x) over ``axis`` (all axes by default), as ``scipy.special.log_softmax``.

    Built on chainrule's log_softmax: accurate where softmax underflows.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> special.log_softmax(cr.tensor([0.0, 1000.0]))
        tensor([-1000.,     0.])
    """
    return _over_axes(normalized.log_softmax, x, axis)


__all__ = ["expit", "logit", "log_expit", "logsumexp", "softmax", "log_softmax"]
