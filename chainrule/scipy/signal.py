"""SciPy's convolutions, differentiable: convolve, correlate, convolve2d, correlate2d and
fftconvolve, values from ``scipy.signal``, derivatives from chainrule's rules.

Each is bilinear (convolve2d's nonzero fill value adds a term of in2 alone), and each mode
('full', 'same', 'valid') is a crop of the full output. So the adjoint pads grad_out back to the
full output and convolves it, in 'valid' mode, with the other input flipped (a correlation):
every derivative, to any order, is again one of these ops. A 2-d boundary that copies entries
(wrap, symm) is the convolution of in1 padded by copies, whose adjoint gathers them back.
"""

from __future__ import annotations

import numpy as np
import scipy.signal

from chainrule.ops import indexing, joining, shape
from chainrule.ops.indexing import flip
from chainrule.primitive import primitive
from chainrule.scipy.real_inputs import needs_derivative, refuse_complex

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


# convolve2d's boundaries, as np.pad writes them: out = crop(P(in1) ⋆ in2, 'valid'), P the pad.
_PAD_MODES = {"fill": "constant", "pad": "constant", "wrap": "wrap", "circular": "wrap",
              "symm": "symmetric", "symmetric": "symmetric"}


def _linear(options):
    # The options of the map's linear part in in1: a fill value adds a constant, not a slope.
    return {**options, "fillvalue": 0} if "fillvalue" in options else options


def _boundary_read(mode, options):
    # 'valid' reads no boundary (SciPy swaps the inputs where in2 is the larger): zeros it is.
    if mode == "valid" and "boundary" in options:
        return {**options, "boundary": "fill", "fillvalue": 0}
    return options


def _extended(x, v, options):
    # P(in1) for a boundary that copies entries (or fills with a nonzero value): in1 padded by
    # the kernel's size less one on each side; None for zeros, the plain convolution.
    pad_mode = _PAD_MODES.get(options.get("boundary", "fill"))
    if pad_mode == "constant" and options.get("fillvalue", 0) == 0:
        return None
    widths = tuple((k - 1, k - 1) for k in v.shape)
    return joining.pad(x, widths, mode=pad_mode, **(
        {"constant_values": options["fillvalue"]} if pad_mode == "constant" else {}))


def _gather_copies(grad, x_shape, v_shape, boundary):
    # The adjoint of np.pad(x, mode='wrap' or 'symmetric'): each padded entry's gradient goes
    # back to the entry it copies, one axis at a time (the pad's own order, reversed).
    for axis in reversed(range(len(x_shape))):
        width = v_shape[axis] - 1
        source = np.pad(np.arange(x_shape[axis]), (width, width), mode=_PAD_MODES[boundary])
        target = grad.shape[:axis] + (x_shape[axis],) + grad.shape[axis + 1:]
        grad = indexing.scatter(grad, target, (slice(None),) * axis + (source,))
    return grad


def _adjoint(grad_out, x, v, routine, mode, **options):
    # The gradient of x for out = x ⋆ v: the full grad_out convolved in 'valid' mode with v
    # flipped (for a convolution) or with v itself (for a correlation); a boundary that copies
    # entries of x hands the padded entries' share back to those entries.
    if grad_out.size == 0:
        return 0 * x
    axes = _axes(x, v, options)
    kernel = v if routine.startswith("correlate") else flip(v, axes)
    grad_full = _full_grad(grad_out, x, v, routine, mode, axes)
    options = _linear(_boundary_read(mode, options))
    if _PAD_MODES.get(options.get("boundary", "fill")) in (None, "constant"):
        return _convolution(grad_full, kernel, routine=_CONVOLUTION[routine], mode="valid",
                            **options)
    widths = tuple((k - 1, k - 1) for k in v.shape)
    grad_padded = _convolution(joining.pad(grad_full, widths), kernel,
                               routine=_CONVOLUTION[routine], mode="valid",
                               **{**options, "boundary": "fill"})
    return _gather_copies(grad_padded, x.shape, v.shape, options["boundary"])


def _adjoint_kernel(grad_out, x, v, routine, mode, **options):
    # v's gradient: the full grad_out convolved in 'valid' mode with P(x) flipped; flipped back
    # for a correlation (which convolves with v flipped).
    if grad_out.size == 0:
        return 0 * v
    axes = _axes(x, v, options)
    grad_full = _full_grad(grad_out, x, v, routine, mode, axes)
    options = _boundary_read(mode, options)
    extended = _extended(x, v, options)
    if extended is not None:  # the full output is P(x) ⋆ v in 'valid' mode
        grad_full = _full_grad(grad_full, extended, v, routine, "valid", axes)
        x, options = extended, {**options, "boundary": "fill", "fillvalue": 0}
    grad_v = _convolution(grad_full, flip(x, axes), routine=_CONVOLUTION[routine], mode="valid",
                          **options)
    return flip(grad_v, axes) if routine.startswith("correlate") else grad_v


# Bilinear for every boundary but a nonzero fill value, which adds a term linear in in2 alone:
# so in1's tangent convolves with the linear part's options.
_convolution = primitive(
    "scipy_convolution", _forward,
    vjp=(lambda grad_out, out, x, v, **params: _adjoint(grad_out, x, v, **params),
         lambda grad_out, out, x, v, **params: _adjoint_kernel(grad_out, x, v, **params)),
    jvp=(lambda x_dot, out, x, v, **params: _convolution(x_dot, v, **_linear(params)),
         lambda v_dot, out, x, v, **params: _convolution(x, v_dot, **params)),
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
    if boundary not in _PAD_MODES:
        raise ValueError(f"{routine}: boundary must be one of {', '.join(map(repr, _PAD_MODES))}"
                         f", got {boundary!r}")
    if np.iscomplexobj(fillvalue) and (needs_derivative(in1) or needs_derivative(in2)):
        raise TypeError(f"{routine}: a complex fillvalue makes the output complex, and chainrule "
                        "differentiates real arrays only")
    return _call(routine, in1, in2, mode, boundary=boundary, fillvalue=fillvalue)


def convolve2d(in1, in2, mode="full", boundary="fill", fillvalue=0):
    """The 2-d convolution of two matrices, as ``scipy.signal.convolve2d``; modes as in
    :func:`convolve`.

    Args:
        boundary: how in1 extends past its edges: 'fill' (or 'pad') with ``fillvalue``, 'wrap'
            (or 'circular') periodically, 'symm' (or 'symmetric') mirrored. The output is
            P(in1) ⋆ in2 for that pad P: a copied entry's share of the gradient goes back to
            the entry it copies; a nonzero fill value adds a term of in2 alone. 'valid' reads
            no boundary.
        fillvalue: a real number (not differentiated).

    Raises:
        ValueError: for inputs that are not 2-d, an unknown mode or boundary.
        TypeError: for a complex tensor or fill value.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy.signal import convolve2d
        >>> convolve2d(cr.tensor([[1.0, 2.0], [3.0, 4.0]]), cr.tensor([[1.0, -1.0]]))
        tensor([[ 1.,  1., -2.],
                [ 3.,  1., -4.]])
    """
    return _two_d("convolve2d", in1, in2, mode, boundary, fillvalue)


def correlate2d(in1, in2, mode="full", boundary="fill", fillvalue=0):
    """The 2-d cross-correlation of two matrices, as ``scipy.signal.correlate2d``; modes,
    boundaries and fill values as in :func:`convolve2d`.

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
