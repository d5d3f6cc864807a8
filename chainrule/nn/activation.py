"""Activation layers: each one applies an elementwise function (or a softmax) to its input.

They hold no parameters; the math lives in the ops (``chainrule.relu``, ``chainrule.gelu``...).
"""

from __future__ import annotations

from chainrule.ops.nn import softmax
from chainrule.nn.module import Module
from chainrule.ops.elementwise import activations
from chainrule.ops.elementwise import hyperbolic
from chainrule.ops.elementwise import piecewise


class ReLU(Module):
    """max(x, 0) elementwise; the derivative at 0 is 0.

    Example:
        >>> import chainrule as cr
        >>> from chainrule import nn
        >>> nn.ReLU()(cr.tensor([-1.0, 2.0]))
        tensor([0., 2.])
    """

    def forward(self, x):
        return piecewise.relu(x)


class LeakyReLU(Module):
    """x for x > 0, else negative_slope·x.

    Example:
        >>> import chainrule as cr
        >>> from chainrule import nn
        >>> nn.LeakyReLU(0.1)(cr.tensor([-1.0, 2.0]))
        tensor([-0.1,  2. ])
    """

    def __init__(self, negative_slope=0.01):
        super().__init__()
        self.negative_slope = float(negative_slope)

    def forward(self, x):
        return piecewise.leaky_relu(x, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class Sigmoid(Module):
    """1/(1 + e⁻ˣ) elementwise, without overflow.

    Example:
        >>> import chainrule as cr
        >>> from chainrule import nn
        >>> nn.Sigmoid()(cr.tensor([0.0]))
        tensor([0.5])
    """

    def forward(self, x):
        return activations.sigmoid(x)


class Tanh(Module):
    """tanh(x) elementwise.

    Example:
        >>> import chainrule as cr
        >>> from chainrule import nn
        >>> nn.Tanh()(cr.tensor([0.0]))
        tensor([0.])
    """

    def forward(self, x):
        return hyperbolic.tanh(x)


class GELU(Module):
    """x·Φ(x) elementwise; ``approximate="tanh"`` for the tanh approximation.

    Example:
        >>> import chainrule as cr
        >>> from chainrule import nn
        >>> nn.GELU()(cr.tensor([0.0]))
        tensor([0.])
    """

    def __init__(self, approximate="none"):
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x):
        return activations.gelu(x, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class Softmax(Module):
    """softmax along ``dim`` (the last axis by default): positive values that sum to 1.

    Example:
        >>> import chainrule as cr
        >>> from chainrule import nn
        >>> nn.Softmax(dim=1)(cr.tensor([[0.0, 0.0]]))
        tensor([[0.5, 0.5]])
    """

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return softmax.softmax(x, dim=self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """log_softmax along ``dim`` (the last axis by default): log-probabilities, overflow-safe.

    Example:
        >>> import chainrule as cr
        >>> from chainrule import nn
        >>> nn.LogSoftmax()(cr.tensor([0.0, 1000.0]))
        tensor([-1000.,     0.])
    """

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return softmax.log_softmax(x, dim=self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


__all__ = ["ReLU", "LeakyReLU", "Sigmoid", "Tanh", "GELU", "Softmax", "LogSoftmax"]
