"""Batch normalization layers: BatchNorm1d (N, C) or (N, C, L) and BatchNorm2d (N, C, H, W).

Training normalizes with the batch's statistics and updates the running estimates; evaluation
normalizes with the running estimates, so one sample's output does not depend on the others.
"""

from __future__ import annotations

import math

import numpy as np

from chainrule.modes import guarded, no_grad, refuse_in_trace
from chainrule.nn.dtypes import check_input_dtype, floating_dtype
from chainrule.nn.linear import check_size
from chainrule.nn.module import Module
from chainrule.nn.parameter import Parameter
from chainrule.ops import reductions, shape, statistics
from chainrule.ops.elementwise import arithmetic
from chainrule.tensor import is_tensor


class _BatchNorm(Module):
    _input_ndims = ()

    def __init__(
        self,
        num_features,
        eps=1e-5,
        momentum=0.1,
        affine=True,
        track_running_stats=True,
        *,
        dtype=np.float32,
    ):
        super().__init__()
        self.num_features = check_size("num_features", num_features, 1)
        if not eps > 0:
            raise ValueError(f"{type(self).__name__}: eps must be > 0, got {eps!r}")
        if momentum is not None and not 0 <= momentum <= 1:
            raise ValueError(
                f"{type(self).__name__}: momentum must be in [0, 1] or None (a "
                f"cumulative average), got {momentum!r}"
            )
        self.eps, self.momentum = float(eps), momentum
        self.affine, self.track_running_stats = bool(affine), bool(track_running_stats)
        dtype, features = floating_dtype(dtype), self.num_features
        self.register_parameter("weight", Parameter(np.ones(features, dtype)) if affine else None)
        self.register_parameter("bias", Parameter(np.zeros(features, dtype)) if affine else None)
        tracked = self.track_running_stats
        self.register_buffer("running_mean", np.zeros(features, dtype) if tracked else None)
        self.register_buffer("running_var", np.ones(features, dtype) if tracked else None)
        self.register_buffer("num_batches_tracked", np.array(0, np.int64) if tracked else None)

    def forward(self, x):
        x = x if is_tensor(x) else np.asarray(x)
        self._check_shape(x)
        held = self.weight if self.weight is not None else self.running_mean
        if held is not None:
            x = check_input_dtype(self, x, held.dtype)
        axes = (0, *range(2, x.ndim))
        per_channel = (self.num_features,) + (1,) * (x.ndim - 2)
        if guarded(lambda: self.training) or self.running_mean is None:
            self._check_batch(x, axes)
            mean = reductions.mean(x, axis=axes, keepdims=True)
            var = statistics.var(x, axis=axes, keepdims=True)  # biased, as the normalization
            if self.training and self.running_mean is not None:
                self._update_running_stats(x, axes)
        else:
            mean = shape.reshape(self.running_mean, per_channel)
            var = shape.reshape(self.running_var, per_channel)
        out = (x - mean) / arithmetic.sqrt(var + self.eps)
        if self.weight is not None:
            out = out * shape.reshape(self.weight, per_channel)
        if self.bias is not None:
            out = out + shape.reshape(self.bias, per_channel)
        return out

    def _check_shape(self, x):
        layout = " or ".join(self._layouts)
        if x.ndim not in self._input_ndims or x.shape[1] != self.num_features:
            raise ValueError(
                f"{type(self).__name__}({self.num_features}) expected an input of "
                f"shape {layout} with C = {self.num_features}, got shape "
                f"{tuple(x.shape)}"
            )

    def _check_batch(self, x, axes):
        if math.prod(x.shape[axis] for axis in axes) < 2:
            raise ValueError(
                f"{type(self).__name__}: batch statistics need more than one value "
                f"per channel, got an input of shape {tuple(x.shape)}; use a larger "
                f"batch, or call .eval() to use the running statistics"
            )

    def _update_running_stats(self, x, axes):
        # The running estimates are statistics of the data, not part of the model's function:
        # they are computed on the raw values and never recorded.
        refuse_in_trace(
            f"{type(self).__name__} in training mode updates its running statistics in place, "
            "which a replay would skip; jit the model in eval mode (model.eval()), or run the "
            "training steps without jit"
        )
        data = np.asarray(getattr(x, "_data", x))
        with no_grad():
            self.num_batches_tracked += 1
            step = 1 / int(self.num_batches_tracked) if self.momentum is None else self.momentum
            for buffer, batch in (
                (self.running_mean, data.mean(axis=axes)),
                (self.running_var, data.var(axis=axes, ddof=1)),
            ):
                old = np.asarray(buffer._data)
                buffer[...] = (1 - step) * old + step * batch.astype(old.dtype)

    def extra_repr(self):
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """(x − mean) / √(var + eps) · weight + bias per channel (axis 1) of an (N, C) or (N, C, L)
    input.

    In training, mean and var are the batch's (var biased, over N and L), and the running
    estimates move by ``momentum``: running ← (1 − momentum)·running + momentum·batch, using the
    unbiased variance (as PyTorch); ``momentum=None`` keeps a plain average of all batches.
    In evaluation (``.eval()``), the running estimates are used instead.

    Args:
        num_features: C, the number of channels.
        eps: added to the variance, for stability.
        momentum: the weight of each new batch in the running estimates, or None.
        affine: whether to learn weight (starting at 1) and bias (starting at 0).
        track_running_stats: if False, no running estimates: batch statistics always.
        dtype: float32 (the default) or float64.

    Example:
        >>> import chainrule as cr
        >>> from chainrule import nn
        >>> bn = nn.BatchNorm1d(1)
        >>> bn(cr.tensor([[1.0], [3.0]], dtype="float32"))
        tensor([[-0.999995],
                [ 0.999995]], dtype=float32, op=add)
        >>> bn.running_mean, bn.running_var
        (tensor([0.2], dtype=float32), tensor([1.1], dtype=float32))
    """

    _input_ndims = (2, 3)
    _layouts = ("(N, C)", "(N, C, L)")


class BatchNorm2d(_BatchNorm):
    """Batch normalization per channel of (N, C, H, W) images, statistics over N, H and W.

    Arguments and train/eval behaviour as :class:`BatchNorm1d`.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> nn.BatchNorm2d(3)(np.ones((2, 3, 4, 4), dtype=np.float32)).shape
        (2, 3, 4, 4)
    """

    _input_ndims = (4,)
    _layouts = ("(N, C, H, W)",)


__all__ = ["BatchNorm1d", "BatchNorm2d"]
