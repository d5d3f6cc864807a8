"""The tape that ``chainrule.jit`` records while it runs a function once: every step that
depends on the function's inputs, as (forward, arguments, params) on raw arrays.

Values are told apart by identity: each array a traced step produced is kept alive and known
by ``id``, so an argument is either such an array (a step's output, read again on replay) or
a constant baked into the program. Turning a traced value into a Python number or a new array
outside an op would bake a value the next call may not share; that raises :class:`TraceError`.
"""

from __future__ import annotations

import weakref

import numpy as np


class TraceError(RuntimeError):
    """A function did something that a trace cannot replay (see docs/jit.md)."""


class _Tracing:
    """The tape being recorded, or None (one attribute test per op when not tracing)."""

    __slots__ = ("tape",)

    def __init__(self):
        self.tape = None


tracing = _Tracing()


class Step:
    """``out = fn(*args, **params)``, where args and params hold slot references."""

    __slots__ = ("fn", "name", "args", "params", "out")

    def __init__(self, fn, name, args, params, out):
        self.fn = fn
        self.name = name
        self.args = args
        self.params = params
        self.out = out


class Slot:
    """A reference to a value the program computes (or takes as input) on every call."""

    __slots__ = ("index",)

    def __init__(self, index):
        self.index = index

    def __repr__(self):
        return f"v{self.index}"


class Tape:
    """The steps of one traced call, and which arrays are slots."""

    def __init__(self, name, first_seq):
        self.name = name  # the traced function's name, for error messages
        self.first_seq = first_seq  # nodes older than this were made outside the trace
        self.slots = {}  # id(value) -> Slot
        self.count = 0  # slots made so far
        # NumPy scalars kept alive, so that no other value takes their id while tracing; an
        # array instead forgets its id when it dies (memory falls as eagerly as without jit).
        self.values = []
        self.finalizers = []
        self.steps = []
        self.guards = []  # (read, value): Python state the trace depends on

    def new_slot(self, value):
        if not isinstance(value, (np.ndarray, np.generic)):
            raise TraceError(
                f"jit({self.name}): a traced step returned a {type(value).__name__}, not a NumPy "
                "value, so it cannot be followed; call the function without jit"
            )
        slot = Slot(self.count)
        self.count += 1
        if isinstance(value, np.ndarray):
            self.finalizers.append(weakref.finalize(value, self.slots.pop, id(value), None))
        else:
            self.values.append(value)
        self.slots[id(value)] = slot
        return slot

    def close(self):
        """Stop watching the traced arrays (those still alive would keep the tape's table)."""
        for finalizer in self.finalizers:
            finalizer.detach()
        self.finalizers = []

    def slot_of(self, value):
        return self.slots.get(id(value))

    def op(self, prim, args, raw, params, out):
        """Record ``out = prim.forward(*raw, **params)`` if it depends on a traced value."""
        refs = [self._ref(a, r) for a, r in zip(args, raw)]
        param_refs = {k: self.substitute(v) for k, v in params.items()}
        if any(type(r) is Slot for r in refs) or _has_slot(param_refs.values()):
            self.steps.append(Step(prim.forward, prim.name, refs, param_refs,
                                   self.new_slot(out)))

    def call(self, fn, name, refs, out):
        """Record a step that is not a primitive (a copy into a new tensor, a random draw);
        ``refs`` are its arguments as :meth:`substitute` gives them."""
        self.steps.append(Step(fn, name, refs, {}, self.new_slot(out)))

    def _ref(self, arg, raw):
        slot = self.slots.get(id(raw))
        if slot is not None:
            return slot
        node = getattr(arg, "node", None)
        if node is not None and node.seq < self.first_seq:
            raise TraceError(
                f"jit({self.name}): the function uses a tensor that requires grad but is not "
                "one of its arguments (a global, or a module's parameter it closes over). A "
                "trace replays its arguments only: pass that tensor as an argument"
            )
        return self.substitute(raw)

    def substitute(self, value):
        # An index tuple or a list of arrays may hold traced arrays (labels used as an index).
        if isinstance(value, (np.ndarray, np.generic)):
            return self.slots.get(id(value), value)
        if type(value) is tuple or type(value) is list:
            parts = [self.substitute(v) for v in value]
            return type(value)(parts) if _has_slot(parts) else value
        return value


def _has_slot(values):
    for v in values:
        if type(v) is Slot or ((type(v) is tuple or type(v) is list) and _has_slot(v)):
            return True
    return False


def refuse_escape(data, what):
    """Raise when a traced value is about to leave the ops as a Python value or a new array."""
    tape = tracing.tape
    if tape is not None and id(data) in tape.slots:
        raise TraceError(
            f"jit({tape.name}): {what} of a traced value: the trace would bake in this one "
            "value and replay it on every call. Keep the computation in chainrule ops (use "
            "cr.where for a choice that depends on values), or call the function without jit"
        )


def follow(fn, name, raw_args, out):
    """Record ``out = fn(*raw_args)`` when some argument holds a traced array (no-op
    otherwise): how code that builds an array with NumPy from traced values (a one-hot of
    labels, a copy) stays part of a trace."""
    tape = tracing.tape
    if tape is not None:
        refs = [tape.substitute(a) for a in raw_args]
        if _has_slot(refs):
            tape.call(fn, name, refs, out)
    return out


def traced(fn, name, *raw_args):
    """``fn(*raw_args)``, recorded as a step when some argument holds a traced array."""
    return follow(fn, name, raw_args, fn(*raw_args))


def guarded(read):
    """``read()``, a piece of Python state that changes what is computed (a module's training
    switch): while tracing, the value is recorded, and a replay whose ``read()`` differs
    traces again instead of running the other mode's program."""
    value = read()
    if tracing.tape is not None:
        tracing.tape.guards.append((read, value))
    return value


__all__ = [
    "TraceError", "tracing", "Tape", "Step", "Slot", "refuse_escape", "follow", "traced",
    "guarded",
]
