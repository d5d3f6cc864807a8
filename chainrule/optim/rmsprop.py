"""RMSprop: steps divided by a running root mean square of the gradient."""

from __future__ import annotations

import numpy as np

from chainrule.optim.optimizer import Optimizer, check_range


class RMSprop(Optimizer):
    """RMSprop (Hinton, 2012), with PyTorch's formulas, centering and momentum.

    With g the gradient, each step is::

        g ← g + weight_decay·θ
        v ← α·v + (1 − α)·g²
        ḡ ← α·ḡ + (1 − α)·g                     (only when centered)
        d ← √(v − ḡ²) + eps if centered, else √v + eps
        b ← momentum·b + g/d,  θ ← θ − lr·b     (when momentum > 0)
        θ ← θ − lr·g/d                          (otherwise)

    Args:
        params: leaf tensors, or dicts of parameter groups (see :class:`Optimizer`).
        lr: the learning rate.
        alpha: the decay rate of the running averages.
        eps: added to the denominator, so that a zero average gives a finite step.
        weight_decay: the L2 penalty's coefficient, added to the gradient.
        momentum: the momentum factor (0 for none).
        centered: divide by an estimate of the gradient's variance instead of its second moment.

    Raises:
        ValueError: for a negative lr, alpha, eps, weight decay or momentum.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.optim import RMSprop
        >>> w = cr.tensor([1.0, -2.0], requires_grad=True)
        >>> optimizer = RMSprop([w], lr=0.01, alpha=0.75)
        >>> (w * w).sum().backward()
        >>> optimizer.step()  # the first step is lr/√(1 − α) in size
        >>> w
        tensor([ 0.98, -1.98], requires_grad=True)
    """

    buffers = ("square_avg", "momentum_buffer", "grad_avg")
    counters = ("step",)

    def __init__(
        self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False
    ):
        defaults = dict(
            lr=lr,
            alpha=alpha,
            eps=eps,
            weight_decay=weight_decay,
            momentum=momentum,
            centered=centered,
        )
        super().__init__(params, defaults)

    def _check(self, group):
        for name in ("lr", "alpha", "eps", "weight_decay", "momentum"):
            check_range(group, name)

    def _settings(self, group):
        return (
            float(group["lr"]),
            float(group["alpha"]),
            float(group["eps"]),
            float(group["weight_decay"]),
            float(group["momentum"]),
            bool(group["centered"]),
        )

    def _update(self, param, grad, state, settings):
        lr, alpha, eps, weight_decay, momentum, centered = settings
        if not state:
            state.update(step=0, square_avg=np.zeros_like(param))
        state["step"] += 1
        if weight_decay:
            grad = grad + weight_decay * param
        square_avg = state["square_avg"]
        square_avg *= alpha
        square_avg += (1 - alpha) * (grad * grad)
        if centered:
            denominator = _centered_root(state, param, grad, alpha)
        else:
            denominator = np.sqrt(square_avg)
        denominator += eps
        if momentum:
            if "momentum_buffer" not in state:
                state["momentum_buffer"] = np.zeros_like(param)
            buffer = state["momentum_buffer"]
            buffer *= momentum
            buffer += grad / denominator
            param -= lr * buffer
        else:
            param -= lr * (grad / denominator)


def _centered_root(state, param, grad, alpha):
    """√(v − ḡ²), after updating the running mean ḡ of the gradient."""
    if "grad_avg" not in state:
        state["grad_avg"] = np.zeros_like(param)
    grad_avg = state["grad_avg"]
    grad_avg *= alpha
    grad_avg += (1 - alpha) * grad
    variance = state["square_avg"] - grad_avg * grad_avg
    # v − ḡ² ≥ 0 holds exactly (Cauchy–Schwarz), but rounding can leave it a hair below zero.
    return np.sqrt(np.maximum(variance, 0))


__all__ = ["RMSprop"]
