"""Discrete Fourier transforms, as ``numpy.fft``: fft, ifft, rfft, irfft along one axis are the
primitives; the n-dimensional, Hermitian and shifted forms are compositions of them.

Every transform is linear, so under chainrule's pairing Re(v̄·v̇) (docs/complex.md) its VJP is
its transpose. The DFT matrix is symmetric: the adjoint of fft is fft of the cotangent with the
same ``norm`` (ifft likewise), with n's zero-padding and cropping swapped. rfft and irfft are
not each other's transposes: the adjoint of rfft zero-pads the half spectrum and takes the real
part (the engine does, for a real input); that of irfft weighs the half spectrum by how often
each frequency appears in the full one (1 for 0 and n/2, 2 for the others).
"""

from __future__ import annotations

import numpy as np

from chainrule.backends import constant_like
from chainrule.ops import indexing, joining, shape
from chainrule.ops.elementwise import complex_parts
from chainrule.primitive import linear


def _length(x, axis):
    return shape.shape_of(x)[axis]


def resize(x, size, axis):
    """x cropped or zero-padded to ``size`` entries along ``axis`` (a negative axis), as the
    transforms' ``n`` does."""
    length = _length(x, axis)
    if length > size:
        return indexing.getitem(x, (Ellipsis, slice(0, size)) + (slice(None),) * (-1 - axis))
    if length < size:
        widths = [(0, 0)] * len(shape.shape_of(x))
        widths[axis] = (0, size - length)
        return joining.pad(x, tuple(widths))
    return x


def _fft_adjoint(grad_out, x, n, axis, norm):
    # (s·F·resize)ᵀ = resizeᵀ·s·F: F is symmetric.
    return resize(_fft_op(grad_out, n=n, axis=axis, norm=norm), _length(x, axis), axis)


def _ifft_adjoint(grad_out, x, n, axis, norm):
    return resize(_ifft_op(grad_out, n=n, axis=axis, norm=norm), _length(x, axis), axis)


def _rfft_adjoint(grad_out, x, n, axis, norm):
    # rfft = (the first n//2 + 1 rows of s·F)·resize: pad the half spectrum back to n, apply
    # s·F, crop; the engine keeps the real part for a real x.
    full = resize(grad_out, n, axis)
    return resize(_fft_op(full, n=n, axis=axis, norm=norm), _length(x, axis), axis)


def _irfft_adjoint(grad_out, x, n, axis, norm):
    # irfft(c)ⱼ = s·Re Σₖ wₖ·cₖ·e^(2πijk/n) over k ≤ n/2, with wₖ = 2 for the frequencies
    # that stand for a conjugate pair and 1 for 0 and n/2; so c̄ₖ = wₖ·ifft(grad_out)ₖ.
    half = resize(_ifft_op(grad_out, n=n, axis=axis, norm=norm), n // 2 + 1, axis)
    weights = np.full(n // 2 + 1, 2.0)
    weights[0] = 1.0
    if n % 2 == 0:
        weights[-1] = 1.0
    weights = constant_like(weights.reshape((-1,) + (1,) * (-1 - axis)), grad_out)
    return resize(half * weights, _length(x, axis), axis)


def _forward(transform):
    def forward(x, n, axis, norm):
        return transform(x, n=n, axis=axis, norm=norm)

    return forward


_fft_op = linear("fft", _forward(np.fft.fft), _fft_adjoint)
_ifft_op = linear("ifft", _forward(np.fft.ifft), _ifft_adjoint)
_rfft_op = linear("rfft", _forward(np.fft.rfft), _rfft_adjoint)
_irfft_op = linear("irfft", _forward(np.fft.irfft), _irfft_adjoint)


def _axis(x, axis, op):
    # Negative, so that the rules hold whatever leading axes a batch of rows adds.
    ndim = len(shape.shape_of(x))
    return shape.normalize_axis(axis, ndim, op) - ndim


def _points(n, default, op):
    n = default if n is None else int(n)
    if n < 1:
        raise ValueError(f"{op}: invalid number of FFT data points ({n}) specified")
    return n


def fft(a, n=None, axis=-1, norm=None):
    """The 1-D discrete Fourier transform Σₖ aₖ·e^(−2πijk/n), as ``numpy.fft.fft``.

    ``n`` crops or zero-pads ``a`` along ``axis`` first; ``norm`` ("backward", "ortho",
    "forward") scales by 1, 1/√n or 1/n. Its VJP is fft of the cotangent (the DFT matrix is
    symmetric; docs/complex.md).

    Example:
        >>> import chainrule as cr
        >>> cr.fft.fft(cr.tensor([1.0, 2.0, 3.0, 4.0]))
        tensor([10.+0.j, -2.+2.j, -2.+0.j, -2.-2.j])
    """
    axis = _axis(a, axis, "fft")
    return _fft_op(a, n=_points(n, _length(a, axis), "fft"), axis=axis, norm=norm)


def ifft(a, n=None, axis=-1, norm=None):
    """The inverse 1-D DFT (1/n)·Σₖ aₖ·e^(2πijk/n), as ``numpy.fft.ifft``.

    Example:
        >>> import chainrule as cr
        >>> cr.fft.ifft(cr.tensor([4.0, 0.0, 0.0, 0.0]))
        tensor([1.+0.j, 1.+0.j, 1.+0.j, 1.+0.j])
    """
    axis = _axis(a, axis, "ifft")
    return _ifft_op(a, n=_points(n, _length(a, axis), "ifft"), axis=axis, norm=norm)


def rfft(a, n=None, axis=-1, norm=None):
    """The DFT of a real input, its n//2 + 1 non-negative frequencies, as ``numpy.fft.rfft``.

    Example:
        >>> import chainrule as cr
        >>> cr.fft.rfft(cr.tensor([1.0, 2.0, 3.0, 4.0]))
        tensor([10.+0.j, -2.+2.j, -2.+0.j])
    """
    axis = _axis(a, axis, "rfft")
    return _rfft_op(a, n=_points(n, _length(a, axis), "rfft"), axis=axis, norm=norm)


def irfft(a, n=None, axis=-1, norm=None):
    """The real signal of n points whose rfft is ``a``, as ``numpy.fft.irfft``
    (n = 2·(m − 1) by default; the imaginary parts of frequencies 0 and n/2 are ignored).

    Example:
        >>> import chainrule as cr
        >>> cr.fft.irfft(cr.tensor([10.0 + 0j, -2.0 + 2j, -2.0 + 0j]))
        tensor([1., 2., 3., 4.])
    """
    axis = _axis(a, axis, "irfft")
    default = 2 * (_length(a, axis) - 1)
    return _irfft_op(a, n=_points(n, default, "irfft"), axis=axis, norm=norm)


_SWAPPED_NORM = {None: "forward", "backward": "forward", "ortho": "ortho", "forward": "backward"}


def _swapped(norm):
    if norm not in _SWAPPED_NORM:
        raise ValueError(f'Invalid norm value {norm}; should be "backward", "ortho" or "forward".')
    return _SWAPPED_NORM[norm]


def hfft(a, n=None, axis=-1, norm=None):
    """The real DFT of a signal with Hermitian symmetry given by its first half, as
    ``numpy.fft.hfft``: irfft(conj(a)) with the opposite scaling.

    Example:
        >>> import chainrule as cr
        >>> cr.fft.hfft(cr.tensor([1.0 + 0j, 2.0 + 0j]))
        tensor([ 3., -1.])
    """
    axis = _axis(a, axis, "hfft")
    return irfft(complex_parts.conj(a), n, axis, norm=_swapped(norm))


def ihfft(a, n=None, axis=-1, norm=None):
    """The inverse of hfft for a real input, as ``numpy.fft.ihfft``: conj(rfft(a)) with the
    opposite scaling.

    Example:
        >>> import chainrule as cr
        >>> cr.fft.ihfft(cr.tensor([3.0, -1.0]))
        tensor([1.-0.j, 2.-0.j])
    """
    axis = _axis(a, axis, "ihfft")
    return complex_parts.conj(rfft(a, n, axis, norm=_swapped(norm)))


__all__ = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "resize"]
