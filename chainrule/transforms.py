"""Function transforms, JAX style: grad, value_and_grad, vjp, jvp, jacobian, hessian, hvp.

Each call gives its inputs fresh nodes of their own, so nested transforms never confuse their
perturbations: an inner ``grad`` sweeps back only to its own inputs, and an inner ``jvp`` seeds
only its own trace. Called with plain values they return plain NumPy values; called on tensors
that an outer transform follows, they return tensors that carry the outer derivative.
"""

from __future__ import annotations

import numpy as np

from chainrule.autodiff import forward, reverse
from chainrule.graph import Node
from chainrule.primitive import Primitive
from chainrule.tensor import Tensor, tensor, wrap

# The node that starts an inner transform's graph. Its parent links it to an outer level.
_input = Primitive(
    "input", lambda x: x, (lambda grad_out, out, x: grad_out,), (lambda x_dot, out, x: x_dot,),
    "1", reads_inputs=False, doc="Where a transform's input enters its graph (identity).",
)


class _Depth:
    __slots__ = ("value",)

    def __init__(self):
        self.value = 0


_depth = _Depth()


def as_input(value, what="input"):
    """A tensor holding ``value`` whose node is new: a transform differentiates w.r.t. it."""
    x = _floating(value, what)
    node = Node(_input, [x.node], (x,), x._data, {})
    out = wrap(x._data, node)
    out.tangents = dict(x.tangents) if x.tangents else None
    return out


def _floating(value, what):
    x = value if isinstance(value, Tensor) else tensor(value)
    if x.dtype.kind not in "fc":
        raise TypeError(
            f"cannot differentiate with respect to an {x.dtype} {what}: derivatives need "
            f"floating-point values; pass floats (e.g. 2.0 or np.asarray(x, dtype=float))"
        )
    return x


def is_live(x):
    """Whether ``x`` is followed by some derivative (a graph node or forward tangents)."""
    return isinstance(x, Tensor) and (x.node is not None or bool(x.tangents))


def lower(x, nested=False):
    """What a transform returns: the plain array, or the tensor when an outer level follows it.

    At the outermost level every graph the transform built is finished, so the value is
    returned plain even when a node is attached (the record of the transform's own sweep).
    """
    if nested and is_live(x):
        return x
    return x._data if isinstance(x, Tensor) else x


def _nested(values):
    return _depth.value > 0 or bool(forward.active_traces) or any(is_live(v) for v in values)


def _call(f, inputs):
    _depth.value += 1
    try:
        return f(*inputs)
    finally:
        _depth.value -= 1


def _output(out, f):
    if isinstance(out, Tensor):
        return out
    array = np.asarray(out)
    if array.dtype.kind not in "biufc":
        name = getattr(f, "__name__", "the function")
        raise TypeError(
            f"{name} returned {type(out).__name__}, not a number or array; a function to "
            "differentiate must return a tensor, an array or a float"
        )
    return tensor(array)


def vjp(f, *primals):
    """Reverse mode: ``(f(*primals), vjp_fn)`` with ``vjp_fn(v) = vᵀ·J`` for each primal.

    Example:
        >>> import chainrule as cr
        >>> out, vjp_fn = cr.vjp(lambda x: x * x, 3.0)
        >>> float(out), float(vjp_fn(1.0)[0])
        (9.0, 6.0)
    """
    nested = _nested(primals)
    inputs = [as_input(p, f"argument {i}") for i, p in enumerate(primals)]
    out = _output(_call(f, inputs), f)

    def vjp_fn(cotangent):
        seed = cotangent._data if isinstance(cotangent, Tensor) and not nested else cotangent
        if not isinstance(seed, Tensor):
            seed = np.asarray(seed, dtype=out.dtype)
            if seed.shape != out.shape:
                raise ValueError(
                    f"the cotangent must have the output's shape {out.shape}, got {seed.shape}"
                )
            seed = seed[()] if seed.ndim == 0 else seed
        found = {}
        if out.node is not None:
            targets = {x.node for x in inputs}
            found = reverse.sweep([out.node], [seed], targets=targets, retain_graph=True,
                                  create_graph=nested)
        return tuple(_gradient(found.get(x.node), x, nested) for x in inputs)

    return lower(out, nested), vjp_fn


def _gradient(value, x, nested):
    if value is None:
        data = np.zeros_like(x._data)
        return data[()] if data.ndim == 0 else data
    return lower(value, nested)


def jvp(f, primals, tangents):
    """Forward mode: ``(f(*primals), J·tangents)`` in one pass, tangents riding with the values.

    Example:
        >>> import chainrule as cr
        >>> out, out_dot = cr.jvp(lambda x, y: x * y, (3.0, 4.0), (1.0, 0.0))
        >>> float(out), float(out_dot)
        (12.0, 4.0)
    """
    primals, tangents = tuple(primals), tuple(tangents)
    nested = _nested(primals) or any(is_live(t) for t in tangents)
    if len(primals) != len(tangents):
        raise ValueError(
            f"jvp needs one tangent per primal: got {len(primals)} primals and "
            f"{len(tangents)} tangents"
        )
    with forward.ForwardTrace() as trace:
        inputs = []
        for i, (p, t) in enumerate(zip(primals, tangents)):
            x = _floating(p, f"argument {i}")
            t_data = t if isinstance(t, Tensor) else np.asarray(t, dtype=x.dtype)
            if tuple(t_data.shape) != x.shape:
                raise ValueError(
                    f"tangent {i} has shape {tuple(t_data.shape)} but its primal has shape "
                    f"{x.shape}; they must match"
                )
            if not isinstance(t_data, Tensor) and t_data.ndim == 0:
                t_data = t_data[()]
            inputs.append(forward.seed(trace, x, t_data))
        out = _output(_call(f, inputs), f)
        out_dot = forward.tangent_of_tensor(trace, out)
    if out_dot is None:
        out_dot = np.zeros_like(out._data)
    return lower(out, nested), lower(out_dot, nested)


def value_and_grad(f, argnums=0):
    """``f`` and its gradient together: returns a function giving ``(f(*args), ∇f)``.

    Example:
        >>> import chainrule as cr
        >>> value, slope = cr.value_and_grad(lambda x: x ** 2)(5.0)
        >>> float(value), float(slope)
        (25.0, 10.0)
    """

    def value_and_grad_f(*args):
        numbers = (argnums,) if isinstance(argnums, int) else tuple(argnums)
        _check_argnums(numbers, args, f)

        def partial(*chosen):
            full = list(args)
            for i, value in zip(numbers, chosen):
                full[i] = value
            return f(*full)

        out, vjp_fn = vjp(partial, *(args[i] for i in numbers))
        if np.size(getattr(out, "_data", out)) != 1:
            raise TypeError(
                f"grad needs a function with one output value, but this one returned shape "
                f"{np.shape(getattr(out, '_data', out))}; use jacobian() for the full matrix of "
                "derivatives, or vjp() for vᵀ·J"
            )
        grads = vjp_fn(np.ones_like(getattr(out, "_data", out)))
        return out, (grads[0] if isinstance(argnums, int) else grads)

    return value_and_grad_f


def grad(f, argnums=0):
    """The gradient ∇f of a function with one output value, as a function.

    Example:
        >>> import chainrule as cr
        >>> float(cr.grad(cr.sin)(0.0))
        1.0
    """
    value_and_grad_f = value_and_grad(f, argnums)

    def grad_f(*args):
        return value_and_grad_f(*args)[1]

    return grad_f


def _check_argnums(numbers, args, f):
    for i in numbers:
        if not -len(args) <= i < len(args):
            raise ValueError(
                f"argnums {i} is out of range: {getattr(f, '__name__', 'the function')} was "
                f"called with {len(args)} positional argument(s)"
            )


def jacobian(f, argnums=0, mode="reverse"):
    """The Jacobian matrix of ``f``: shape ``out.shape + x.shape``, by reverse or forward mode.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> A = np.array([[1.0, 2.0], [3.0, 4.0]])
        >>> cr.jacobian(lambda x: A @ x)(np.ones(2))
        array([[1., 2.],
               [3., 4.]])
    """
    if mode not in ("reverse", "forward"):
        raise ValueError(f"jacobian mode must be 'reverse' or 'forward', got {mode!r}")

    def jacobian_f(*args):
        _check_argnums((argnums,), args, f)
        x = args[argnums]

        def partial(value):
            full = list(args)
            full[argnums] = value
            return f(*full)

        return (_jacobian_reverse if mode == "reverse" else _jacobian_forward)(partial, x)

    return jacobian_f


def _jacobian_reverse(f, x):
    out, vjp_fn = vjp(f, x)
    out_data = getattr(out, "_data", out)
    x_shape = np.shape(getattr(x, "_data", x))
    rows = []
    for i in range(np.size(out_data)):
        seed = np.zeros(np.size(out_data), dtype=np.result_type(out_data))
        seed[i] = 1
        rows.append(vjp_fn(seed.reshape(np.shape(out_data)))[0])
    return _assemble(rows, np.shape(out_data), x_shape, by_rows=True)


def _jacobian_forward(f, x):
    data = np.asarray(getattr(x, "_data", x), dtype=float)
    columns, out = [], None
    for j in range(data.size):
        tangent = np.zeros(data.size, dtype=data.dtype)
        tangent[j] = 1
        out, column = jvp(f, (x,), (tangent.reshape(data.shape),))
        columns.append(column)
    if out is None:
        out = _output(f(_floating(x, "argument")), f)
    return _assemble(columns, np.shape(getattr(out, "_data", out)), data.shape, by_rows=False)


def _assemble(parts, out_shape, x_shape, by_rows):
    full_shape = tuple(out_shape) + tuple(x_shape)
    if not any(isinstance(p, Tensor) for p in parts):
        if not parts:
            return np.zeros(full_shape)
        flat = [np.reshape(p, -1) for p in parts]
        return np.stack(flat, axis=0 if by_rows else 1).reshape(full_shape)
    from chainrule.ops import joining, shape

    flat = [shape.reshape(p, (-1,)) for p in parts]
    return shape.reshape(joining.stack(flat, axis=0 if by_rows else 1), full_shape)


jacrev = jacobian


def jacfwd(f, argnums=0):
    """The Jacobian by forward mode: one pass per input entry (best for few inputs).

    Example:
        >>> import chainrule as cr
        >>> cr.jacfwd(lambda x: x ** 3)(2.0)
        array(12.)
    """
    return jacobian(f, argnums, mode="forward")


def hessian(f, argnums=0):
    """The Hessian ∇²f of a one-output function: forward mode over reverse mode.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> cr.hessian(lambda x: (x ** 2).sum() * 0.5)(np.ones(2))
        array([[1., 0.],
               [0., 1.]])
    """
    return jacfwd(grad(f, argnums), argnums)


def hvp(f, primals, tangents):
    """The Hessian-vector product ∇²f·v, without forming the Hessian (forward over reverse).

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> cr.hvp(lambda x: (x ** 3).sum(), (np.array([1.0, 2.0]),), (np.ones(2),))
        array([ 6., 12.])
    """
    primals, tangents = tuple(primals), tuple(tangents)
    if len(primals) != 1:
        raise ValueError(
            f"hvp differentiates a function of one argument, got {len(primals)} primals; "
            "close over the others (lambda x: f(x, y))"
        )
    return jvp(grad(f), primals, tangents)[1]
