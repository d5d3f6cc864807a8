"""Fourier transforms over several axes (fftn, rfftn, … as ``numpy.fft``) and the spectrum
shifts: compositions of the one-axis transforms, in NumPy's order, so values match NumPy's."""

from __future__ import annotations

import warnings

import numpy as np

from chainrule.ops import joining, shape
from chainrule.ops.elementwise import arithmetic
from chainrule.ops.fft.one_axis import fft, ifft, irfft, rfft


def _sizes_and_axes(a, s, axes, invreal=False):
    # NumPy's rules: s defaults to the axes' lengths (for an inverse real transform the last
    # is 2·(m − 1)); axes default to the last len(s), or all; −1 in s means the whole length.
    a_shape = shape.shape_of(a)
    shapeless = s is None
    if shapeless:
        s = list(a_shape) if axes is None else [a_shape[ax] for ax in axes]
    elif axes is None:
        warnings.warn("`axes` should not be `None` if `s` is not `None` (deprecated in NumPy "
                      "2.0); pass the axes explicitly", DeprecationWarning, stacklevel=3)
    s = list(s)
    axes = list(range(-len(s), 0)) if axes is None else list(axes)
    if len(s) != len(axes):
        raise ValueError("Shape and axes have different lengths.")
    if invreal and shapeless:
        s[-1] = (a_shape[axes[-1]] - 1) * 2
    return [a_shape[ax] if n == -1 else n for n, ax in zip(s, axes)], axes


def fftn(a, s=None, axes=None, norm=None):
    """The n-dimensional DFT over ``axes`` (all by default), as ``numpy.fft.fftn``: the 1-D
    fft along each axis, with ``s`` giving each axis its number of points.

    Example:
        >>> import chainrule as cr
        >>> cr.fft.fftn(cr.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor([[10.+0.j, -2.+0.j],
                [-4.+0.j,  0.+0.j]])
    """
    s, axes = _sizes_and_axes(a, s, axes)
    for n, axis in reversed(list(zip(s, axes))):
        a = fft(a, n, axis, norm)
    return a


def ifftn(a, s=None, axes=None, norm=None):
    """The inverse n-dimensional DFT, as ``numpy.fft.ifftn``.

    Example:
        >>> import chainrule as cr
        >>> cr.fft.ifftn(cr.tensor([[4.0, 0.0], [0.0, 0.0]]))
        tensor([[1.+0.j, 1.+0.j],
                [1.+0.j, 1.+0.j]])
    """
    s, axes = _sizes_and_axes(a, s, axes)
    for n, axis in reversed(list(zip(s, axes))):
        a = ifft(a, n, axis, norm)
    return a


def fft2(a, s=None, axes=(-2, -1), norm=None):
    """The 2-D DFT over the last two axes, as ``numpy.fft.fft2``.

    Example:
        >>> import chainrule as cr
        >>> cr.fft.fft2(cr.tensor([[1.0, 0.0], [0.0, 0.0]]))
        tensor([[1.+0.j, 1.+0.j],
                [1.+0.j, 1.+0.j]])
    """
    return fftn(a, s, axes, norm)


def ifft2(a, s=None, axes=(-2, -1), norm=None):
    """The inverse 2-D DFT over the last two axes, as ``numpy.fft.ifft2``.

    Example:
        >>> import chainrule as cr
        >>> cr.fft.ifft2(cr.tensor([[4.0, 0.0], [0.0, 0.0]]))
        tensor([[1.+0.j, 1.+0.j],
                [1.+0.j, 1.+0.j]])
    """
    return ifftn(a, s, axes, norm)


def rfftn(a, s=None, axes=None, norm=None):
    """The n-dimensional DFT of a real input, halved along the last axis, as
    ``numpy.fft.rfftn``: rfft along the last axis, then fft along the others.

    Example:
        >>> import chainrule as cr
        >>> cr.fft.rfftn(cr.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor([[10.+0.j, -2.+0.j],
                [-4.+0.j,  0.+0.j]])
    """
    s, axes = _sizes_and_axes(a, s, axes)
    a = rfft(a, s[-1], axes[-1], norm)
    for n, axis in reversed(list(zip(s[:-1], axes[:-1]))):
        a = fft(a, n, axis, norm)
    return a


def irfftn(a, s=None, axes=None, norm=None):
    """The inverse of rfftn, as ``numpy.fft.irfftn``: ifft along the other axes, then irfft
    along the last.

    Example:
        >>> import chainrule as cr
        >>> cr.fft.irfftn(cr.tensor([[10.0 + 0j, -2.0], [-4.0, 0.0]]))
        tensor([[1., 2.],
                [3., 4.]])
    """
    s, axes = _sizes_and_axes(a, s, axes, invreal=True)
    for n, axis in zip(s[:-1], axes[:-1]):
        a = ifft(a, n, axis, norm)
    return irfft(a, s[-1], axes[-1], norm)


def rfft2(a, s=None, axes=(-2, -1), norm=None):
    """rfftn over the last two axes, as ``numpy.fft.rfft2``.

    Example:
        >>> import chainrule as cr
        >>> cr.fft.rfft2(cr.tensor([[1.0, 0.0], [0.0, 0.0]]))
        tensor([[1.+0.j, 1.+0.j],
                [1.+0.j, 1.+0.j]])
    """
    return rfftn(a, s, axes, norm)


def irfft2(a, s=None, axes=(-2, -1), norm=None):
    """irfftn over the last two axes, as ``numpy.fft.irfft2``.

    Example:
        >>> import chainrule as cr
        >>> cr.fft.irfft2(cr.tensor([[4.0 + 0j, 0.0], [0.0, 0.0]]))
        tensor([[1., 1.],
                [1., 1.]])
    """
    return irfftn(a, s, axes, norm)


def _shifts(x, axes, sign):
    x_shape = shape.shape_of(x)
    if axes is None:
        axes = tuple(range(len(x_shape)))
    if isinstance(axes, int):
        return sign * (x_shape[axes] // 2), axes
    return [sign * (x_shape[ax] // 2) for ax in axes], axes


def fftshift(x, axes=None):
    """The zero frequency moved to the middle (a roll by half of each axis), as
    ``numpy.fft.fftshift``.

    Example:
        >>> import chainrule as cr
        >>> cr.fft.fftshift(cr.tensor([0.0, 1.0, 2.0, -2.0, -1.0]))
        tensor([-2., -1.,  0.,  1.,  2.])
    """
    shift, axes = _shifts(x, axes, 1)
    return joining.roll(x, shift, axes) if np.size(axes) else arithmetic.copy(x)


def ifftshift(x, axes=None):
    """The inverse of fftshift, as ``numpy.fft.ifftshift``.

    Example:
        >>> import chainrule as cr
        >>> cr.fft.ifftshift(cr.tensor([-2.0, -1.0, 0.0, 1.0, 2.0]))
        tensor([ 0.,  1.,  2., -2., -1.])
    """
    shift, axes = _shifts(x, axes, -1)
    return joining.roll(x, shift, axes) if np.size(axes) else arithmetic.copy(x)


__all__ = ["fftn", "ifftn", "fft2", "ifft2", "rfftn", "irfftn", "rfft2", "irfft2", "fftshift",
           "ifftshift"]
