"""2-d pooling in NCHW layout: max_pool2d (a gather at each window's maximum) and avg_pool2d.

Ties in max_pool2d: the first maximal element of a window, in row-major order, takes the whole
gradient (as PyTorch). This differs from ``max``, which shares a tie equally: a pool picks one
element, and matching PyTorch keeps trained models comparable.
"""

from __future__ import annotations

import numpy as np

from chainrule.ops.nn import convolution
from chainrule.ops import indexing, shape
from chainrule.primitive import Primitive, nondifferentiable


def _scatter_back(grad_out, x, index):
    return shape.reshape(indexing.scatter(grad_out, shape=(x.size,), index=index), x.shape)


# Given the positions of the maxima (an input, found by the op below), the pool is linear in x:
# a gather, whose adjoint is a scatter-add (overlapping windows may pick the same element, and
# then the gradients add).
_max_pool2d_op = Primitive(
    "max_pool2d",
    lambda x, index: np.take(x, index),
    (lambda grad_out, out, x, index: _scatter_back(grad_out, x, index), None),
    (lambda x_dot, out, x, index: _max_pool2d_op(x_dot, index), None),
    reads_inputs=False,
)


def _lowest(dtype):
    return -np.inf if dtype.kind in "fc" else np.iinfo(dtype).min


def _argmax_index(x, kernel_size, stride, padding):
    """Flat index into x of the first largest value of each window, shape (N, C, Ho, Wo)."""
    n, c, h, w = x.shape
    found = convolution.windows(x, kernel_size, stride, padding, fill=_lowest(x.dtype))
    ho, wo = found.shape[2:4]
    which = np.argmax(found.reshape(n, c, ho, wo, kernel_size[0] * kernel_size[1]), axis=-1)
    di, dj = np.divmod(which, kernel_size[1])
    # A padding cell wins only in a window whose real values are all -inf; the nearest real
    # cell of the same window holds that -inf too, so it is chosen instead.
    rows = np.clip(np.arange(ho)[:, None] * stride[0] - padding[0] + di, 0, h - 1)
    cols = np.clip(np.arange(wo) * stride[1] - padding[1] + dj, 0, w - 1)
    channel = np.arange(n * c).reshape(n, c, 1, 1)
    return (channel * h + rows) * w + cols


# Where each window's maximum is: the values decide the pool's derivative, so finding them is
# an op of its own (not differentiable), run again wherever the pool runs on new values.
_window_argmax = nondifferentiable("max_pool2d_argmax", _argmax_index)


def _pool_arguments(x, kernel_size, stride, padding, who):
    kernel_size = convolution.pair(kernel_size, "kernel_size", who, 1)
    stride = kernel_size if stride is None else convolution.pair(stride, "stride", who, 1)
    padding = convolution.pair(padding, "padding", who, 0)
    if any(2 * p > k for p, k in zip(padding, kernel_size)):
        raise ValueError(f"{who}: padding {padding} must be at most half the kernel size "
                         f"{kernel_size}")
    x, unbatched = convolution.as_image_batch(x, who)
    for size, pad, k, side in zip(x.shape[2:], padding, kernel_size, ("height", "width")):
        if size + 2 * pad < k:
            raise ValueError(f"{who}: the window {side} {k} is larger than the padded input "
                             f"{side} {size + 2 * pad}")
    return x, unbatched, kernel_size, stride, padding


def max_pool2d(x, kernel_size, stride=None, padding=0):
    """out[n, c, p, q] = max of x[n, c] over the window at (stride·p, stride·q) (NCHW).

    Padding counts as -inf (it never wins). The gradient goes to the first maximal element of
    each window in row-major order (as PyTorch); overlapping windows add their gradients.

    Args:
        x: shape (N, C, H, W), or (C, H, W).
        kernel_size: window size, an int or a pair (height, width).
        stride: step between windows; the kernel size by default (windows that do not overlap).
        padding: added on each side, at most half the kernel size.

    Returns:
        Shape (N, C, Ho, Wo) with Ho = (H + 2·padding − kh) // stride + 1.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> from chainrule.nn import functional as F
        >>> F.max_pool2d(cr.tensor(np.arange(16.0).reshape(1, 1, 4, 4)), 2)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """
    x, unbatched, kernel_size, stride, padding = _pool_arguments(
        x, kernel_size, stride, padding, "max_pool2d")
    index = _window_argmax(x, kernel_size=kernel_size, stride=stride, padding=padding)
    out = _max_pool2d_op(x, index)
    return shape.reshape(out, out.shape[1:]) if unbatched else out


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    """out[n, c, p, q] = mean of x[n, c] over the window at (stride·p, stride·q) (NCHW).

    Padding counts as zeros and is included in the count (PyTorch's count_include_pad=True).
    Composed as a convolution of each channel with a constant kernel of 1/(kh·kw).

    Args:
        x: shape (N, C, H, W), or (C, H, W).
        kernel_size: window size, an int or a pair (height, width).
        stride: step between windows; the kernel size by default.
        padding: zeros added on each side, at most half the kernel size.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> from chainrule.nn import functional as F
        >>> F.avg_pool2d(cr.tensor(np.arange(16.0).reshape(1, 1, 4, 4)), 2)
        tensor([[[[ 2.5,  4.5],
                  [10.5, 12.5]]]])
    """
    x, unbatched, kernel_size, stride, padding = _pool_arguments(
        x, kernel_size, stride, padding, "avg_pool2d")
    n, c, h, w = x.shape
    dtype = np.result_type(x.dtype, np.float32)
    kernel = np.full((1, 1, *kernel_size), 1 / (kernel_size[0] * kernel_size[1]), dtype=dtype)
    channels = shape.reshape(x, (n * c, 1, h, w))
    out = convolution.conv2d(channels, kernel, stride=stride, padding=padding)
    out = shape.reshape(out, (n, c, *out.shape[2:]))
    return shape.reshape(out, out.shape[1:]) if unbatched else out


__all__ = ["max_pool2d", "avg_pool2d"]
