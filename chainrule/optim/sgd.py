"""Stochastic gradient descent, with momentum, Nesterov momentum and weight decay."""

from __future__ import annotations

import numpy as np

from chainrule.backends import ForeignArray
from chainrule.compiled import core
from chainrule.graph import mutation
from chainrule.inplace import mark_written
from chainrule.optim.optimizer import Optimizer, check_range


class SGD(Optimizer):
    """Gradient descent θ := θ − lr·g, with optional momentum (PyTorch's formulas).

    With ``momentum=0`` this is plain gradient descent θ := θ − α·∂J/∂θ, the update rule of
    the seed articles. In full, with g the gradient and b the momentum buffer, each step is::

        g ← g + weight_decay·θ
        b ← g on the first step, else momentum·b + (1 − dampening)·g
        g ← g + momentum·b if nesterov, else b        (only when momentum ≠ 0)
        θ ← θ − lr·g

    Args:
        params: leaf tensors, or dicts of parameter groups (see :class:`Optimizer`).
        lr: the learning rate.
        momentum: the momentum factor (0 for none).
        dampening: how much less the new gradient counts in the buffer.
        weight_decay: the L2 penalty's coefficient, added to the gradient.
        nesterov: use Nesterov momentum (needs momentum > 0 and dampening = 0).

    Raises:
        ValueError: for a negative lr, momentum or weight decay, or nesterov without momentum.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.optim import SGD
        >>> w = cr.tensor([1.0, -2.0], requires_grad=True)
        >>> optimizer = SGD([w], lr=0.25)
        >>> (w * w).sum().backward()  # ∂/∂w = 2w
        >>> optimizer.step()
        >>> w
        tensor([ 0.5, -1. ], requires_grad=True)
    """

    buffers = ("momentum_buffer",)

    def __init__(self, params, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False):
        defaults = dict(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
        )
        super().__init__(params, defaults)

    def _check(self, group):
        for name in ("lr", "momentum", "weight_decay"):
            check_range(group, name)
        check_range(group, "dampening", 0.0, 1.0)
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("Nesterov momentum needs momentum > 0 and dampening = 0")

    def _settings(self, group):
        return (
            float(group["lr"]),
            float(group["momentum"]),
            float(group["dampening"]),
            float(group["weight_decay"]),
            bool(group["nesterov"]),
        )

    def _update_group(self, params, settings, epoch):
        lr, momentum, _, weight_decay, _ = settings
        if momentum or weight_decay:
            return super()._update_group(params, settings, epoch)
        # Plain descent needs no state and reads each gradient once, in any layout: NumPy
        # parameters take θ −= lr·g here, without the general path's per-parameter work (a
        # training step of a small network spends a tenth of its Python here otherwise).
        if core is not None:  # the loop below, compiled
            return core.descend(params, lr, epoch, self._update_parameter, settings)
        for p in params:
            grad = p.grad
            if grad is None:
                continue
            if epoch is None:
                epoch = mutation.bump()
            data, grad = p._data, grad._data
            if type(data) is np.ndarray and type(grad) is np.ndarray and grad.shape == data.shape:
                data -= lr * grad
                mark_written(p, epoch)
            else:  # 0-d values, other libraries' arrays, and the shape error
                self._update_parameter(p, settings, epoch)
        return epoch

    def _update(self, param, grad, state, settings):
        lr, momentum, dampening, weight_decay, nesterov = settings
        if weight_decay:
            grad = grad + weight_decay * param
        if momentum:
            buffer = state.get("momentum_buffer")
            if buffer is None:
                buffer = state["momentum_buffer"] = (
                    grad.astype(param.dtype) if isinstance(grad, ForeignArray)
                    else np.array(grad, dtype=param.dtype))
            else:
                buffer *= momentum
                # Without dampening the factor is 1: adding grad itself is exact, one pass less.
                buffer += grad if dampening == 0 else (1 - dampening) * grad
            grad = grad + momentum * buffer if nesterov else buffer
        param -= lr * grad


__all__ = ["SGD"]
