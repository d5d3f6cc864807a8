"""Whole Jacobians and Hessians: jacobian (jacrev, jacfwd), hessian, and hvp without them.

The blocks are computed in :mod:`chainrule.transforms.blocks`, all rows in one batched sweep
where the rules allow it; here they are put in the containers of f's output and arguments.
"""

from __future__ import annotations

import functools

from chainrule.transforms import trees
from chainrule.transforms.blocks import forward_blocks, reverse_blocks
from chainrule.transforms.boundary import handed_back
from chainrule.transforms.complex_checks import check_inputs, check_output
from chainrule.transforms.gradients import grad, normalize_argnums, partial_call
from chainrule.transforms.products import jvp, regroup

MODES = ("reverse", "forward")


def jacobian(f, argnums=0, mode="reverse", has_aux=False, chunk_size=None, holomorphic=False):
    """The Jacobian of ``f``: for output ``y`` and input ``x``, shape ``y.shape + x.shape``.

    ``mode="reverse"`` sweeps back once per output entry (best for few outputs);
    ``mode="forward"`` pushes tangents once per input entry (best for few inputs). At the top
    level the rows go through one batched sweep wherever the rules allow it, ``chunk_size``
    rows at a time (None: all at once; 1: one sweep per row, less memory). Containers nest as
    in JAX: the result has f's output structure, and each of its leaves the structure of the
    differentiated argument (a tuple of them for a tuple ``argnums``). With ``has_aux`` the
    result is ``(jacobian, aux)``.

    Complex values follow JAX (docs/complex.md): reverse mode needs real outputs (each row is
    the gradient ∂y/∂x − i·∂y/∂y of complex inputs), forward mode real inputs; with
    ``holomorphic=True`` inputs and outputs are complex and the result is ∂f/∂z.

    Raises:
        ValueError: for an unknown mode, argnums out of range, or a bad chunk_size.
        TypeError: for complex values the mode cannot take (see above).

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> A = np.array([[1.0, 2.0], [3.0, 4.0]])
        >>> cr.jacobian(lambda x: A @ x)(np.ones(2))
        array([[1., 2.],
               [3., 4.]])
    """
    if mode not in MODES:
        raise ValueError(f"jacobian mode must be 'reverse' or 'forward', got {mode!r}")

    @functools.wraps(f, updated=())
    def jacobian_f(*args, **kwargs):
        positions = normalize_argnums(argnums, args, f)
        primals = [args[i] for i in positions]
        transform = "jacrev" if mode == "reverse" else "jacfwd"
        check_inputs(primals, holomorphic, transform, real_only=mode == "forward")
        chosen = _output_checked(partial_call(f, args, positions, kwargs), holomorphic,
                                 transform, has_aux)
        names = [f"argument {i}" for i in positions]
        sweep = reverse_blocks if mode == "reverse" else forward_blocks
        blocks, out_structure, in_structures, aux = sweep(
            chosen, primals, names, has_aux, chunk_size
        )
        per_output = []
        for row in blocks:
            containers = regroup(in_structures, row)
            per_output.append(containers[0] if isinstance(argnums, int) else containers)
        out = handed_back(trees.unflatten(out_structure, per_output))
        return (out, aux) if has_aux else out

    return jacobian_f


def _output_checked(f, holomorphic, transform, has_aux):
    def checked(*args):
        out = f(*args)
        value = out[0] if has_aux and isinstance(out, (tuple, list)) and len(out) == 2 else out
        if holomorphic or transform == "jacrev":
            check_output(value, holomorphic, transform)
        return out

    return checked


def jacrev(f, argnums=0, has_aux=False, chunk_size=None, holomorphic=False):
    """The Jacobian by reverse mode (best when f has fewer outputs than inputs).

    Example:
        >>> import chainrule as cr
        >>> cr.jacrev(lambda x: x ** 3)(2.0)
        array(12.)
    """
    return jacobian(f, argnums, mode="reverse", has_aux=has_aux, chunk_size=chunk_size,
                    holomorphic=holomorphic)


def jacfwd(f, argnums=0, has_aux=False, chunk_size=None, holomorphic=False):
    """The Jacobian by forward mode (best when f has fewer inputs than outputs).

    Example:
        >>> import chainrule as cr
        >>> cr.jacfwd(lambda x: x ** 3)(2.0)
        array(12.)
    """
    return jacobian(f, argnums, mode="forward", has_aux=has_aux, chunk_size=chunk_size,
                    holomorphic=holomorphic)


def hessian(f, argnums=0, chunk_size=None, holomorphic=False):
    """The Hessian ∇²f of a one-output function: the Jacobian of its gradient.

    The gradient's own reverse sweep is recorded and swept back once more, all rows in one
    batched sweep (reverse over reverse: with chainrule's engine it is faster than forward
    over reverse, which records a tangent for every step of the gradient's sweep). For an
    input of shape s the result has shape s + s; for a tuple ``argnums`` it is a tuple of
    tuples of blocks ∂²f/∂xᵢ∂xⱼ. ``holomorphic=True`` gives f″(z) of a holomorphic f.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> cr.hessian(lambda x: (x ** 2).sum() * 0.5)(np.ones(2))
        array([[1., 0.],
               [0., 1.]])
    """
    return jacobian(grad(f, argnums, holomorphic=holomorphic), argnums, mode="reverse",
                    chunk_size=chunk_size, holomorphic=holomorphic)


def hvp(f, primals, tangents):
    """The Hessian-vector product ∇²f·v, without forming the Hessian (forward over reverse).

    ``primals`` and ``tangents`` are tuples, one entry per argument of f; with one argument
    the product comes back alone, with several as a tuple.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> cr.hvp(lambda x: (x ** 3).sum(), (np.array([1.0, 2.0]),), (np.ones(2),))
        array([ 6., 12.])
    """
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError("hvp takes primals and tangents as tuples, e.g. hvp(f, (x,), (v,))")
    positions = tuple(range(len(primals)))
    _, product = jvp(grad(f, argnums=positions), tuple(primals), tuple(tangents))
    return product[0] if len(primals) == 1 else product


__all__ = ["jacobian", "jacrev", "jacfwd", "hessian", "hvp"]
