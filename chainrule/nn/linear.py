"""Linear (y = x·Wᵀ + b) and Identity layers."""

from __future__ import annotations

import math

import numpy as np

from chainrule.nn import init
from chainrule.nn.dtypes import check_input_dtype, floating_dtype
from chainrule.nn.module import Module
from chainrule.nn.parameter import Parameter
from chainrule.ops import contraction, shape


def check_size(name, value, minimum=0):
    """``value`` as an int ≥ ``minimum``, or a ValueError naming the argument."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return int(value)


class Linear(Module):
    """y = x·Wᵀ + b on the last axis of x: ``in_features`` values in, ``out_features`` out.

    weight has shape (out_features, in_features) and bias (out_features,); both start as
    U(−1/√in_features, 1/√in_features) drawn from ``nn.init.default_generator``, as PyTorch's.

    Args:
        in_features: size of the last axis of the input.
        out_features: size of the last axis of the output.
        bias: whether to add a learned bias.
        dtype: float32 (the default, as PyTorch) or float64; inputs must have the same dtype.

    Raises (when called):
        ValueError: the input's last axis is not ``in_features`` long.
        TypeError: the input's dtype is not the layer's.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> from chainrule import nn
        >>> layer = nn.Linear(3, 2)
        >>> layer
        Linear(in_features=3, out_features=2, bias=True)
        >>> layer(np.ones((5, 3), dtype=np.float32)).shape
        (5, 2)
    """

    def __init__(self, in_features, out_features, bias=True, *, dtype=np.float32):
        super().__init__()
        self.in_features = check_size("in_features", in_features)
        self.out_features = check_size("out_features", out_features)
        dtype = floating_dtype(dtype)
        self.weight = Parameter(np.zeros((self.out_features, self.in_features), dtype=dtype))
        self.bias = Parameter(np.zeros(self.out_features, dtype=dtype)) if bias else None
        self.reset_parameters()

    def reset_parameters(self):
        """Draw the weight and bias again: kaiming_uniform_ with a = √5 (bound 1/√fan_in)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features else 0.0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x):
        weight, bias = self.weight, self.bias  # each read is a lookup in the parameter table
        x = check_input_dtype(self, x, weight.dtype)
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ValueError(
                f"Linear(in_features={self.in_features}) expected an input whose "
                f"last axis has {self.in_features} features, got shape "
                f"{tuple(x.shape)}"
            )
        # A 2-d weight (always, unless replaced) is transposed without the axis arithmetic.
        weight_t = shape.transpose(weight) if weight.ndim == 2 else shape.swapaxes(weight, -1, -2)
        out = contraction.matmul(x, weight_t)
        return out if bias is None else out + bias

    def extra_repr(self):
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class Identity(Module):
    """Returns its input unchanged (a placeholder where a layer is optional).

    Example:
        >>> import chainrule as cr
        >>> from chainrule import nn
        >>> nn.Identity()(cr.tensor([1.0, 2.0]))
        tensor([1., 2.])
    """

    def forward(self, x):
        return x


__all__ = ["Linear", "Identity"]
