"""Discrete Fourier transforms with derivatives, as ``numpy.fft``: fft, ifft, rfft, irfft,
hfft, ihfft, their 2-D and n-D forms, and fftshift, ifftshift (``np.fft.fft(tensor)`` comes
here too). Each is linear; its VJP is its transpose under Re(v̄·v̇) (docs/complex.md)."""

from chainrule.ops.fft import (
    fft, fft2, fftn, fftshift, hfft, ifft, ifft2, ifftn, ifftshift, ihfft, irfft, irfft2, irfftn,
    rfft, rfft2, rfftn,
)

__all__ = [
    "fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fftn", "ifftn", "fft2", "ifft2", "rfftn",
    "irfftn", "rfft2", "irfft2", "fftshift", "ifftshift",
]
