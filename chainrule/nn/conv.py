"""Conv2d: a learned 2-d convolution layer over NCHW images (the op is nn.functional.conv2d)."""

from __future__ import annotations

import math

import numpy as np

from chainrule.nn import init
from chainrule.ops.nn import convolution
from chainrule.nn.dtypes import check_input_dtype, floating_dtype
from chainrule.nn.linear import check_size
from chainrule.nn.module import Module
from chainrule.nn.parameter import Parameter


class Conv2d(Module):
    """out[n, f] = bias[f] + Σ_c weight[f, c] ⋆ x[n, c]: ``out_channels`` learned filters slid
    over images of ``in_channels`` channels (shape (N, C, H, W), or one image (C, H, W)).

    weight has shape (out_channels, in_channels, kh, kw) and bias (out_channels,); both start
    as U(−1/√fan_in, 1/√fan_in) with fan_in = in_channels·kh·kw, as PyTorch's.

    Args:
        in_channels, out_channels: channels of the input and of the output.
        kernel_size: an int or a pair (height, width).
        stride: step between windows, an int or a pair.
        padding: zeros added on each side, an int or a pair.
        bias: whether to add a learned bias per output channel.
        dtype: float32 (the default) or float64; inputs must have the same dtype.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> conv = nn.Conv2d(3, 8, kernel_size=3, padding=1)
        >>> conv
        Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
        >>> conv(np.zeros((2, 3, 5, 5), dtype=np.float32)).shape
        (2, 8, 5, 5)
    """

    def __init__(
        self,
        in_channels,
        out_channels,
        kernel_size,
        stride=1,
        padding=0,
        bias=True,
        *,
        dtype=np.float32,
    ):
        super().__init__()
        self.in_channels = check_size("in_channels", in_channels, 1)
        self.out_channels = check_size("out_channels", out_channels, 1)
        self.kernel_size = convolution.pair(kernel_size, "kernel_size", "Conv2d", 1)
        self.stride = convolution.pair(stride, "stride", "Conv2d", 1)
        self.padding = convolution.pair(padding, "padding", "Conv2d", 0)
        dtype = floating_dtype(dtype)
        shape = (self.out_channels, self.in_channels, *self.kernel_size)
        self.weight = Parameter(np.zeros(shape, dtype=dtype))
        self.bias = Parameter(np.zeros(self.out_channels, dtype=dtype)) if bias else None
        self.reset_parameters()

    def reset_parameters(self):
        """Draw the weight and bias again: kaiming_uniform_ with a = √5 (bound 1/√fan_in)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init.fan_in_and_fan_out(self.weight)
            init.uniform_(self.bias, -1 / math.sqrt(fan_in), 1 / math.sqrt(fan_in))

    def forward(self, x):
        x = check_input_dtype(self, x, self.weight.dtype)
        return convolution.conv2d(x, self.weight, self.bias, self.stride, self.padding)

    def extra_repr(self):
        text = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        return text if self.bias is not None else text + ", bias=False"


__all__ = ["Conv2d"]
