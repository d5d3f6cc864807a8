"""Loss functions: cross_entropy, nll_loss, binary_cross_entropy_with_logits and mse_loss.

Each takes PyTorch's arguments and ``reduction`` ("mean" by default, "sum" or "none"), and is
finite for logits of any size: the log-probabilities come from log_softmax, never log(softmax).
"""

from __future__ import annotations

import numpy as np

from chainrule.backends import ForeignArray, asarray, constant_like, is_lazy
from chainrule.ops.nn.softmax import log_softmax, shifted_by_max, softmax, softmax_of_array
from chainrule.ops import indexing, reductions, shape
from chainrule.ops.elementwise import activations
from chainrule.ops.elementwise import arithmetic
from chainrule.ops.elementwise import comparison
from chainrule.ops.elementwise import piecewise
from chainrule.primitive import is_tensor, nondifferentiable, primitive, value_of
from chainrule.tensor import Tensor

_REDUCTIONS = ("mean", "sum", "none")


def _check_reduction(reduction, who):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{who}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _reduce(loss, reduction):
    if reduction == "mean":
        return reductions.mean(loss)
    return reductions.sum(loss) if reduction == "sum" else loss


def _as_input(x):
    return x if isinstance(x, Tensor) else asarray(x)


def _like(target, x):
    """A constant target in x's floating dtype (a tensor target keeps its own, and its graph)."""
    if is_tensor(target) or target.dtype == x.dtype or x.dtype.kind not in "fc":
        return target
    return target.astype(x.dtype)


def nll_loss(log_probs, target, reduction="mean"):
    """−log_probs[n, target[n]]: the negative log-likelihood of integer class labels.

    Args:
        log_probs: log-probabilities, shape (N, C) or (N, C, d1, ...) with classes on axis 1,
            or (C,) for one sample.
        target: integer labels in [0, C), shape (N,) or (N, d1, ...), or () for one sample.
        reduction: "mean" (over all labels), "sum" or "none".

    Raises:
        ValueError: a label out of range, or a target whose shape does not fit.
        TypeError: a target that does not hold integers.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.nn import functional as F
        >>> F.nll_loss(cr.tensor([[-0.5, -1.0], [-2.0, -0.1]]), [1, 0])
        tensor(1.5)
    """
    _check_reduction(reduction, "nll_loss")
    log_probs = _as_input(log_probs)
    labels = _labels(target, log_probs.shape, "nll_loss")
    if isinstance(value_of(log_probs), ForeignArray):
        return _reduce(-_picked_by_comparison(log_probs, labels), reduction)
    index = _label_index(labels, _label_grids(labels.shape, log_probs.ndim))
    return _reduce(-indexing.getitem(log_probs, index), reduction)


def _label_hits(labels, scores_shape, like):
    """True at each sample's label along the class axis, in the library of ``like``: for
    another library's arrays, which index with one integer array at most (a pick by (sample,
    label) pairs takes two)."""
    labels = value_of(labels)
    class_axis = 0 if len(scores_shape) == 1 else 1
    column = [1] * len(scores_shape)
    column[class_axis] = scores_shape[class_axis]
    classes = constant_like(np.arange(scores_shape[class_axis]).reshape(column), like)
    if labels.ndim:  # one sample's label (0-d) meets the classes as it is
        labels = labels.reshape(labels.shape[:class_axis] + (1,) + labels.shape[class_axis:])
    return labels == classes


def _picked_by_comparison(scores, labels):
    # A label out of range picks no class: NaN there (on a lazy array the check in _labels
    # would compute it), never a silent 0.
    hits = _label_hits(labels, scores.shape, scores)
    class_axis = 0 if scores.ndim == 1 else 1
    picked = reductions.sum(piecewise.where(hits, scores, 0), axis=class_axis)
    return piecewise.where(np.any(hits, axis=class_axis), picked, np.nan)


_largest, _add_reduce = np.maximum.reduce, np.add.reduce


_UNSIGNED = {width: np.dtype(f"u{width}") for width in (1, 2, 4, 8)}


def _labels(target, scores_shape, who, labels=None):
    """The target's class labels, checked (the check reads their values; a tensor is kept as
    it is, so that labels computed from traced values stay traced). ``labels`` is the target's
    array, where the caller has read it already."""
    if labels is None:
        labels = value_of(target)
    if type(labels) is not np.ndarray:
        labels = asarray(labels)
    if len(scores_shape) == 0:
        raise ValueError(f"{who}: the scores must have a class axis, got a 0-d input")
    classes = scores_shape[0 if len(scores_shape) == 1 else 1]
    expected = () if len(scores_shape) == 1 else scores_shape[:1] + scores_shape[2:]
    if labels.shape != expected:
        raise ValueError(f"{who}: for scores of shape {scores_shape} the target must be class "
                         f"labels of shape {expected} (or class probabilities of shape "
                         f"{scores_shape}, for cross_entropy), got shape {labels.shape}")
    kind = labels.dtype.kind
    if kind not in "iu":
        raise TypeError(f"{who}: class labels must be integers, got dtype {labels.dtype}; use "
                        f"target.astype(int) (class probabilities need the scores' shape "
                        f"{scores_shape})")
    if type(labels) is np.ndarray:
        # One reduction: read as unsigned integers of their width, negative labels are the
        # largest, so the largest label alone says whether any is out of range.
        unsigned = labels if kind == "u" else labels.view(_UNSIGNED[labels.dtype.itemsize])
        out_of_range = labels.size and _largest(unsigned, None) >= classes
    else:
        out_of_range = labels.size and not is_lazy(labels) and (
            labels.min() < 0 or labels.max() >= classes)
    if out_of_range:
        bad = int(labels.min() if labels.min() < 0 else labels.max())
        raise ValueError(f"{who}: target holds the label {bad}, out of range for {classes} "
                         f"classes (labels must be in [0, {classes}))")
    return target if isinstance(target, Tensor) else labels


def cross_entropy(logits, target, reduction="mean"):
    """−Σ_c p_c · log_softmax(logits)_c, with p one-hot (class labels) or given probabilities.

    Infinite logits follow log_softmax. A class of probability 0 adds nothing, even where its
    log-probability is −inf (0·log 0 = 0); there its derivative in p (+inf) is taken as 0.

    Args:
        logits: unnormalized scores, shape (N, C) or (N, C, d1, ...) with classes on axis 1,
            or (C,) for one sample.
        target: integer class labels of shape (N,) / (N, d1, ...) / (), or class probabilities
            of the logits' shape (a tensor target is differentiated too).
        reduction: "mean" (over the N·d1·... samples), "sum" or "none".

    Raises:
        ValueError: a label out of range, or a target whose shape fits neither form.
        TypeError: float labels, or logits that are not floating point.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.nn import functional as F
        >>> F.cross_entropy(cr.tensor([[1000.0, 0.0], [0.0, 0.0]]), [1, 0])
        tensor(500.34657359)
    """
    # Every training step's loss: the checks read the arrays themselves, each once.
    if reduction not in _REDUCTIONS:
        _check_reduction(reduction, "cross_entropy")
    logits = _as_input(logits)
    scores = value_of(logits)
    if scores.dtype.kind not in "fc":
        raise TypeError(f"cross_entropy: logits must be floating point, got dtype {scores.dtype}")
    if scores.ndim == 0:
        raise ValueError("cross_entropy: the logits must have a class axis, got a 0-d input")
    class_axis = 0 if scores.ndim == 1 else 1
    target = _as_input(target)
    given = value_of(target)
    if given.dtype.kind in "fc" and given.shape == scores.shape:
        log_probs = log_softmax(logits, axis=class_axis)
        loss = -reductions.sum(_times_log_probs(_like(target, logits), log_probs),
                               axis=class_axis)
        return _reduce(loss, reduction)
    labels = _labels(target, scores.shape, "cross_entropy", given)
    if type(labels) is np.ndarray and not labels.ndim:  # one sample's label: a number
        labels = constant_like(labels, logits)
    count = given.size
    if reduction == "none":
        scale = None
    elif reduction == "sum":
        scale = 1
    else:
        scale = 1 / count if count else np.nan
    return _cross_entropy_labels(logits, labels, grids=_label_grids(given.shape, scores.ndim),
                                 class_axis=class_axis, scale=scale)


def _times_log_probs(p, log_probs):
    # p·log_probs, with 0 for a class of probability 0 even where its log-probability is −inf
    # (0·log 0 = 0, the limit), which the product alone would make NaN.
    ignored = comparison.logical_and(comparison.equal(p, 0), comparison.equal(log_probs, -np.inf))
    return p * piecewise.where(ignored, 0, log_probs)


def _label_grids(labels_shape, ndim):
    """The positions that go with each label in an index (none for one sample or a batch of
    them): computed once per shape and kept in ``_GRIDS``, so that building an index takes no
    NumPy call (a training loop meets one batch size, or two)."""
    key = (labels_shape, ndim)
    grids = _GRIDS.get(key)
    if grids is None:
        if len(_GRIDS) >= 64:  # shapes that keep changing: start over
            _GRIDS.clear()
        if ndim <= 2:
            grids = () if ndim == 1 else (np.arange(labels_shape[0]),)
        else:
            grids = tuple(np.indices(labels_shape, sparse=True))
        for grid in grids:
            grid.flags.writeable = False  # shared by every loss of that shape
        _GRIDS[key] = grids
    return grids


_GRIDS = {}


def _label_index(labels, grids):
    # Classes are on axis 1 (axis 0 for one sample): the sample's position, its label, the rest.
    return (labels,) if not grids else (grids[0], labels, *grids[1:])


# Cross-entropy from integer labels is one primitive, not log_softmax → pick → mean: a training
# step spends most of its time per recorded op, and the fused rule softmax − onehot is exact.
def _cross_entropy_forward(logits, labels, grids, class_axis, scale):
    # Everything is measured from the largest logit: exp never overflows, and the loss is
    # log Σ exp(x − m) − (x_label − m), which keeps log 2 at x = [3e7, 3e7] in float32. At an
    # infinite largest logit the shift takes the limit softmax takes (no inf − inf).
    shifted = shifted_by_max(logits, class_axis)
    if isinstance(shifted, ForeignArray):
        loss = (np.log(np.exp(shifted).sum(axis=class_axis))
                - _picked_by_comparison(shifted, labels))
        return loss if scale is None else loss.sum() * loss.dtype.type(scale)
    picked = shifted[_label_index(labels, grids)]
    exps = np.exp(shifted)
    sums = _add_reduce(exps, class_axis, keepdims=True)
    loss = np.log(sums.reshape(picked.shape)) - picked
    if scale is None:
        return loss
    loss = _add_reduce(loss, None) * loss.dtype.type(scale)
    exps /= sums  # the softmax, which the backward pass that follows needs
    _last_softmax.clear()
    _last_softmax[id(loss)] = (loss, exps)
    return loss


# The softmax that the last cross-entropy forward (of a reduced loss, on NumPy arrays) computed
# on its way, under the id of the loss it returned: {id(loss): (loss, softmax)}. A training
# step's backward pass follows its forward, and its rule takes the softmax from here instead
# of computing it again (a third of the rule's cost), when the loss it is handed is that very
# object: the node keeps it, so no other value has its id meanwhile, and the logits it came
# from were not written since (the engine refuses a backward pass through an input written in
# place). One entry: a forward that no backward follows leaves one softmax behind, no more.
# Taken out when read (a second backward pass computes it again); a race between threads
# costs a recomputation, never a wrong value.
_last_softmax = {}


def _onehot_forward(labels, grids, shape, dtype):
    if isinstance(labels, ForeignArray):
        return _label_hits(labels, shape, labels).astype(dtype)
    onehot = np.zeros(shape, dtype=dtype)
    onehot[_label_index(labels, grids)] = 1
    return onehot


# The gradient's one-hot is built from the labels by an op (not differentiable), so that it is
# built again wherever the rule runs on new labels.
_onehot = nondifferentiable("onehot", _onehot_forward)


def _softmax_minus_onehot(logits, labels, grids, class_axis):
    onehot = _onehot(labels, grids=grids, shape=logits.shape, dtype=logits.dtype)
    return softmax(logits, axis=class_axis) - onehot


def _per_class(grad, class_axis, scale):
    # A reduced loss has a scalar gradient; "none" has one per sample, spread over the classes.
    return grad * scale if scale is not None else shape.expand_dims(grad, class_axis)


def _cross_entropy_vjp(grad_out, out, logits, labels, grids, class_axis, scale):
    if (scale is not None and type(logits) is np.ndarray and type(labels) is np.ndarray
            and isinstance(grad_out, np.generic)):
        return _cross_entropy_vjp_of_arrays(grad_out, out, logits, labels, grids, class_axis,
                                            scale)
    return _per_class(grad_out, class_axis, scale) * _softmax_minus_onehot(logits, labels, grids,
                                                                            class_axis)


def _cross_entropy_vjp_of_arrays(grad_out, out, logits, labels, grids, class_axis, scale):
    # The rule above for a plain backward pass of a reduced loss, in NumPy on a buffer of its
    # own: the softmax ops' forwards, the one-hot's 1s taken off where the labels point, then
    # the scale. Every training step's loss runs it; the ops above would make four more arrays
    # and go through four dispatches (recorded sweeps, traces and batches still take them).
    saved = _last_softmax.pop(id(out), None)
    difference = (saved[1] if saved is not None and saved[0] is out
                  else softmax_of_array(logits, class_axis))
    difference[_label_index(labels, grids)] -= 1
    difference *= grad_out * scale
    return difference


def _cross_entropy_jvp(logits_dot, out, logits, labels, grids, class_axis, scale):
    difference = _softmax_minus_onehot(logits, labels, grids, class_axis)
    per_sample = reductions.sum(logits_dot * difference, axis=class_axis)
    return per_sample if scale is None else reductions.sum(per_sample) * scale


_cross_entropy_labels = primitive(
    "cross_entropy", _cross_entropy_forward, vjp=(_cross_entropy_vjp, None),
    jvp=(_cross_entropy_jvp, None),
)


def _check_same_shape(x, target, who):
    if x.shape != target.shape:
        raise ValueError(f"{who}: input of shape {tuple(x.shape)} and target of shape "
                         f"{tuple(target.shape)} must have the same shape")


def _bce_with_logits(x, target):
    # log(1 + eˣ) − x·t as max(x, 0)·(1 − t) + max(−x, 0)·t + log(1 + e^{−|x|}): e^{−|x|} ≤ 1
    # never overflows where eˣ would, no term cancels another, and a term whose weight is 0 is
    # 0 even at an infinite logit (the loss at x = inf, t = 1 is 0, not inf − inf).
    positive, negative = np.maximum(x, 0), np.maximum(-x, 0)
    return (_weighted(positive, 1 - target) + _weighted(negative, target)
            + np.log1p(np.exp(-np.abs(x))))


def _weighted(a, weight):
    return np.where(weight == 0, 0, a) * weight


_bce_with_logits_op = primitive(
    "binary_cross_entropy_with_logits", _bce_with_logits,
    vjp=(lambda grad_out, out, x, target: grad_out * (activations.sigmoid(x) - target),
         lambda grad_out, out, x, target: -grad_out * x),
    jvp=(lambda x_dot, out, x, target: x_dot * (activations.sigmoid(x) - target),
         lambda target_dot, out, x, target: -target_dot * x),
)


def binary_cross_entropy_with_logits(logits, target, reduction="mean"):
    """−t·log σ(x) − (1 − t)·log(1 − σ(x)) for logits x, computed stably from x itself.

    It is max(x, 0)·(1 − t) + max(−x, 0)·t + log(1 + e^{−|x|}): finite for any finite x (σ(x)
    itself would round to 0 or 1 and its log to −inf), and at an infinite logit its limit: 0
    for x = inf, t = 1 (or −inf, 0), inf otherwise. A primitive, so its gradient is exactly
    σ(x) − t, at 0 too.

    Args:
        logits: the scores x, any shape.
        target: probabilities t in [0, 1], the same shape (a tensor target is differentiated).
        reduction: "mean", "sum" or "none".

    Example:
        >>> import chainrule as cr
        >>> from chainrule.nn import functional as F
        >>> F.binary_cross_entropy_with_logits(cr.tensor([0.0, -1000.0]), [1.0, 1.0], "none")
        tensor([6.93147181e-01, 1.00000000e+03])
    """
    _check_reduction(reduction, "binary_cross_entropy_with_logits")
    logits, target = _as_input(logits), _as_input(target)
    _check_same_shape(logits, target, "binary_cross_entropy_with_logits")
    return _reduce(_bce_with_logits_op(logits, _like(target, logits)), reduction)


def mse_loss(x, target, reduction="mean"):
    """(x − target)², averaged by default: the mean squared error.

    Args:
        x: predictions, any shape.
        target: the same shape (a tensor target is differentiated too).
        reduction: "mean", "sum" or "none".

    Raises:
        ValueError: x and target differ in shape (broadcasting them is almost always a bug).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.nn import functional as F
        >>> F.mse_loss(cr.tensor([1.0, 2.0, 3.0]), [1.0, 2.0, 5.0])
        tensor(1.33333333)
    """
    _check_reduction(reduction, "mse_loss")
    x, target = _as_input(x), _as_input(target)
    _check_same_shape(x, target, "mse_loss")
    return _reduce(arithmetic.square(x - _like(target, x)), reduction)


__all__ = ["cross_entropy", "nll_loss", "binary_cross_entropy_with_logits", "mse_loss"]
