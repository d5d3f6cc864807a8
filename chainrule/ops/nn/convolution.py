"""2-d convolution in NCHW layout: conv2d, conv_transpose2d and conv2d_weight (the weight gradient).

Each of the three is bilinear, and the adjoints of each are the other two, so every derivative of
a convolution, to any order, is again one of these three im2col-and-contract ops.
"""

from __future__ import annotations

import numpy as np

from chainrule.backends import asarray
from numpy.lib.stride_tricks import sliding_window_view

from chainrule.ops import shape
from chainrule.primitive import bilinear, is_tensor


def windows(x, kernel_size, stride, padding, fill=0):
    """Every kernel-sized window of x padded with ``fill``, as a view: (N, C, Ho, Wo, kh, kw)."""
    (ph, pw), (sh, sw) = padding, stride
    if ph or pw:
        x = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=fill)
    return sliding_window_view(x, tuple(kernel_size), axis=(2, 3))[:, :, ::sh, ::sw]


def _columns(x, kernel_size, stride, padding):
    """im2col: the windows copied into shape (N, C·kh·kw, Ho·Wo), one column per output pixel."""
    found = windows(x, kernel_size, stride, padding)
    n, c, ho, wo, kh, kw = found.shape
    columns = np.ascontiguousarray(found.transpose(0, 1, 4, 5, 2, 3))
    return columns.reshape(n, c * kh * kw, ho * wo), (ho, wo)


# Batched matmuls over the images keep every result in NCHW order, with no transposed copies.
def _conv2d(x, weight, stride, padding):
    columns, (ho, wo) = _columns(x, weight.shape[2:], stride, padding)
    filters = weight.shape[0]
    out = np.matmul(weight.reshape(filters, columns.shape[1]), columns)  # (N, F, Ho·Wo)
    return out.reshape(x.shape[0], filters, ho, wo)


def _conv2d_weight(x, grad, stride, padding, kernel_size):
    columns, _ = _columns(x, kernel_size, stride, padding)
    n, filters, ho, wo = grad.shape
    per_image = np.matmul(grad.reshape(n, filters, ho * wo), columns.transpose(0, 2, 1))
    return per_image.sum(axis=0).reshape(filters, x.shape[1], *kernel_size)


def _conv_transpose2d(grad, weight, stride, padding, output_size):
    # col2im: each kernel offset (i, j) adds its share of every window back where it was read.
    (sh, sw), (ph, pw), (h, w) = stride, padding, output_size
    n, filters, ho, wo = grad.shape
    _, c, kh, kw = weight.shape
    columns = np.matmul(weight.reshape(filters, c * kh * kw).T, grad.reshape(n, filters, ho * wo))
    columns = columns.reshape(n, c, kh, kw, ho, wo)
    padded = np.zeros((n, c, h + 2 * ph, w + 2 * pw), dtype=columns.dtype)
    for i in range(kh):
        for j in range(kw):
            padded[:, :, i : i + sh * ho : sh, j : j + sw * wo : sw] += columns[:, :, i, j]
    return padded[:, :, ph : ph + h, pw : pw + w]


_conv2d_op = bilinear(
    "conv2d", _conv2d,
    lambda grad_out, x, weight, stride, padding: _conv_transpose2d_op(
        grad_out, weight, stride=stride, padding=padding, output_size=x.shape[2:]),
    lambda grad_out, x, weight, stride, padding: _conv2d_weight_op(
        x, grad_out, stride=stride, padding=padding, kernel_size=weight.shape[2:]),
    inputs=("x", "weight"),
)

_conv_transpose2d_op = bilinear(
    "conv_transpose2d", _conv_transpose2d,
    lambda grad_out, x, weight, stride, padding, output_size: _conv2d_op(
        grad_out, weight, stride=stride, padding=padding),
    lambda grad_out, x, weight, stride, padding, output_size: _conv2d_weight_op(
        grad_out, x, stride=stride, padding=padding, kernel_size=weight.shape[2:]),
    inputs=("x", "weight"),
)

_conv2d_weight_op = bilinear(
    "conv2d_weight", _conv2d_weight,
    lambda grad_out, x, grad, stride, padding, kernel_size: _conv_transpose2d_op(
        grad, grad_out, stride=stride, padding=padding, output_size=x.shape[2:]),
    lambda grad_out, x, grad, stride, padding, kernel_size: _conv2d_op(
        x, grad_out, stride=stride, padding=padding),
    inputs=("x", "grad"),
)


def pair(value, name, who, minimum):
    """``value`` as a pair of ints ≥ ``minimum`` (an int means the same for height and width)."""
    values = (value, value) if isinstance(value, (int, np.integer)) else value
    ints = isinstance(values, (tuple, list)) and len(values) == 2 and all(
        isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values)
    if not ints:
        raise TypeError(f"{who}: {name} must be an int or a pair of ints (height, width), "
                        f"got {value!r}")
    if min(values) < minimum:
        raise ValueError(f"{who}: {name} must be at least {minimum}, got {value!r}")
    return int(values[0]), int(values[1])


def _as_input(x):
    return x if is_tensor(x) else asarray(x)


def as_image_batch(x, who):
    """x as a tensor or array of shape (N, C, H, W); an unbatched (C, H, W) input gets N = 1."""
    x = _as_input(x)
    if x.ndim not in (3, 4):
        raise ValueError(f"{who}: x must have shape (N, C, H, W) or (C, H, W), got shape "
                         f"{tuple(x.shape)}")
    return (shape.reshape(x, (1, *x.shape)), True) if x.ndim == 3 else (x, False)


def _check_weight(weight, channels, who, in_axis):
    weight = _as_input(weight)
    layout = "(out_channels, in_channels, kh, kw)" if in_axis == 1 else \
        "(in_channels, out_channels, kh, kw)"
    if weight.ndim != 4:
        raise ValueError(f"{who}: weight must have shape {layout}, got shape {tuple(weight.shape)}")
    if weight.shape[in_axis] != channels:
        raise ValueError(f"{who}: x has {channels} channels, but weight of shape "
                         f"{tuple(weight.shape)} is laid out {layout} and expects "
                         f"{weight.shape[in_axis]}")
    return weight


def _add_bias(out, bias, channels, who):
    if bias is None:
        return out
    bias = _as_input(bias)
    if tuple(bias.shape) != (channels,):
        raise ValueError(f"{who}: bias must have shape ({channels},), one value per output "
                         f"channel, got shape {tuple(bias.shape)}")
    return out + shape.reshape(bias, (channels, 1, 1))


def conv2d(x, weight, bias=None, stride=1, padding=0):
    """out[n, f] = bias[f] + Σ_c Σ_ij weight[f, c, i, j] · x[n, c, s·p + i, s·q + j] (NCHW).

    The cross-correlation of deep learning (the kernel is not flipped), as PyTorch's conv2d.

    Args:
        x: images, shape (N, C, H, W), or one image (C, H, W).
        weight: kernels, shape (F, C, kh, kw).
        bias: optional, shape (F,).
        stride: step between windows, an int or a pair (height, width).
        padding: zeros added on each side, an int or a pair.

    Returns:
        Shape (N, F, Ho, Wo) with Ho = (H + 2·padding − kh) // stride + 1 (likewise Wo).

    Raises:
        ValueError: shapes that do not fit together, or a kernel larger than the padded image.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> from chainrule.nn import functional as F
        >>> x = cr.tensor(np.arange(9.0).reshape(1, 1, 3, 3))
        >>> F.conv2d(x, cr.tensor(np.ones((1, 1, 2, 2))))
        tensor([[[[ 8., 12.],
                  [20., 24.]]]])
    """
    stride, padding = pair(stride, "stride", "conv2d", 1), pair(padding, "padding", "conv2d", 0)
    x, unbatched = as_image_batch(x, "conv2d")
    weight = _check_weight(weight, x.shape[1], "conv2d", in_axis=1)
    for size, pad, k, side in zip(x.shape[2:], padding, weight.shape[2:], ("height", "width")):
        if size + 2 * pad < k:
            raise ValueError(f"conv2d: the kernel {side} {k} is larger than the padded input "
                             f"{side} {size + 2 * pad}; use a smaller kernel or more padding")
    out = _conv2d_op(x, weight, stride=stride, padding=padding)
    out = _add_bias(out, bias, weight.shape[0], "conv2d")
    return shape.reshape(out, out.shape[1:]) if unbatched else out


def conv_transpose2d(x, weight, bias=None, stride=1, padding=0, output_padding=0):
    """The adjoint of conv2d: each input value is spread, scaled by the weights, over a window.

    conv_transpose2d(g, w) is the gradient of conv2d(x, w) with respect to x, for an upstream
    gradient g; it upsamples by ``stride``. Conventions as PyTorch's conv_transpose2d.

    Args:
        x: shape (N, C_in, H, W), or (C_in, H, W).
        weight: shape (C_in, C_out, kh, kw) (the layout of the conv2d it transposes).
        bias: optional, shape (C_out,).
        stride, padding: those of that conv2d, ints or pairs.
        output_padding: extra rows/columns at the end (< stride), to pick one of the output
            sizes that conv2d maps to the same size.

    Returns:
        Shape (N, C_out, Ho, Wo) with Ho = (H − 1)·stride − 2·padding + kh + output_padding.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> from chainrule.nn import functional as F
        >>> F.conv_transpose2d(cr.tensor(np.ones((1, 1, 2, 2))), cr.tensor(np.ones((1, 1, 2, 2))))
        tensor([[[[1., 2., 1.],
                  [2., 4., 2.],
                  [1., 2., 1.]]]])
    """
    who = "conv_transpose2d"
    stride, padding = pair(stride, "stride", who, 1), pair(padding, "padding", who, 0)
    output_padding = pair(output_padding, "output_padding", who, 0)
    x, unbatched = as_image_batch(x, who)
    weight = _check_weight(weight, x.shape[1], who, in_axis=0)
    output_size = tuple(
        (n - 1) * s - 2 * p + k + extra
        for n, s, p, k, extra in zip(x.shape[2:], stride, padding, weight.shape[2:], output_padding)
    )
    if any(e >= s for e, s in zip(output_padding, stride)):
        raise ValueError(f"{who}: output_padding {output_padding} must be smaller than the "
                         f"stride {stride}")
    if min(output_size) < 1:
        raise ValueError(f"{who}: the output would have size {output_size}; use less padding")
    out = _conv_transpose2d_op(x, weight, stride=stride, padding=padding, output_size=output_size)
    out = _add_bias(out, bias, weight.shape[1], who)
    return shape.reshape(out, out.shape[1:]) if unbatched else out


__all__ = ["conv2d", "conv_transpose2d"]
