"""Adam and AdamW: steps scaled by running estimates of the gradient's first two moments."""

from __future__ import annotations

import math

import numpy as np

from chainrule.optim.optimizer import Optimizer, check_range


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015), with PyTorch's formulas and optional AMSGrad.

    With g the gradient and t the step count (from 1), each step is::

        g ← g + weight_decay·θ                          (an L2 penalty, coupled to the moments)
        m ← β₁·m + (1 − β₁)·g
        v ← β₂·v + (1 − β₂)·g²
        v̂ ← max(v̂, v) if amsgrad, else v
        θ ← θ − lr/(1 − β₁ᵗ) · m / (√v̂ / √(1 − β₂ᵗ) + eps)

    Args:
        params: leaf tensors, or dicts of parameter groups (see :class:`Optimizer`).
        lr: the learning rate.
        betas: (β₁, β₂), the decay rates of the two moment estimates.
        eps: added to the denominator, so that a zero second moment gives a finite step.
        weight_decay: the L2 penalty's coefficient (for decoupled decay use :class:`AdamW`).
        amsgrad: divide by the largest second moment seen so far.

    Raises:
        ValueError: for a negative lr, eps or weight decay, or a β outside [0, 1).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.optim import Adam
        >>> w = cr.tensor([1.0, -2.0], requires_grad=True)
        >>> optimizer = Adam([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> optimizer.step()  # the first step moves each entry by about lr
        >>> w
        tensor([ 0.9, -1.9], requires_grad=True)
    """

    buffers = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")
    counters = ("step",)
    # AdamW shrinks the parameter itself instead of adding the penalty to the gradient.
    decoupled_weight_decay = False

    def __init__(
        self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False
    ):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)
        super().__init__(params, defaults)

    def _check(self, group):
        for name in ("lr", "eps", "weight_decay"):
            check_range(group, name)
        betas = group["betas"]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        for i, beta in enumerate(betas):
            check_range({f"betas[{i}]": beta}, f"betas[{i}]", 0.0, 1.0)

    def _settings(self, group):
        beta1, beta2 = group["betas"]
        return (
            float(group["lr"]),
            float(beta1),
            float(beta2),
            float(group["eps"]),
            float(group["weight_decay"]),
            bool(group["amsgrad"]),
        )

    def _update(self, param, grad, state, settings):
        lr, beta1, beta2, eps, weight_decay, amsgrad = settings
        if not state:
            state.update(step=0, exp_avg=np.zeros_like(param), exp_avg_sq=np.zeros_like(param))
        state["step"] = step = state["step"] + 1
        if weight_decay and self.decoupled_weight_decay:
            param *= 1 - lr * weight_decay
        elif weight_decay:
            grad = grad + weight_decay * param
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        # One scratch array serves every temporary (fewer passes over memory, one allocation);
        # out= makes it an array even for a 0-d parameter, where ufuncs return NumPy scalars.
        scratch = np.subtract(grad, exp_avg, out=np.empty_like(param))
        scratch *= 1 - beta1
        exp_avg += scratch  # m + (1 − β₁)(g − m), exact when m = 0
        np.multiply(grad, grad, out=scratch)
        scratch *= 1 - beta2
        exp_avg_sq *= beta2
        exp_avg_sq += scratch
        if amsgrad:
            if "max_exp_avg_sq" not in state:
                state["max_exp_avg_sq"] = np.zeros_like(param)
            exp_avg_sq = np.maximum(
                state["max_exp_avg_sq"], exp_avg_sq, out=state["max_exp_avg_sq"]
            )
        # lr/c₁ · m/(√v/√c₂ + eps) computed as (lr·√c₂/c₁) · m/(√v + eps·√c₂): the bias
        # corrections c = 1 − βᵗ move onto scalars, saving two passes over the arrays.
        root_correction = math.sqrt(1 - beta2**step)
        denominator = np.sqrt(exp_avg_sq, out=scratch)
        denominator += eps * root_correction
        update = np.divide(exp_avg, denominator, out=scratch)
        update *= lr * root_correction / (1 - beta1**step)
        param -= update


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019), PyTorch's formulas.

    The decay shrinks the parameter directly, θ ← θ·(1 − lr·weight_decay), before the Adam
    step, instead of adding weight_decay·θ to the gradient (where the moments would rescale it).

    Args:
        params, lr, betas, eps, amsgrad: as :class:`Adam`.
        weight_decay: the decoupled decay coefficient.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.optim import AdamW
        >>> w = cr.tensor([1.0, -2.0], requires_grad=True)
        >>> optimizer = AdamW([w], lr=0.1, weight_decay=0.5)
        >>> (w * w).sum().backward()
        >>> optimizer.step()  # shrink by 1 − 0.1·0.5, then step by about lr
        >>> w
        tensor([ 0.85, -1.8 ], requires_grad=True)
    """

    decoupled_weight_decay = True

    def __init__(
        self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False
    ):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)


__all__ = ["Adam", "AdamW"]
