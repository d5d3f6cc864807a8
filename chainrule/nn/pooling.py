"""Pooling layers over NCHW images: MaxPool2d and AvgPool2d (the ops are in pooling.py)."""

from __future__ import annotations

from chainrule.ops.nn import convolution
from chainrule.ops.nn import pooling
from chainrule.nn.module import Module


class _Pool2d(Module):
    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        who = type(self).__name__
        self.kernel_size = convolution.pair(kernel_size, "kernel_size", who, 1)
        self.stride = (
            self.kernel_size if stride is None else convolution.pair(stride, "stride", who, 1)
        )
        self.padding = convolution.pair(padding, "padding", who, 0)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool2d(_Pool2d):
    """The maximum of each window (padding counts as −inf); windows step by ``stride``, which
    is the kernel size by default. Ties send the gradient to the first maximum.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> from chainrule import nn
        >>> nn.MaxPool2d(2)(cr.tensor(np.arange(16.0).reshape(1, 1, 4, 4)))
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """

    def forward(self, x):
        return pooling.max_pool2d(x, self.kernel_size, self.stride, self.padding)


class AvgPool2d(_Pool2d):
    """The mean of each window (padding counts as zeros, included in the count); windows step
    by ``stride``, which is the kernel size by default.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> from chainrule import nn
        >>> nn.AvgPool2d(2)(cr.tensor(np.arange(16.0).reshape(1, 1, 4, 4)))
        tensor([[[[ 2.5,  4.5],
                  [10.5, 12.5]]]])
    """

    def forward(self, x):
        return pooling.avg_pool2d(x, self.kernel_size, self.stride, self.padding)


__all__ = ["MaxPool2d", "AvgPool2d"]
