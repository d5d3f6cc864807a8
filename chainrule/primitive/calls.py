"""``apply``, the one door of every op: NumPy alone on plain arrays; on tensors it also records
a node and pushes tangents (and, while jit traces, every op on a traced value:
:mod:`chainrule.trace_recording`); symbolic values (formula terms) apply the op themselves."""

from __future__ import annotations

import weakref

import numpy as np

from chainrule import trace_recording
from chainrule.autodiff import forward
from chainrule.backends import BackendError, ForeignArray, hold, is_foreign_array
from chainrule.autodiff.fit import fit_gradient, summed_axes
from chainrule.autodiff.saved import check_saved, saved_values
from chainrule.compiled import core
from chainrule.engine_state import current, state_variable
from chainrule.graph import Node, mutation, sequence as graph_sequence
from chainrule.primitive.declaration import Primitive, refuse_complex
from chainrule.primitive.rule_forms import gradient_unchanged
from chainrule.tensor import (
    Tensor, asarray_if_sequence, is_stale, refuse_stale, stale_watch, wrap,
)

# Argument types that need no conversion: apply hands them to the forward as they are.
_NUMPY_VALUES = frozenset({np.ndarray, *(np.dtype(c).type for c in "?bhilqBHILQefdgFDG")})


# Types whose values are real: a scalar graph's ops need no closer look for complex values.
_REAL_SCALARS = frozenset({float, int, *(np.dtype(c).type for c in "?bhilqBHILQefdg")})


# Types of symbolic values, each with the function that applies an op to them: apply(prim, args,
# params). chainrule.explanation.formulas.terms registers its formula terms, on which the rules
# run to write their own formulas. Only arguments of no common type are looked up here.
SYMBOLIC_TYPES: dict = {}


def apply(prim, *args, **params):
    """Run ``prim``: NumPy alone on plain arrays; on tensors also record and push tangents."""
    numbers_only, sequence = True, False
    for arg in args:
        kind = type(arg)
        if kind is Tensor:  # an op on a recorded value: one test before anything else
            return record(prim, args, params)
        if kind in _NUMPY_VALUES:  # the common case on plain values: one set lookup
            numbers_only = False
        elif kind is float or kind is int:
            continue
        elif isinstance(arg, Tensor):
            return record(prim, args, params)
        elif kind in SYMBOLIC_TYPES:
            return SYMBOLIC_TYPES[kind](prim, args, params)
        elif kind is list or kind is tuple:
            numbers_only, sequence = False, True
        elif is_foreign_array(arg):  # a dict lookup by type after the first
            return _apply_to_foreign(prim, args, params)
        else:
            numbers_only = False
    if current().trace is not None and trace_recording.follows(prim, params):
        return trace_recording.record(prim, args, params)
    if sequence:
        # Forwards use Python operators where they are fastest (NumPy scalars); a list given
        # to a public op must still mean an array, as in NumPy, never list concatenation.
        return prim.forward(*[asarray_if_sequence(a) for a in args], **params)
    if numbers_only and args:
        # Python operators raise at 1/0 and go complex at (-2)**0.5 on Python numbers:
        # compute as NumPy would on them (inf, nan, a warning).
        args = [np.asarray(a) for a in args]
    try:
        return prim.forward(*args, **params)
    except BackendError as exc:
        raise exc.in_op(prim.name, args) from None


def _apply_to_foreign(prim, args, params):
    """An op on another library's plain arrays: held with NumPy's face while the op runs,
    and given back in the library's own type (as NumPy's arrays come back as arrays)."""
    held = [hold(a) if is_foreign_array(a) else a for a in args]
    return handed_back(apply(prim, *held, **params))


def handed_back(value):
    """Results as the caller gets them: another library's arrays in their own type."""
    if isinstance(value, ForeignArray):
        return value.array
    if type(value) is tuple or type(value) is list:
        return type(value)(handed_back(v) for v in value)
    return value


def record(prim, args, params):
    """Apply ``prim`` to arguments of which some are tensors: the engine's per-op hot path."""
    state = current()  # this thread's (or task's) switches, read once per op
    if state.trace is not None:
        return _record_traced(prim, args, params)
    # The sweeps and forward rules read saved values, which stay as they were.
    check_stale = stale_watch.possible and not (state.sweeps or state.rules)
    raw = []
    parents = []
    live = False
    for arg in args:
        if type(arg) is Tensor or isinstance(arg, Tensor):
            if check_stale and is_stale(arg):
                refuse_stale(arg)
            raw.append(arg._data)
            node = arg.node
            parents.append(node)
            live = live or node is not None
        elif type(arg) is list or type(arg) is tuple:
            return record(prim, [asarray_if_sequence(a) for a in args], params)
        else:
            raw.append(arg)
            parents.append(None)
    try:
        out = prim.forward(*raw, **params)
    except BackendError as exc:  # an array library lacks a function: name the op that asked
        raise exc.in_op(prim.name, raw) from None
    if prim.vjps is None:
        return wrap(out)
    node = None
    if live and state.grad_enabled:
        raw = tuple(raw)
        if _keeps_inputs(state):
            node = Node(prim, parents, args, out, params, raw)
        else:
            node = Node(prim, parents, raw, out, params, raw, version_owners(prim, args, raw))
    if not prim.supports_complex and (node is not None or state.forward_traces) and not (
            type(out) in _REAL_SCALARS and all(type(x) in _REAL_SCALARS for x in raw)):
        refuse_complex(prim, raw, out)
    result = wrap(out, node)
    if state.forward_traces:
        forward.push_tangents(result, prim, args, params)
    if state.op_hooks:
        for hook in state.op_hooks:
            hook(prim, args, params, result)
    return result


def _keeps_inputs(state):
    """Whether nodes keep the input tensors themselves, or only their values (``inputs`` is
    then ``raw``): a graph of nodes that hold no tensors lets each tensor die with its name, and
    the garbage collector, which walks every live object a recording leaves, walks half as many.

    The tensors are kept where a reader needs them: forward-mode tangents (while a forward level
    is active), op hooks and explanations (which name inputs by identity), and transforms
    (nested sweeps). The in-place checks need only the tensors' versions (see
    :func:`version_owners`).
    """
    return bool(state.forward_traces or state.op_hooks or state.keeps_inputs or state.depth)


def version_owners(prim, args, raw):
    """What a node that keeps only values needs for the in-place check: where its rules read an
    input array held by a tensor, a weak reference to the tensor that counts writes into that
    array (the tensor, or the base it is a view of); None elsewhere, and None for no such input.

    Weak, so that the graph holds no tensor: one that is gone can be written by nobody, and one
    still alive is checked as it would be if the node held it. NumPy scalars and numbers need
    no check: a write replaces them.
    """
    if not prim.reads_inputs:
        return None
    owners = None
    for i, x in enumerate(raw):
        if x is None or isinstance(x, (np.generic, int, float, complex)):
            continue
        arg = args[i]
        if isinstance(arg, Tensor):
            if owners is None:
                owners = [None] * len(raw)
            owners[i] = weakref.ref(arg if arg._base is None else arg._base)
    return None if owners is None else tuple(owners)


def _record_traced(prim, args, params):
    result = trace_recording.record(prim, args, params)
    if not prim.supports_complex and _carries_derivative(result):
        refuse_complex(prim, [getattr(a, "_data", a) for a in args], result._data)
    return result


def _carries_derivative(result):
    return isinstance(result, Tensor) and (
        (result.node is not None and result.node.carries_derivative) or bool(result.tangents))


if core is None:
    # prim(*args, **params) is apply(prim, *args, **params) itself: one Python call less per op.
    Primitive.__call__ = apply
else:
    # The compiled core calls a primitive (Primitive's base) and records the common case in C,
    # and hands every other case to the Python apply and record above.
    core.configure(
        Tensor=Tensor, Node=Node, state_var=state_variable, apply=apply, record=record,
        stale_watch=stale_watch, numpy_values=_NUMPY_VALUES, real_scalars=_REAL_SCALARS,
        numpy_generic=np.generic, sequence=graph_sequence, mutation=mutation,
        refuse_complex=refuse_complex, backend_error=BackendError, check_saved=check_saved,
        saved_values=saved_values, fit_gradient=fit_gradient, ndarray=np.ndarray,
        fit_axes=summed_axes, add_reduce=np.add.reduce, passes_unchanged=gradient_unchanged,
    )
    record = core.record


__all__ = ["SYMBOLIC_TYPES", "apply", "record"]
