"""grad and value_and_grad: the gradient of a function with one output value, by reverse mode.

``argnums`` picks the arguments to differentiate (an int, or a tuple for several); each may be
a container, and its gradient comes back in the same container.
"""

from __future__ import annotations

import functools

import numpy as np

from chainrule.transforms import trees
from chainrule.transforms.complex_checks import check_inputs, check_output
from chainrule.transforms.boundary import handed_back, lower, owned, zeros_for
from chainrule.transforms.products import pull, record, regroup


def normalize_argnums(argnums, args, f):
    """``argnums`` as a tuple of non-negative positions into ``args``, checked."""
    numbers = (argnums,) if isinstance(argnums, int) else argnums
    numbers = tuple(numbers) if isinstance(numbers, list) else numbers  # as a tuple
    if not isinstance(numbers, tuple) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in numbers
    ):
        raise TypeError(f"argnums must be an int or a tuple (or list) of ints, got {argnums!r}")
    if not numbers:
        raise ValueError("argnums is empty; name at least one argument to differentiate")
    name = getattr(f, "__name__", "the function")
    for i in numbers:
        if not -len(args) <= i < len(args):
            raise ValueError(
                f"argnums {i} is out of range: {name} was called with {len(args)} positional "
                f"argument(s), so argnums must be between {-len(args)} and {len(args) - 1}"
            )
    positions = tuple(i % len(args) for i in numbers)
    if len(set(positions)) != len(positions):
        raise ValueError(f"argnums {argnums!r} names an argument twice")
    return positions


def partial_call(f, args, positions, kwargs=None):
    """``f`` as a function of the arguments at ``positions`` only, the others (and the keyword
    arguments, which are never differentiated) held fixed."""
    kwargs = kwargs or {}

    def chosen(*values):
        full = list(args)
        for i, value in zip(positions, values):
            full[i] = value
        return f(*full, **kwargs)

    return chosen


def value_and_grad(f, argnums=0, has_aux=False, holomorphic=False):
    """``f`` and its gradient together: a function returning ``(f(*args), ∇f)``.

    ``f`` must return one real value (any shape of size 1). Of complex inputs z = x + iy the
    gradient is ∂f/∂x − i·∂f/∂y (JAX's convention; PyTorch returns its conjugate). With
    ``holomorphic=True`` f maps complex inputs to a complex value and the result is f′(z)
    (see docs/complex.md). With a tuple ``argnums`` the gradient
    is a tuple; with ``has_aux`` ``f`` returns ``(value, aux)`` and the result is
    ``((value, aux), gradient)``. Keyword arguments go to ``f`` and are not differentiated.

    Raises:
        TypeError: when f returns several values (use jacobian or vjp), a non-numeric value, a
            complex value (unless ``holomorphic``), or when a differentiated argument is not
            floating-point (or, with ``holomorphic``, not complex).
        ValueError: when argnums is out of range.

    Example:
        >>> import chainrule as cr
        >>> value, slope = cr.value_and_grad(lambda x: x ** 2)(5.0)
        >>> float(value), float(slope)
        (25.0, 10.0)
    """

    @functools.wraps(f, updated=())
    def value_and_grad_f(*args, **kwargs):
        positions = normalize_argnums(argnums, args, f)
        if holomorphic:
            check_inputs([args[i] for i in positions], True, "grad")
        rec = record(
            partial_call(f, args, positions, kwargs),
            [args[i] for i in positions],
            [f"argument {i}" for i in positions],
            has_aux,
        )
        out = _single_output(rec)
        check_output(out, holomorphic, "grad")
        grads = pull(rec, [np.ones_like(out._data)], last=True)
        flat = [
            zeros_for(x) if g is None else lower(g, rec.followed)
            for g, x in zip(grads, rec.inputs)
        ]
        if not rec.followed:
            flat = owned(flat, [x._data for x in rec.inputs])
        grad_values = regroup(rec.structures, flat)
        value = lower(out, rec.followed)
        return handed_back(((value, rec.aux) if has_aux else value, (
            grad_values[0] if isinstance(argnums, int) else grad_values
        )))

    return value_and_grad_f


def _single_output(rec):
    if rec.out_structure is not trees.LEAF:
        raise TypeError(
            f"grad needs a function with one output value, but this one returned a container "
            f"{trees.describe(rec.out_structure)}; use jacobian() for the derivatives of every "
            "output, or vjp() for vᵀ·J"
        )
    out = rec.outputs[0]
    if out.size != 1:
        raise TypeError(
            f"grad needs a function with one output value, but this one returned shape "
            f"{out.shape}; use jacobian() for the full matrix of derivatives, or vjp() for "
            "vᵀ·J (e.g. the gradient of a weighted sum)"
        )
    if out.dtype.kind in "biu":
        # A boolean or integer result (a comparison, np.allclose, int()) is piecewise constant:
        # a gradient of zeros would look like an answer. JAX and autograd refuse it too.
        raise TypeError(
            f"grad needs a floating-point output, but f returned a {out.dtype} value, which has "
            "no derivative (a comparison, np.allclose, a count or int() gives one); return the "
            "floating-point quantity you want to differentiate"
        )
    return out


def grad(f, argnums=0, has_aux=False, holomorphic=False):
    """The gradient ∇f of a function with one real output value, as a function.

    Nest it for higher derivatives: ``grad(grad(f))`` is f″. With ``has_aux`` ``f`` returns
    ``(value, aux)`` and the result is ``(gradient, aux)``. Of complex inputs z = x + iy the
    gradient is ∂f/∂x − i·∂f/∂y (grad of |z|² is 2·z̄); a complex output is a TypeError unless
    ``holomorphic=True``, which gives f′(z) (see docs/complex.md).

    Example:
        >>> import chainrule as cr
        >>> float(cr.grad(cr.sin)(0.0))
        1.0
        >>> float(cr.grad(cr.grad(lambda x: x ** 3))(2.0))
        12.0
        >>> complex(cr.grad(lambda z: z ** 2, holomorphic=True)(1.0 + 2.0j))
        (2+4j)
    """
    value_and_grad_f = value_and_grad(f, argnums, has_aux, holomorphic)

    @functools.wraps(f, updated=())
    def grad_f(*args, **kwargs):
        value, grad_values = value_and_grad_f(*args, **kwargs)
        return (grad_values, value[1]) if has_aux else grad_values

    return grad_f


__all__ = ["grad", "value_and_grad", "normalize_argnums", "partial_call"]
