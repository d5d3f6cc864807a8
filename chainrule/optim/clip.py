"""Gradient clipping: rescale the gradients together when their joint norm is too large."""

from __future__ import annotations

import math

import numpy as np

from chainrule.optim.optimizer import check_range
from chainrule.tensor import Tensor, wrap


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False):
    """Scale all gradients by min(1, max_norm/(‖g‖ + 1e-6)), ‖g‖ the norm of all of them joined.

    The norm is that of every ``.grad`` joined into one vector (parameters without a gradient
    are skipped). Each ``.grad`` is replaced by its scaled copy: gradient arrays may be shared
    between tensors (or be read-only broadcast views), so they are never written. A non-finite
    norm leaves the gradients as they are. PyTorch has this function in ``torch.nn.utils``;
    ``chainrule.nn.utils`` may re-export it from here.

    Args:
        parameters: a tensor or an iterable of tensors.
        max_norm: the largest norm the gradients keep.
        norm_type: the p of the p-norm (``inf`` for the largest magnitude).
        error_if_nonfinite: raise when the norm is NaN or infinite.

    Returns:
        The norm of the gradients before clipping, as a float.

    Raises:
        ValueError: for a negative max_norm or a norm_type that is not positive.
        RuntimeError: for a non-finite norm with ``error_if_nonfinite=True``.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.optim import clip_grad_norm_
        >>> w = cr.tensor([3.0, 4.0], requires_grad=True)
        >>> (w * w).sum().backward()  # ∂/∂w = 2w = (6, 8), of norm 10
        >>> clip_grad_norm_([w], max_norm=5.0)
        10.0
        >>> w.grad.numpy().round(5)  # 10 − 1e-6 is a hair short of 10: 3 and 4 within rounding
        array([3., 4.])
    """
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    params = [p for p in params if p.grad is not None]
    check_range({"max_norm": max_norm}, "max_norm")
    norm_type = float(norm_type)
    if not norm_type > 0:
        raise ValueError(f"norm_type must be positive (2.0, or inf for the max), got {norm_type}")
    total = _joint_norm([p.grad._data for p in params], norm_type)
    if not math.isfinite(total):
        if error_if_nonfinite:
            raise RuntimeError(
                f"the {norm_type}-norm of the gradients is {total}, so they cannot be clipped; "
                "look for a NaN or infinity in the loss, or pass error_if_nonfinite=False"
            )
        return total
    scale = max_norm / (total + 1e-6)
    if scale < 1:
        for p in params:
            p.grad = wrap(p.grad._data * scale)
    return total


def _joint_norm(grads, norm_type):
    if norm_type == math.inf:
        return max((float(np.abs(grad).max()) for grad in grads if grad.size), default=0.0)
    # Powers in float64: the gradients that clipping is for (exploding ones) would overflow
    # float32 when squared.
    if norm_type == 2:
        powers = [np.square(grad, dtype=np.float64).sum() for grad in grads]
    else:
        powers = [(np.abs(grad, dtype=np.float64) ** norm_type).sum() for grad in grads]
    return float(sum(powers)) ** (1 / norm_type)


__all__ = ["clip_grad_norm_"]
