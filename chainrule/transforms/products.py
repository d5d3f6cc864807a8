"""The two Jacobian products every other transform is built from: vjp (reverse) and jvp (forward).

``record`` runs ``f`` once on fresh inputs and keeps the graph; ``pull`` sweeps cotangents
back through it as often as needed. ``push`` runs ``f`` with tangents riding along, in one pass.
Arguments and results may be containers (tuples, lists, dicts) of numbers, arrays and tensors.
"""

from __future__ import annotations

import numpy as np

from chainrule.autodiff import forward, reverse
from chainrule.tensor import Tensor
from chainrule.transforms import trees
from chainrule.backends import ForeignArray, MixedBackendsError, hold, is_foreign_array
from chainrule.transforms.boundary import (
    handed_back,
    as_input,
    call,
    floating,
    is_followed,
    is_live,
    is_nested,
    is_recorded,
    lower,
    output_tensor,
    owned,
    zeros_for,
)


class Recorded:
    """``f`` applied once to fresh inputs: its flat inputs and outputs, ready to sweep back.

    ``nested``: an outer transform follows, so sweeps must carry derivatives. ``followed``: an
    outer level (that transform, or jit) follows, so sweeps are recorded and results stay
    tensors.
    """

    __slots__ = ("inputs", "input_nodes", "structures", "outputs", "out_structure", "aux",
                 "nested", "followed")


def split_aux(out, has_aux):
    """``(output, aux)`` from what ``f`` returned; aux is None without ``has_aux``."""
    if not has_aux:
        return out, None
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        raise TypeError(
            f"with has_aux=True the function must return a pair (output, aux), but it returned "
            f"{_what(out)}"
        )
    return out[0], out[1]


def _what(value):
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)}"
    return f"a {type(value).__name__}"


def record(f, primals, names, has_aux=False):
    """Run ``f(*primals)`` on fresh input nodes (one per leaf) and keep what a sweep needs."""
    flat = [trees.flatten(p, name) for p, name in zip(primals, names)]
    rec = Recorded()
    given = [leaf for leaves, _, _ in flat for leaf in leaves]
    rec.nested = is_nested(given)
    rec.followed = is_followed(given, rec.nested)
    rec.inputs, rec.structures, args = [], [], []
    for leaves, structure, paths in flat:
        tensors = [as_input(leaf, path) for leaf, path in zip(leaves, paths)]
        rec.inputs.extend(tensors)
        rec.structures.append(structure)
        args.append(trees.unflatten(structure, tensors))
    # The inputs' own nodes, kept now: an in-place write inside f (x[i] = v) rebinds a tensor to
    # the write's node, and the gradient must still reach the input as it was given.
    rec.input_nodes = [x.node for x in rec.inputs]
    out, aux = split_aux(call(f, args), has_aux)
    rec.aux = trees.map_tensors(lambda t: lower(t, rec.followed), aux)
    leaves, rec.out_structure, paths = trees.flatten(out, "the output of f")
    rec.outputs = [output_tensor(leaf, path) for leaf, path in zip(leaves, paths)]
    return rec


def pull(rec, seeds, followed=False, last=False):
    """Per input leaf, Σₖ seedsₖᵀ·∂outputₖ/∂input: one reverse sweep (None seeds are skipped).

    A seed may be an array, a tensor (nested) or a batch of cotangents; what comes back for an
    input is of the same kind, or None where no output depends on that input. ``last`` says
    that no later sweep reads ``rec`` (grad sweeps once): followed by jit alone, the sweep then
    drops the arrays it has read as it passes, as an eager backward pass frees them, and the
    trace holds only what its compiler reads.
    """
    roots, root_seeds = [], []
    for out, seed in zip(rec.outputs, seeds):
        if seed is not None and out.node is not None:
            roots.append(out.node)
            root_seeds.append(seed)
    if not roots:
        return [None] * len(rec.inputs)
    targets = set(rec.input_nodes)
    # Followed by jit alone, the sweep runs on tensors that carry no derivative: recorded for
    # the replay, never differentiated.
    traced_once = last and rec.followed and not (rec.nested or followed)
    found = reverse.sweep(
        roots, root_seeds, targets=targets, retain_graph=not traced_once,
        create_graph=rec.followed or followed, record=rec.nested or followed,
        keep_layouts=traced_once,
    )
    return [found.get(node) for node in rec.input_nodes]


def regroup(structures, flat_values):
    """Flat per-leaf values as one container per structure (one per primal, in order)."""
    values = iter(flat_values)
    return tuple(
        trees.unflatten(s, [next(values) for _ in range(trees.count(s))]) for s in structures
    )


def vjp(f, *primals, has_aux=False):
    """Reverse mode: ``(f(*primals), vjp_fn)``; ``vjp_fn(v)`` is vᵀ·J, one entry per primal.

    ``v`` has the structure and shapes of ``f``'s output; ``vjp_fn`` can be called many times
    (one reverse sweep each). With ``has_aux`` ``f`` returns ``(output, aux)`` and vjp returns
    ``(output, vjp_fn, aux)``.

    Example:
        >>> import chainrule as cr
        >>> out, vjp_fn = cr.vjp(lambda x: x * x, 3.0)
        >>> float(out), float(vjp_fn(1.0)[0])
        (9.0, 6.0)
    """
    rec = record(f, primals, [f"argument {i}" for i in range(len(primals))], has_aux)

    def vjp_fn(cotangent):
        # vjp_fn is linear in the cotangent: called later inside another transform on a
        # cotangent that transform follows, the sweep must carry that derivative too.
        leaves = trees.flatten(cotangent, "the cotangent")[0]
        followed = rec.followed or any(is_live(leaf) for leaf in leaves)
        seeds = _cotangent_seeds(cotangent, rec, followed)
        grads = pull(rec, seeds, followed=followed)
        flat = [_plain(g, x, followed) for g, x in zip(grads, rec.inputs)]
        if not followed:
            flat = owned(flat, [*seeds, *(x._data for x in rec.inputs)])
        return handed_back(regroup(rec.structures, flat))

    out = trees.unflatten(rec.out_structure, [lower(o, rec.followed) for o in rec.outputs])
    return (handed_back(out), vjp_fn, rec.aux) if has_aux else (handed_back(out), vjp_fn)


def _plain(value, x, followed):
    return zeros_for(x) if value is None else lower(value, followed)


def _cotangent_seeds(cotangent, rec, followed):
    leaves, structure, paths = trees.flatten(cotangent, "the cotangent")
    if structure != rec.out_structure:
        raise ValueError(
            f"the cotangent must have the structure of f's output, "
            f"{trees.describe(rec.out_structure)}, but it is {trees.describe(structure)}"
        )
    return [
        _matching(v, out, followed, path, "output")
        for v, out, path in zip(leaves, rec.outputs, paths)
    ]


def _matching(value, like, followed, path, partner):
    """``value`` as a seed for ``like``: its shape checked, cast to its dtype."""
    if isinstance(value, Tensor) and followed and (is_live(value) or is_recorded(value)):
        data_shape = value.shape
    else:
        value = getattr(value, "_data", value)
        if is_foreign_array(value):
            value = hold(value)
        if np.iscomplexobj(value) and like.dtype.kind != "c":
            raise TypeError(
                f"{path} is complex, but the {partner} it goes with is real ({like.dtype}): the "
                "tangents and cotangents of a real value are real (see docs/complex.md)"
            )
        value = _seed_array(value, like)
        data_shape = value.shape
        value = value[()] if value.ndim == 0 else value
    if data_shape != like.shape:
        raise ValueError(
            f"{path} has shape {data_shape}, but the {partner} it goes with has shape "
            f"{like.shape}; they must match"
        )
    return value


def push(f, args, tangents, names, has_aux=False, followed=False):
    """Run ``f(*args)`` with ``tangents`` (flat, per leaf; None: none) riding in one new trace.

    Returns the flat output tensors, the output structure, their flat tangents (None where the
    output does not depend on the tangents) and aux (plain unless ``followed``).
    """
    with forward.ForwardTrace() as trace:
        seeded, flat_tangents = [], iter(tangents)
        for arg, name in zip(args, names):
            leaves, structure, paths = trees.flatten(arg, name)
            inputs = []
            for leaf, path in zip(leaves, paths):
                x, x_dot = floating(leaf, path), next(flat_tangents)
                inputs.append(x if x_dot is None else forward.seed(trace, x, x_dot))
            seeded.append(trees.unflatten(structure, inputs))
        out, aux = split_aux(call(f, seeded), has_aux)
        leaves, out_structure, paths = trees.flatten(out, "the output of f")
        outputs = [output_tensor(leaf, path) for leaf, path in zip(leaves, paths)]
        out_dots = [forward.tangent_of_tensor(trace, o) for o in outputs]
    return outputs, out_structure, out_dots, trees.map_tensors(lambda t: lower(t, followed), aux)


def jvp(f, primals, tangents, has_aux=False):
    """Forward mode: ``(f(*primals), J·tangents)`` in one pass, tangents riding with the values.

    ``tangents`` has the structure and shapes of ``primals``; the cost is one evaluation of
    ``f`` whatever the number of outputs. With ``has_aux`` it returns ``(out, out_dot, aux)``.

    Example:
        >>> import chainrule as cr
        >>> out, out_dot = cr.jvp(lambda x, y: x * y, (3.0, 4.0), (1.0, 0.0))
        >>> float(out), float(out_dot)
        (12.0, 4.0)
    """
    primals, tangents = _pair_of_sequences(primals, tangents)
    names = [f"argument {i}" for i in range(len(primals))]
    flat_tangents, given, live = [], [], False
    for i, (p, t) in enumerate(zip(primals, tangents)):
        leaves, structure, paths = trees.flatten(p, names[i])
        t_leaves, t_structure, _ = trees.flatten(t, f"tangent {i}")
        if t_structure != structure:
            raise ValueError(
                f"tangent {i} must have the structure of its primal, "
                f"{trees.describe(structure)}, but it is {trees.describe(t_structure)}"
            )
        for leaf, t_leaf, path in zip(leaves, t_leaves, paths):
            x = floating(leaf, path)
            flat_tangents.append(_matching(t_leaf, x, True, f"the tangent of {path}", "primal"))
            live = live or is_live(leaf) or is_live(t_leaf)
            given += [leaf, t_leaf]
    followed = is_followed(given, live or is_nested(()))
    outputs, structure, out_dots, aux = push(f, primals, flat_tangents, names, has_aux, followed)
    out = trees.unflatten(structure, [lower(o, followed) for o in outputs])
    dots = [_plain(d, o, followed) for d, o in zip(out_dots, outputs)]
    if not followed:
        given = [getattr(v, "_data", v) for v in trees.flatten(primals, "primals")[0]]
        dots = owned(dots, [*flat_tangents, *given])
    out_dot = trees.unflatten(structure, dots)
    out, out_dot = handed_back((out, out_dot))
    return (out, out_dot, aux) if has_aux else (out, out_dot)


def _seed_array(value, like):
    """A seed as an array of ``like``'s dtype, in ``like``'s array library (never a copy
    between libraries)."""
    if is_foreign_array(value):
        value = hold(value)
    data = getattr(like, "_data", like)
    if isinstance(value, ForeignArray) or isinstance(data, ForeignArray):
        if type(value) is not type(data) and not isinstance(value, (int, float)):
            raise MixedBackendsError(
                "a seed (tangent or cotangent) must be an array of its primal's backend",
                getattr(data, "backend", "numpy"), other=getattr(value, "backend", "numpy"))
        if not isinstance(value, ForeignArray):  # a number: filled in like's library
            return np.full_like(data, value)
        return value if value.dtype == like.dtype else value.astype(like.dtype)
    return np.asarray(value, dtype=like.dtype)


def _pair_of_sequences(primals, tangents):
    for name, value in (("primals", primals), ("tangents", tangents)):
        if not isinstance(value, (tuple, list)):
            raise TypeError(
                f"jvp takes {name} as a tuple with one entry per argument of f, e.g. "
                f"jvp(f, (x,), (v,)); got a {type(value).__name__}"
            )
    if len(primals) != len(tangents):
        raise ValueError(
            f"jvp needs one tangent per primal: got {len(primals)} primals and "
            f"{len(tangents)} tangents"
        )
    return tuple(primals), tuple(tangents)


__all__ = ["vjp", "jvp", "record", "pull", "push", "regroup", "split_aux", "Recorded"]
