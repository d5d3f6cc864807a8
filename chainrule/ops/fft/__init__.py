"""Discrete Fourier transforms, as ``numpy.fft``: the one-axis primitives and what is composed
of them (see :mod:`chainrule.ops.fft.one_axis` for their adjoints)."""

from chainrule.ops.fft.axes import (
    fft2, fftn, fftshift, ifft2, ifftn, ifftshift, irfft2, irfftn, rfft2, rfftn,
)
from chainrule.ops.fft.one_axis import fft, hfft, ifft, ihfft, irfft, rfft

__all__ = [
    "fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fftn", "ifftn", "fft2", "ifft2", "rfftn",
    "irfftn", "rfft2", "irfft2", "fftshift", "ifftshift",
]
