"""SciPy's convolutions, differentiable: convolve, correlate, convolve2d, correlate2d and
fftconvolve, values from ``scipy.signal``, derivatives from chainrule's rules.

Each is bilinear, and each mode ('full', 'same', 'valid') is a crop of the full output. So the
adjoint pads grad_out back to the full output and convolves it, in 'valid' mode, with the other
input flipped (a correlation): every derivative, to any order, is again one of these ops.
"""

from __future__ import annotations

import numpy as np
import scipy.signal

from chainrule.ops import joining, shape
from chainrule.ops.indexing import flip
from chainrule.primitive import bilinear, is_tensor
from chainrule.scipy.real_inputs import refuse_complex

_MODES = ("full", "same", "valid")
_ROUTINES = {
    "convolve": scipy.signal.convolve, "correlate": scipy.signal.correlate,
    "convolve2d": scipy.signal.convolve2d, "correlate2d": scipy.signal.correlate2d,
    "fftconvolve": scipy.signal.fftconvolve,
}
# The convolution each routine's adjoints are written with: itself, or a correlation's partner.
_CONVOLUTION = {"convolve": "convolve", "correlate": "convolve", "convolve2d": "convolve2d",
                "correlate2d": "convolve2d", "fftconvolve": "fftconvolve"}


def _forward(x, v, routine, mode, **options):
    return _ROUTINES[routine](x, v, mode=mode, **options)


def _axes(x, v, options):
    axes = options.get("axes")
    ndim = max(x.ndim, v.ndim)
    return tuple(range(ndim)) if axes is None else shape.normalize_axis_tuple(axes, ndim, "axes")


def _full_grad(grad_out, x, v, routine, mode, axes):
    # The mode's output is full[start : start + size] along each axis convolved: pad grad_out
    # with zeros back to the full output (the adjoint of that crop). correlate2d centres 'same'
    # half an entry later than the others where the full output's excess is odd.
    late = int(routine == "correlate2d")
    widths = []
    for axis in range(grad_out.ndim):
        if axis not in axes:
            widths.append((0, 0))
            continue
        full = x.shape[axis] + v.shape[axis] - 1
        start = {"full": 0, "same": (full - x.shape[axis] + late) // 2,
                 "valid": min(x.shape[axis], v.shape[axis]) - 1}[mode]
        widths.append((start, full - start - grad_out.shape[axis]))
    if not any(before or after for before, after in widths):
        return grad_out
    return joining.pad(grad_out, tuple(widths))


def _adjoint(grad_out, x, v, routine, mode, correlation, **options):
    # The gradient of x for out = x ⋆ v: the full grad_out convolved in 'valid' mode with v
    # flipped (for a convolution) or with v itself (for a correlation).
    if grad_out.size == 0:
        return 0 * x
    axes = _axes(x, v, options)
    kernel = v if correlation else flip(v, axes)
    return _convolution(_full_grad(grad_out, x, v, routine, mode, axes), kernel,
                        routine=_CONVOLUTION[routine], mode="valid", **options)


def _adjoint_kernel(grad_out, x, v, routine, mode, **options):
    # v's gradient: the full grad_out convolved in 'valid' mode with x flipped; flipped back
    # for a correlation (which convolves with v flipped).
    if grad_out.size == 0:
        return 0 * v
    axes = _axes(x, v, options)
    grad_v = _convolution(_full_grad(grad_out, x, v, routine, mode, axes), flip(x, axes),
                          routine=_CONVOLUTION[routine], mode="valid", **options)
    return flip(grad_v, axes) if routine.startswith("correlate") else grad_v


_convolution = bilinear(
    "scipy_convolution", _forward,
    lambda grad_out, x, v, routine, **params: _adjoint(
        grad_out, x, v, routine, correlation=routine.startswith("correlate"), **params),
    _adjoint_kernel,
    inputs=("in1", "in2"),
)


def _check_mode(mode, routine):
    if mode not in _MODES:
        raise ValueError(f"{routine}: acceptable mode flags are 'valid', 'same', or 'full', "
                         f"got {mode!r}")


def _call(routine, in1, in2, mode, **options):
    refuse_complex(routine, in1, in2)
    _check_mode(mode, routine)
    return _convolution(in1, in2, routine=routine, mode=mode, **options)


def convolve(in1, in2, mode="full", method="auto"):
    """The N-d convolution (in1 ∗ in2)[n] = Σₖ in1[k]·in2[n − k], as ``scipy.signal.convolve``.

    Args:
        mode: 'full' (every overlap), 'same' (the size of in1, centred on the full output) or
            'valid' (where one input covers the other entirely).
        method: 'auto', 'direct' or 'fft', handed to SciPy (for the value and the adjoints).

    Raises:
        ValueError: for an unknown mode, or shapes SciPy refuses.
        TypeError: for a complex tensor.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy.signal import convolve
        >>> convolve(cr.tensor([1.0, 2.0, 3.0]), cr.tensor([0.0, 1.0, 0.5]))
        tensor([0. , 1. , 2.5, 4. , 1.5])
    """
    return _call("convolve", in1, in2, mode, method=method)


def correlate(in1, in2, mode="full", method="auto"):
    """The N-d cross-correlation z[k] = Σₗ in1[l]·in2[l − k + N − 1] (N = len(in2), per axis),
    as ``scipy.signal.correlate``; ``mode`` and ``method`` as in :func:`convolve`.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy.signal import correlate
        >>> correlate(cr.tensor([1.0, 2.0, 3.0]), cr.tensor([0.0, 1.0, 0.5]), mode="same")
        tensor([2. , 3.5, 3. ])
    """
    return _call("correlate", in1, in2, mode, method=method)


def _two_d(routine, in1, in2, mode, boundary, fillvalue):
    if boundary in ("fill", "pad") and fillvalue == 0:
        return _call(routine, in1, in2, mode)
    if is_tensor(in1) or is_tensor(in2):
        raise ValueError(f"{routine}: chainrule differentiates boundary='fill' with "
                         f"fillvalue=0 only, got boundary={boundary!r}, fillvalue={fillvalue!r}")
    return _ROUTINES[routine](in1, in2, mode=mode, boundary=boundary, fillvalue=fillvalue)


def convolve2d(in1, in2, mode="full", boundary="fill", fillvalue=0):
    """The 2-d convolution of two matrices, as ``scipy.signal.convolve2d``; modes as in
    :func:`convolve`.

    Only ``boundary='fill'`` with ``fillvalue=0`` (the default) is differentiated: another
    boundary or fill value is refused for tensors (NumPy arrays get SciPy's value).

    Raises:
        ValueError: for inputs that are not 2-d, an unknown mode, or another boundary or fill
            value with tensors.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy.signal import convolve2d
        >>> convolve2d(cr.tensor([[1.0, 2.0], [3.0, 4.0]]), cr.tensor([[1.0, -1.0]]))
        tensor([[ 1.,  1., -2.],
                [ 3.,  1., -4.]])
    """
    return _two_d("convolve2d", in1, in2, mode, boundary, fillvalue)


def correlate2d(in1, in2, mode="full", boundary="fill", fillvalue=0):
    """The 2-d cross-correlation of two matrices, as ``scipy.signal.correlate2d``; modes and
    boundaries as in :func:`convolve2d`.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy.signal import correlate2d
        >>> correlate2d(cr.tensor([[1.0, 2.0], [3.0, 4.0]]), cr.tensor([[1.0, -1.0]]))
        tensor([[-1., -1.,  2.],
                [-3., -1.,  4.]])
    """
    return _two_d("correlate2d", in1, in2, mode, boundary, fillvalue)


def fftconvolve(in1, in2, mode="full", axes=None):
    """The convolution computed by FFT, as ``scipy.signal.fftconvolve``: the values of
    :func:`convolve` up to rounding, faster for long inputs.

    Args:
        axes: the axes convolved (default all); along the others the inputs broadcast, as in
            SciPy (sizes equal or 1).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy.signal import fftconvolve
        >>> out = fftconvolve(cr.tensor([1.0, 2.0, 3.0]), cr.tensor([0.0, 1.0, 0.5]))
        >>> cr.round(out, 6) + 0.0      # FFT rounding: -4e-17 where convolve gives 0
        tensor([0. , 1. , 2.5, 4. , 1.5])
    """
    return _call("fftconvolve", in1, in2, mode,
                 axes=None if axes is None else tuple(np.atleast_1d(axes).tolist()))


__all__ = ["convolve", "convolve2d", "correlate", "correlate2d", "fftconvolve"]
