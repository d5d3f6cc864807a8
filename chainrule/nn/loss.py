"""Loss layers: MSELoss, CrossEntropyLoss, BCEWithLogitsLoss and NLLLoss.

Each calls the function of the same meaning in ``nn.functional`` with the ``reduction`` fixed
at construction; ``loss(input, target)`` returns a 0-d tensor unless reduction is "none".
"""

from __future__ import annotations

from chainrule.ops.nn import losses
from chainrule.nn.module import Module


class _Loss(Module):
    def __init__(self, reduction="mean"):
        super().__init__()
        if reduction not in ("mean", "sum", "none"):
            raise ValueError(
                f"{type(self).__name__}: reduction must be 'mean', 'sum' or "
                f"'none', got {reduction!r}"
            )
        self.reduction = reduction

    def extra_repr(self):
        return "" if self.reduction == "mean" else f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    """The mean (or sum) of (input − target)²; see ``nn.functional.mse_loss``.

    Example:
        >>> import chainrule as cr
        >>> from chainrule import nn
        >>> nn.MSELoss()(cr.tensor([1.0, 3.0]), cr.tensor([1.0, 1.0]))
        tensor(2.)
    """

    def forward(self, input, target):  # noqa: A002 -- PyTorch's argument name
        return losses.mse_loss(input, target, self.reduction)


class CrossEntropyLoss(_Loss):
    """Cross-entropy of logits (N, C) against class labels (N,) or class probabilities (N, C);
    see ``nn.functional.cross_entropy``.

    Example:
        >>> import chainrule as cr
        >>> from chainrule import nn
        >>> nn.CrossEntropyLoss()(cr.tensor([[0.0, 0.0]]), [1])
        tensor(0.69314718)
    """

    def forward(self, input, target):  # noqa: A002 -- PyTorch's argument name
        return losses.cross_entropy(input, target, self.reduction)


class NLLLoss(_Loss):
    """−log_probs[n, target[n]], averaged: for log-probabilities (after LogSoftmax); see
    ``nn.functional.nll_loss``.

    Example:
        >>> import chainrule as cr
        >>> from chainrule import nn
        >>> nn.NLLLoss(reduction="sum")(cr.tensor([[-0.5, -1.0], [-2.0, -0.1]]), [1, 0])
        tensor(3.)
    """

    def forward(self, input, target):  # noqa: A002 -- PyTorch's argument name
        return losses.nll_loss(input, target, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy of logits against probabilities, computed stably from the logits;
    see ``nn.functional.binary_cross_entropy_with_logits``.

    Example:
        >>> import chainrule as cr
        >>> from chainrule import nn
        >>> nn.BCEWithLogitsLoss()(cr.tensor([0.0]), cr.tensor([1.0]))
        tensor(0.69314718)
    """

    def forward(self, input, target):  # noqa: A002 -- PyTorch's argument name
        return losses.binary_cross_entropy_with_logits(input, target, self.reduction)


__all__ = ["MSELoss", "CrossEntropyLoss", "NLLLoss", "BCEWithLogitsLoss"]
