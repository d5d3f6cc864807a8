"""The parts of a complex number: real, imag, conj, angle, and abs's derivative on complex.

None of them is holomorphic; each rule is the R-linear JVP and its transpose under the pairing
⟨v̄, v̇⟩ = Re(v̄·v̇) that chainrule uses for complex values (docs/complex.md).
"""

from __future__ import annotations

import numpy as np

from chainrule.backends import asarray
from chainrule.ops.elementwise import piecewise
from chainrule.primitive import linear, primitive, value_of


def is_complex(x):
    """Whether ``x`` holds complex numbers (a symbolic value never does)."""
    return getattr(getattr(value_of(x), "dtype", None), "kind", "") == "c"


real = linear(
    "real", np.real,
    lambda grad_out, x: grad_out,  # Re(v̄·Re ż) = Re(v̄·ż) for real v̄; the engine makes it complex
    symbolic="re(x)",
    doc="""The real part of x, as ``numpy.real`` (x itself for real x).

    Its cotangent is the real one it receives, as a complex number: Re(v̄·Re ż) = Re(v̄·ż).

    Example:
        >>> import chainrule as cr
        >>> cr.real(cr.tensor([1.0 + 2.0j, -3.0j]))
        tensor([ 1., -0.])
    """,
)


def _imag_adjoint(grad_out, x):
    # v̄·Im ż = Re(−i·v̄·ż) for real v̄; on a real x, Im is the constant 0.
    if is_complex(x):
        return grad_out * -1j
    data = value_of(grad_out)
    return np.zeros_like(data)[()] if np.ndim(data) == 0 else np.zeros_like(data)


imag = linear(
    "imag", np.imag, _imag_adjoint, symbolic="im(x)",
    doc="""The imaginary part of x, as ``numpy.imag`` (zeros for real x).

    Example:
        >>> import chainrule as cr
        >>> cr.imag(cr.tensor([1.0 + 2.0j, -3.0j]))
        tensor([ 2., -3.])
    """,
)

conj = linear(
    "conjugate", np.conjugate,
    lambda grad_out, x: conj(grad_out),  # Re(v̄·conj ż) = Re(conj v̄·ż)
    symbolic="conjugate(x)",
    doc="""The complex conjugate x̄, as ``numpy.conj`` (x itself, as a copy, for real x).

    Example:
        >>> import chainrule as cr
        >>> cr.conj(cr.tensor([1.0 + 2.0j]))
        tensor([1.-2.j])
    """,
)
conjugate = conj


def inverse_or_zero(z):
    """1/z, and 0 where z = 0: the derivatives of abs and angle take 0 at z = 0, as abs′(0) = 0
    does for real x (the subgradient closest to every direction)."""
    zero = z == 0
    return piecewise.where(zero, 0, 1 / piecewise.where(zero, 1, z))


def _angle_vjp(grad_out, out, x, deg):
    # angle z = Im(log z), so d angle = Im(ż/z) = Re(−i/z·ż); a real x's angle is 0 or π.
    if not is_complex(x):
        return grad_out * 0
    return grad_out * (-1j * _degrees(inverse_or_zero(x), deg))


def _angle_jvp(x_dot, out, x, deg):
    if not is_complex(x):
        return x_dot * 0
    return imag(x_dot * _degrees(inverse_or_zero(x), deg))


def _degrees(value, deg):
    return value * (180 / np.pi) if deg else value


_angle = primitive(
    "angle", lambda x, deg: np.angle(x, deg=deg), _angle_vjp, _angle_jvp,
    symbolic=lambda sympy, x, deg: sympy.arg(x) * (180 / sympy.pi if deg else 1),
    supports_complex=True,
)


def angle(z, deg=False):
    """The argument of z in (−π, π], as ``numpy.angle`` (in degrees with ``deg=True``).

    d angle = Im(ż/z); its derivative is taken as 0 at z = 0, and it is 0 for real z (whose
    angle is the constant 0 or π).

    Example:
        >>> import chainrule as cr
        >>> print(f"{float(cr.angle(cr.tensor(1j))):.4f}")
        1.5708
    """
    return _angle(z, deg=deg)


def real_if_close(a, tol=100):
    """``real(a)`` when every imaginary part of a is within ``tol`` machine epsilons of 0, else a
    itself, as ``numpy.real_if_close``; the choice reads only the values.

    Example:
        >>> import chainrule as cr
        >>> cr.real_if_close(cr.tensor([2.0 + 1e-18j]))
        tensor([2.])
    """
    data = asarray(value_of(a))
    if data.dtype.kind == "c" and np.real_if_close(data, tol=tol).dtype.kind != "c":
        return real(a)
    return a


def abs_slope(x, magnitude):
    """What the cotangent of |x| is multiplied by for complex z: conj(z)/|z|, since
    d|z| = Re(conj(z)/|z|·ż) (0 at z = 0, as abs′(0) = 0); None for real x (sign x).
    ``magnitude(x)`` is |x|, passed in by abs, which this module cannot import."""
    if not is_complex(x):
        return None
    return conj(x) * inverse_or_zero(magnitude(x))


__all__ = ["real", "imag", "conj", "conjugate", "angle", "real_if_close", "is_complex",
           "inverse_or_zero", "abs_slope"]
