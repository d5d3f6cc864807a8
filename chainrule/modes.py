"""The switches that say what the engine records: grad mode (``no_grad``, ``enable_grad``) and,
while ``chainrule.jit`` traces a function, the trace running now. Both are per thread and per
asyncio task (:mod:`chainrule.engine_state`)."""

from __future__ import annotations

from chainrule.engine_state import current, enter, leave
from chainrule.graph import ValueNode


def is_grad_enabled():
    """Whether operations on tensors that require grad are being recorded (in this thread or
    asyncio task: another thread's ``no_grad`` never changes it)."""
    return current().grad_enabled


class set_grad_enabled:
    """Turn recording on or off, as a context manager or a decorator.

    Example:
        >>> import chainrule as cr
        >>> x = cr.tensor(2.0, requires_grad=True)
        >>> with cr.set_grad_enabled(False):
        ...     y = x * x
        >>> y.requires_grad
        False
    """

    def __init__(self, mode=True):
        self.mode = bool(mode)
        # One token per entry, so that one instance can be entered again inside itself.
        self.tokens = []

    def __enter__(self):
        self.tokens.append(enter(grad_enabled=self.mode))
        return self

    def __exit__(self, *exc):
        leave(self.tokens.pop())
        return False

    def __call__(self, fn):
        mode = self.mode

        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)

        wrapper.__name__ = getattr(fn, "__name__", "wrapper")
        wrapper.__doc__ = getattr(fn, "__doc__", None)
        wrapper.__wrapped__ = fn
        return wrapper


class no_grad(set_grad_enabled):
    """Record nothing inside: results never require grad (optimizer updates, evaluation).

    Example:
        >>> import chainrule as cr
        >>> w = cr.tensor([1.0, 2.0], requires_grad=True)
        >>> with cr.no_grad():
        ...     v = w * 3
        >>> v.requires_grad
        False
    """

    def __init__(self):
        super().__init__(False)


class enable_grad(set_grad_enabled):
    """Record again inside a ``no_grad`` block.

    Example:
        >>> import chainrule as cr
        >>> x = cr.tensor(1.0, requires_grad=True)
        >>> with cr.no_grad():
        ...     with cr.enable_grad():
        ...         y = x + 1
        >>> y.requires_grad
        True
    """

    def __init__(self):
        super().__init__(True)


def running_trace():
    """The jit trace running now in this thread or task, or None.

    While there is one, every op on a value that descends from the trace's inputs is recorded,
    even where no derivative needs it (as a :class:`ValueNode`), so that the graph holds all the
    trace must replay. The core never imports jit; the trace is any object with ``first_seq``
    (nodes older than this were made before it), ``guards`` (a list of (read, value) pairs),
    ``refuse(reason)`` and ``escape(what)`` (both raise its TraceError).
    """
    return current().trace


class tracing:
    """Run the block with ``trace`` as the jit trace running now (in this thread or task)."""

    __slots__ = ("trace", "token")

    def __init__(self, trace):
        self.trace = trace

    def __enter__(self):
        self.token = enter(trace=self.trace)
        return self.trace

    def __exit__(self, *exc):
        leave(self.token)
        return False


def is_traced(node):
    """Whether ``node`` was recorded by the jit trace running now."""
    trace = current().trace
    return trace is not None and node is not None and node.seq >= trace.first_seq


def guarded(read):
    """``read()``: Python state that selects what is computed (a module's training switch).
    While jit traces, the value is noted, so that a call where ``read()`` differs traces again
    instead of replaying the other state's program."""
    value = read()
    trace = current().trace
    if trace is not None:
        trace.guards.append((read, value))
    return value


def refuse_in_trace(reason):
    """Raise jit's TraceError, with ``reason``, when a trace is running (a side effect that a
    replay would skip)."""
    trace = current().trace
    if trace is not None:
        trace.refuse(reason)


def refuse_escape(node, what):
    """Raise jit's TraceError when a traced value (of ``node``) is about to leave the ops as a
    Python value or a new array (``what``): a replay would reuse this one value."""
    trace = current().trace
    if trace is not None and node is not None and node.seq >= trace.first_seq:
        trace.escape(what)


def detached_node(node):
    """The node of a detached tensor: under jit the value is still followed, by a ValueNode
    (no derivative); otherwise none."""
    if not is_traced(node):
        return None
    return node if not node.carries_derivative else ValueNode(None, [node], (), None, {})


__all__ = [
    "is_grad_enabled", "set_grad_enabled", "no_grad", "enable_grad", "running_trace", "tracing",
    "is_traced", "guarded", "refuse_in_trace", "refuse_escape", "detached_node",
]
