"""Optimizers that update leaf tensors from their ``.grad``, learning-rate schedules, clipping.

Names and arguments follow ``torch.optim``: make an optimizer over the parameters, then repeat
``zero_grad()``, ``loss.backward()``, ``step()``.

Example:
    >>> import chainrule as cr
    >>> from chainrule import optim
    >>> w = cr.tensor([4.0], requires_grad=True)
    >>> optimizer = optim.SGD([w], lr=0.25)
    >>> for _ in range(3):
    ...     optimizer.zero_grad()
    ...     loss = (w * w).sum()
    ...     loss.backward()
    ...     optimizer.step()
    >>> w  # each step halves w
    tensor([0.5], requires_grad=True)
"""

from chainrule.optim import lr_scheduler
from chainrule.optim.adam import Adam, AdamW
from chainrule.optim.clip import clip_grad_norm_
from chainrule.optim.optimizer import Optimizer
from chainrule.optim.rmsprop import RMSprop
from chainrule.optim.sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "lr_scheduler", "clip_grad_norm_"]
