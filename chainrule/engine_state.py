"""The engine's switches — grad mode, the jit trace, the forward levels, the hooks and what is
running — as one immutable :class:`State` per thread and per asyncio task (a ContextVar)."""

from __future__ import annotations

import contextvars


class State:
    """What the engine does now, in this thread or task. Its fields never change: a change is a
    new State, so a saved one (a ContextVar token's) restores exactly.

    ``grad_enabled``: whether ops on tensors that require grad are recorded. ``trace``: the jit
    trace running now, or None. ``forward_traces``: the active forward-mode levels, outermost
    first. ``op_hooks``: called as hook(prim, args, params, result) after every recorded op.
    ``observers``: sweep observers every reverse sweep reports to. ``sweeps`` and ``rules``:
    how many reverse sweeps and forward rules are running (ops meanwhile are their own work).
    ``depth``: how many transforms are running their function. ``keeps_inputs``: every recorded
    node keeps its input tensors themselves (an explanation names them), not only their arrays.
    """

    __slots__ = ("grad_enabled", "trace", "forward_traces", "op_hooks", "observers", "sweeps",
                 "rules", "depth", "keeps_inputs", "rule_states", "derived_states")

    def __init__(self, grad_enabled=True, trace=None, forward_traces=(), op_hooks=(),
                 observers=(), sweeps=0, rules=0, depth=0, keeps_inputs=False):
        self.grad_enabled = grad_enabled
        self.trace = trace
        self.forward_traces = forward_traces
        self.op_hooks = op_hooks
        self.observers = observers
        self.sweeps = sweeps
        self.rules = rules
        self.depth = depth
        self.keeps_inputs = keeps_inputs
        # The states of rules_of_level(k), made once: forward mode enters one for every op.
        self.rule_states = {}
        # States that differ from this one in flags and counts only (a sweep, no_grad, a
        # transform), made once: every backward() enters one, and making a State costs µs.
        self.derived_states = {}

    def replace(self, **changes):
        """A copy of this state with ``changes`` made."""
        values = {name: getattr(self, name) for name in _FIELDS}
        values.update(changes)
        return State(**values)

    def derived(self, changes):
        """``replace(**changes)``, kept for reuse when the changes are flags and counts."""
        for value in changes.values():
            if type(value) is not bool and type(value) is not int:
                return self.replace(**changes)  # objects (a trace, hooks): kept by no cache
        key = tuple((name, type(value), value) for name, value in changes.items())
        state = self.derived_states.get(key)
        if state is None:  # two threads may both make it: equal states, either one is kept
            state = self.derived_states[key] = self.replace(**changes)
        return state

    def sweeping(self, record):
        """The state a reverse sweep runs in: recording or not as ``record`` says, one more
        sweep running. Kept with the derived states (under a key no ``derived`` call makes):
        every backward() enters one."""
        state = self.derived_states.get(record)
        if state is None:  # two threads may both make it: equal states, either one is kept
            state = self.derived_states[record] = self.replace(grad_enabled=record,
                                                               sweeps=self.sweeps + 1)
        return state

    def rules_of_level(self, level):
        """The state in which forward level ``level``'s JVP rules run: only the outer levels
        stay active, and one more rule counts as running."""
        state = self.rule_states.get(level)
        if state is None:  # two threads may both make it: equal states, either one is kept
            state = self.replace(forward_traces=self.forward_traces[:level], rules=self.rules + 1)
            self.rule_states[level] = state
        return state

    def __repr__(self):
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in _FIELDS)
        return f"State({fields})"


_FIELDS = State.__slots__[:-2]


# A new thread starts from the default; an asyncio task starts from a copy of its creator's.
# The default is immutable, as every State is: each change makes a new one.
_state = contextvars.ContextVar("chainrule_engine_state", default=State())  # noqa: B039

# The state of this thread or task: the engine's hot path calls this once per op.
current = _state.get

# The variable itself, for the compiled core (chainrule/_core.c), which reads it in C.
state_variable = _state


def enter(**changes):
    """Make ``changes`` to this thread's (or task's) state; return the token :func:`leave`
    takes to restore exactly what was there before."""
    return _state.set(_state.get().derived(changes))


def enter_state(state):
    """Make ``state`` this thread's (or task's) state; return the token for :func:`leave`."""
    return _state.set(state)


def leave(token):
    """Restore the state that :func:`enter` replaced (and so undo every change made since)."""
    _state.reset(token)


class op_hook:
    """Call ``hook(prim, args, params, result)`` after every op recorded inside the block, in
    this thread or task only (detect_anomaly and the command line's operation budget use it)."""

    __slots__ = ("hook", "token")

    def __init__(self, hook):
        self.hook = hook

    def __enter__(self):
        self.token = enter(op_hooks=(*_state.get().op_hooks, self.hook))
        return self.hook

    def __exit__(self, *exc):
        leave(self.token)
        return False


class keeping_inputs:
    """Inside the block (this thread or task), every recorded node keeps its input tensors, so
    that a reader can tell them apart by identity (an explanation names its inputs)."""

    __slots__ = ("token",)

    def __enter__(self):
        self.token = enter(keeps_inputs=True)

    def __exit__(self, *exc):
        leave(self.token)
        return False


__all__ = ["State", "current", "enter", "enter_state", "leave", "op_hook", "keeping_inputs"]
