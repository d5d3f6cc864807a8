"""Dropout: zeroes random values while training and rescales the rest (inverted dropout)."""

from __future__ import annotations

import numpy as np

from chainrule.modes import guarded
from chainrule.nn import init
from chainrule.nn.module import Module
from chainrule.primitive import nondifferentiable
from chainrule.tensor import is_tensor


class Dropout(Module):
    """In training, each value is zeroed with probability p and the others are divided by
    1 − p, so the expected output is the input; in evaluation the input passes unchanged.

    The mask is drawn from ``generator`` if given, else from ``nn.init.default_generator``
    (``nn.init.manual_seed`` makes it repeatable). It is a constant of the graph: the gradient
    is the same mask, scaled.

    Args:
        p: the probability of zeroing a value, in [0, 1].
        generator: a numpy Generator of its own, or None.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> from chainrule import nn
        >>> drop = nn.Dropout(0.5, generator=np.random.default_rng(0))
        >>> drop(cr.tensor(np.ones(6)))
        tensor([2., 0., 0., 0., 2., 2.])
        >>> drop.eval()(cr.tensor(np.ones(2)))
        tensor([1., 1.])
    """

    def __init__(self, p=0.5, *, generator=None):
        super().__init__()
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
            raise ValueError(f"Dropout: p is a probability in [0, 1], got {p!r}")
        self.p = float(p)
        self.generator = generator if generator is None else init.generator_or_default(generator)

    def forward(self, x):
        if not guarded(lambda: self.training) or self.p == 0:
            return x
        x = x if is_tensor(x) else np.asarray(x)
        generator = init.generator_or_default(self.generator)
        return x * _dropout_mask(x, generator=generator, p=self.p)

    def extra_repr(self):
        return f"p={self.p}"


def _mask(x, generator, p):
    # Built in x's dtype and scaled once, so float32 stays float32.
    kept = generator.random(np.shape(x)) >= p
    return kept.astype(x.dtype) * (0.0 if p == 1 else 1 / (1 - p))


# A random draw is an op that says so: jit records it and draws a new mask on every replay.
_dropout_mask = nondifferentiable(
    "dropout_mask", _mask, random=True,
    doc="A mask of x's shape: 1/(1 − p) with probability 1 − p, else 0.",
)


__all__ = ["Dropout"]
