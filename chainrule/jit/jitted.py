"""jit: trace a function once per input signature, then replay it as a straight-line NumPy
program — no tensors, nodes or graph building on the calls that follow.

The trace runs the function on inputs that are graph leaves, with the engine recording every
op on values that descend from them (derivatives included: a ``value_and_grad`` inside records
its backward sweep), and compiles that graph. See docs/jit.md for what a trace can replay.
"""

from __future__ import annotations

import functools

import numpy as np

from chainrule.backends import backend_of
from chainrule.engine_state import current
from chainrule.modes import running_trace
from chainrule.jit.compile import compile_trace
from chainrule.jit.fast_path import SCALAR_SIGNATURES, reader_for
from chainrule.jit.trace import Trace, TraceError
from chainrule.tensor import Tensor, wrap
from chainrule.transforms import trees
from chainrule.transforms.boundary import is_nested


def jit(fun=None, *, static_argnums=(), donate_argnums=()):
    """``fun``, traced on its first call per input signature and replayed on later calls.

    Arrays and tensors in the arguments (and in tuples, lists and dicts of them) are inputs of
    the trace: a call with the same shapes and dtypes replays it. Python numbers, and the
    arguments at ``static_argnums``, are part of the signature: the trace bakes them in, and a
    new value traces again. Everything else ``fun`` reads (globals, arrays it closes over) is
    a constant of the trace. Called inside another transform, or on tensors that require
    grad, ``fun`` runs as it is (a trace would hide the derivative from the outer level).

    Args:
        fun: a function of arrays, tensors and containers of them, returning the same.
        static_argnums: positions of arguments that select the computation (sizes, flags,
            modes); they must be hashable.
        donate_argnums: positions of arguments whose arrays the caller gives up: a replay may
            write its results into them (a training step updates its parameters in place, as
            an optimizer does, instead of holding old and new at once). Read them no more
            after the call; use what it returns. Arrays that are views, read-only, passed
            twice or wrapped in tensors are not written.

    Returns:
        The jitted function. ``.trace(*args)`` returns the :class:`Program` for those
        arguments (its ``source`` is the replayed NumPy code).

    Raises:
        TraceError: at the first call, when ``fun`` does something a trace cannot replay (an
            ``if`` on a traced value, ``.backward()``, ``.item()``, ``.numpy()``), with the fix.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> loss_and_grad = cr.value_and_grad(lambda w, x: cr.sum(cr.tanh(x @ w) ** 2))
        >>> step = cr.jit(loss_and_grad)
        >>> w, x = np.ones(3), np.arange(6.0).reshape(2, 3) / 10
        >>> loss, grad_w = step(w, x)          # traced, and run once
        >>> loss, grad_w = step(w + 1, x)      # replayed
        >>> bool(np.allclose(grad_w, loss_and_grad(w + 1, x)[1]))
        True
        >>> loss = lambda w, x: cr.sum(cr.tanh(x @ w) ** 2)
        >>> sgd = cr.jit(lambda w, x: w - 0.1 * cr.grad(loss)(w, x), donate_argnums=0)
        >>> w = sgd(np.ones(3), x)             # traced: a new array
        >>> sgd(w, x) is w                     # replayed: w's own array, updated in place
        True
    """
    if fun is None:
        return functools.partial(jit, static_argnums=static_argnums,
                                 donate_argnums=donate_argnums)
    static, donated = _positions(static_argnums), _positions(donate_argnums)
    if set(static) & set(donated):
        raise ValueError(f"jit: arguments {sorted(set(static) & set(donated))} are both static "
                         "and donated; a static argument is baked into the trace, not written")
    return Jitted(fun, static, donated)


def _positions(numbers):
    return (numbers,) if isinstance(numbers, int) else tuple(numbers)


class Jitted:
    """A jitted function: a cache of programs, one per input signature."""

    def __init__(self, fun, static_argnums, donate_argnums=()):
        self.fun = fun
        self.static_argnums = static_argnums
        self.donate_argnums = donate_argnums
        self.cache = {}
        self._readers = {}  # signature -> its fast_path.Reader (None where none applies)
        self._last = None  # (reader, traces) of the last signature the general path took
        functools.update_wrapper(self, fun, updated=())

    def __call__(self, *args, **kwargs):
        # The fast path: a call like the last one, on plain values, outside any transform.
        last = self._last
        if last is not None:
            found = last[0].read(args, kwargs)
            if found is not None:
                state = current()
                if state.trace is None and not state.depth and not state.forward_traces:
                    for program, outputs, guards in last[1]:
                        if not guards or all(read() == value for read, value in guards):
                            return _replay(program, outputs, *found)
        call = _Call(self, args, kwargs)
        if call.eager:
            return self.fun(*args, **kwargs)
        cached = self._cached(call)
        if cached is None:  # the trace's own results: the first call runs the function once
            program, outputs, values = self._trace(call)
        else:
            program, outputs = cached
            writes = program.donated and _writable(call, program.donated)
            values = (program.run if writes or not program.donated else program.run_keeping)(
                *call.inputs)
        self._remember(call, args, kwargs)
        return outputs.rebuild(values, program, _kept(call.inputs, program.donated),
                               replayed=cached is not None)

    def _remember(self, call, args, kwargs):
        """Make the fast path read calls like this one (plain values only)."""
        if call.any_tensor:
            self._last = None
            return
        if call.key not in self._readers:
            self._readers[call.key] = reader_for(args, kwargs, self.static_argnums,
                                                 set(self._donated(call)))
        reader = self._readers[call.key]
        self._last = None if reader is None else (reader, self.cache[call.key])

    def _cached(self, call):
        # One signature may hold several traces, one per state of the guards (train / eval).
        for program, outputs, guards in self.cache.get(call.key, ()):
            if all(read() == value for read, value in guards):
                return program, outputs
        return None

    def trace(self, *args, **kwargs):
        """The :class:`Program` replayed for these arguments (traced now if it is new)."""
        call = _Call(self, args, kwargs)
        if call.eager:
            raise TraceError(
                f"jit({self.__name__}): these arguments are followed by an outer derivative "
                "(tensors that require grad, or a transform around the call), so they run "
                "eagerly and have no program"
            )
        return (self._cached(call) or self._trace(call))[0]

    def _trace(self, call):
        with Trace(self.__name__) as trace:
            inputs = [trace.input(x) for x in call.inputs]
            args, kwargs = call.rebuild(inputs)
            result = self.fun(*args, **kwargs)
        leaves, structure, _ = trees.flatten(result, f"the result of {self.__name__}")
        values = [leaf._data if isinstance(leaf, Tensor) else leaf for leaf in leaves]
        program = compile_trace(trace, inputs, leaves, self.__name__, self._donated(call))
        outputs = _Outputs(structure, leaves, call.any_tensor)
        self.cache.setdefault(call.key, []).append((program, outputs, trace.guards))
        return program, outputs, values

    def _donated(self, call):
        """The positions among ``call.inputs`` of the arrays in donated arguments."""
        if not self.donate_argnums:
            return ()
        arguments = call.structure[2][0][2]  # (positional arguments, keywords): each argument
        leaves, start = set(), 0
        for position, argument in enumerate(arguments):
            count = trees.count(argument)
            if position in self.donate_argnums:
                leaves.update(range(start, start + count))
            start += count
        return [i for i, leaf in enumerate(call.where) if leaf in leaves]

    def __repr__(self):
        return f"<jit {self.__name__}: {sum(map(len, self.cache.values()))} trace(s)>"


class _Call:
    """One call's arguments: the dynamic inputs (arrays), and the signature they select."""

    __slots__ = ("jitted", "args", "kwargs", "structure", "leaves", "inputs", "where",
                 "key", "eager", "any_tensor", "library")

    def __init__(self, jitted, args, kwargs):
        self.jitted, self.args, self.kwargs = jitted, args, kwargs
        static = jitted.static_argnums
        dynamic = tuple(() if i in static else a for i, a in enumerate(args)) if static else args
        self.leaves = []
        self.structure = _structure((dynamic, kwargs), self.leaves)
        self.any_tensor = False
        self.library = "numpy"
        signature = _plain_signature(self.leaves)
        if signature is not None:  # arrays and NumPy scalars only: each leaf is an input
            self.inputs, self.where = self.leaves, range(len(self.leaves))
        else:
            signature = self._signature()
        # Inside a trace, or followed by an outer derivative: the function runs as it is. Only
        # a tensor can carry a derivative, so without one the leaves need no look. So it does
        # on another library's arrays: a program is straight-line NumPy over buffers of its own
        # (replayed on array-api-strict's arrays it gave NumPy arrays back), and the function
        # itself computes in the array's library.
        self.eager = self.library != "numpy" or running_trace() is not None or is_nested(
            self.leaves if self.any_tensor else ())
        statics = tuple(args[i] for i in static if i < len(args))
        self.key = None if self.eager else (
            self.structure, tuple(signature), _hashable(statics), self.any_tensor)

    def _signature(self):
        """The signature of leaves of any kind, and the inputs among them (tensors' arrays)."""
        self.inputs, self.where, signature = [], [], []
        for position, leaf in enumerate(self.leaves):
            kind = type(leaf)
            if kind is not np.ndarray and isinstance(leaf, Tensor):
                self.any_tensor = True
                leaf = leaf._data
            elif kind is float or kind is int or kind is bool or kind is complex:
                # A Python number is baked in: its repr tells -0.0 from 0.0 (equal, yet 1 / x
                # differs) and one NaN from another (never equal, yet the same value).
                signature.append((kind, repr(leaf)))
                continue
            elif kind is not np.ndarray and not isinstance(leaf, np.generic):
                trees.flatten(trees.unflatten(self.structure, self.leaves), "the arguments")
            if type(leaf) is not np.ndarray and not isinstance(leaf, np.generic):
                self.library = backend_of(leaf)
            self.inputs.append(leaf)
            self.where.append(position)
            signature.append((leaf.shape, leaf.dtype))
        return signature

    def rebuild(self, inputs):
        """The arguments with ``inputs`` in place of the dynamic leaves."""
        leaves = list(self.leaves)
        for position, value in zip(self.where, inputs):
            leaves[position] = value
        dynamic, kwargs = trees.unflatten(self.structure, leaves)
        args = [a if i not in self.jitted.static_argnums else self.args[i]
                for i, a in enumerate(dynamic)]
        return args, kwargs


def _plain_signature(leaves):
    """The signature of leaves that are all arrays or NumPy scalars, else None."""
    scalars = SCALAR_SIGNATURES
    signature = [scalars[kind] if (kind := type(leaf)) in scalars else (
        (leaf.shape, leaf.dtype) if kind is np.ndarray else None) for leaf in leaves]
    return None if None in signature else signature


def _writable(call, donated):
    """Whether the donated inputs can be written: arrays that own their memory, writeable,
    each passed once, no other input a view of one of them, and no tensor among the leaves
    (whose graph would not see the write)."""
    if call.any_tensor:
        return False
    inputs, given = call.inputs, set()
    for i in donated:
        x = inputs[i]
        if type(x) is not np.ndarray or x.base is not None or not x.flags.writeable:
            return False
        given.add(id(x))
    if len(given) < len(donated):
        return False
    return not any(type(x) is np.ndarray and (id(x) in given or id(x.base) in given)
                   for i, x in enumerate(inputs) if i not in donated)


def _structure(tree, leaves):
    """``trees.flatten``'s structure of ``tree`` (leaves appended to ``leaves``), without the
    paths it builds for error messages: this runs on every call."""
    kind = type(tree)
    if kind is tuple or kind is list or isinstance(tree, (tuple, list)):
        return (kind, None, _children(tree, leaves))
    if kind is dict or isinstance(tree, dict):
        return (dict, tuple(tree), _children(tree.values(), leaves))
    leaves.append(tree)
    return trees.LEAF


def _children(values, leaves):
    # Arrays and NumPy scalars are leaves: taken here, without a call each (a list of
    # thousands of scalars is a common argument).
    parts = []
    for child in values:
        kind = type(child)
        if kind is np.ndarray or kind in SCALAR_SIGNATURES:
            leaves.append(child)
            parts.append(trees.LEAF)
        else:
            parts.append(_structure(child, leaves))
    return tuple(parts)


def _hashable(statics):
    try:
        hash(statics)
    except TypeError as exc:
        raise TypeError(f"jit: static arguments must be hashable, got {statics!r}") from exc
    return statics


class _Outputs:
    """What the traced function returned: its structure, and which leaves were tensors."""

    def __init__(self, structure, leaves, any_tensor):
        self.structure = structure
        self.tensors = [any_tensor and isinstance(leaf, Tensor) for leaf in leaves]
        self.any_tensor = any(self.tensors)

    def rebuild(self, values, program, kept, replayed=True):
        """The results, from the flat ``values`` (the program's, or the trace's own when not
        ``replayed``): none shares memory with another or with an input in ``kept``."""
        if not (replayed and program.fresh):
            values = list(values)
            for i in program.constant_outputs:
                if isinstance(values[i], np.ndarray):
                    values[i] = values[i].copy()  # the caller may write into what it gets
            _unalias(values, kept)
        if self.any_tensor:
            values = [wrap(v) if tensor else v for v, tensor in zip(values, self.tensors)]
        return trees.unflatten(self.structure, values)


def _replay(program, outputs, inputs, writes, kept):
    values = (program.run if writes or not program.donated else program.run_keeping)(*inputs)
    return outputs.rebuild(values, program, kept)


def _kept(inputs, donated):
    """The inputs that no result may share memory with: all but the donated (the caller gave
    those up, and one may come back as a result)."""
    return [x for i, x in enumerate(inputs) if i not in donated] if donated else inputs


def _unalias(values, inputs):
    """Copy results that share memory with an input or another result (a reshape, an
    identity, one value returned twice), so that writing into one never changes another."""
    kept, views, seen = [], False, None
    for i, value in enumerate(values):
        if type(value) is np.ndarray:
            if seen is None:  # made at the first array: results of scalars need none of this
                seen = {id(x) for x in inputs}
            # A fresh, writeable array while no result so far is a view aliases nothing: the
            # common case costs a few tests, not a memory-overlap check per pair.
            fresh = value.base is None and not views and id(value) not in seen and (
                value.flags.writeable)
            if not fresh and _shares(value, (*kept, *inputs)):
                value = values[i] = value.copy()
            views = views or value.base is not None
            seen.add(id(value))
            kept.append(value)


def _shares(value, others):
    return not value.flags.writeable or any(
        isinstance(other, np.ndarray) and np.may_share_memory(value, other) for other in others)


__all__ = ["jit", "Jitted"]
