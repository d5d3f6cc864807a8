"""detect_anomaly: stop at the first NaN or inf a computation creates, and say where and why.

It watches every recorded op and every reverse sweep in its own thread or asyncio task (the
engine state's op hooks and sweep observers); outside the context both are empty, at no cost.
"""

from __future__ import annotations

import functools
import weakref

import numpy as np

from chainrule.autodiff import forward, reverse
from chainrule.call_sites import user_call_site
from chainrule.engine_state import current, enter, leave
from chainrule.explanation.anomaly import messages
from chainrule.graph import Node
from chainrule.primitive import REGISTRY
from chainrule.tensor import Tensor
from chainrule.transforms import Batch


class AnomalyError(RuntimeError):
    """A NaN or inf created inside :class:`detect_anomaly`; the message says where and why.

    ``phase`` is "forward", "forward-mode" (a tangent) or "backward"; ``op`` the primitive's
    name; ``index`` the position of the first bad entry (``()`` for one value); ``value`` it.
    """

    def __init__(self, message, *, phase, op, index, value):
        super().__init__(message)
        self.phase = phase
        self.op = op
        self.index = index
        self.value = value


class detect_anomaly:
    """Raise :class:`AnomalyError` at the first NaN or inf created in a forward or backward pass.

    A value counts as created by an op when the op's inputs (and, going backward, the gradient
    arriving at it) are finite there: a NaN that came in with the input is not blamed on the
    first op that meets it. The error names the op and the step, the line of your code that
    made the op (going backward too: the line of the forward pass), shows the values that made
    the NaN or inf (going backward: the gradient arriving times the local derivative) and
    suggests the usual fix. NumPy's warnings are silenced inside: the error is the message.
    Use it as a context manager or a decorator; it slows every op down, so use it to debug.

    Example:
        >>> import chainrule as cr
        >>> x = cr.tensor(0.0, requires_grad=True)
        >>> try:
        ...     with cr.detect_anomaly():
        ...         cr.where(x > 0, cr.sqrt(x), x).backward()
        ... except RuntimeError as error:
        ...     for line in str(error).splitlines()[:3]:
        ...         print(line.strip())
        the backward pass produced nan at step 2 of the sweep,
        going back through v1 = sqrt(x0) to x0
        the op was made in your code at ..., line 3: cr.where(x > 0, cr.sqrt(x), x).backward()
        gradient arriving at v1 · ∂v1/∂x0 = 0 · inf = nan
    """

    def __init__(self):
        self._watches = []

    def __enter__(self):
        watch = _Watch()
        watch.start()
        self._watches.append(watch)
        return self

    def __exit__(self, *exc):
        self._watches.pop().stop()
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def watched(*args, **kwargs):
            with detect_anomaly():
                return fn(*args, **kwargs)

        return watched


class _Watch(reverse.SweepObserver):
    """One active detect_anomaly: the op hook, the sweep observer and the names of the steps."""

    def __init__(self):
        self.names = weakref.WeakKeyDictionary()  # node (or tensor without one) → "v3", "x0"
        self.sites = weakref.WeakKeyDictionary()  # node → the user's line that made it
        self.steps = 0
        self.leaves = 0
        self.arrivals = weakref.WeakKeyDictionary()  # node → ops whose gradient reached it
        self.errstate = np.errstate(all="ignore")
        self.visits = 0  # nodes visited in the current sweep
        self.grad_out = None
        self.arrived_from = ()
        self.token = None  # restores the engine state at stop()

    def start(self):
        self.errstate.__enter__()
        state = current()
        self.token = enter(op_hooks=(*state.op_hooks, self), observers=(*state.observers, self))

    def stop(self):
        leave(self.token)
        self.errstate.__exit__(None, None, None)

    # --- forward: the op hook -----------------------------------------------------------------

    def __call__(self, prim, args, params, result):
        self.steps += 1
        name = f"v{self.steps}"
        key = result.node if result.node is not None else result
        self.names[key] = name
        site = None if _inside_derivative() else user_call_site()
        if site is not None:
            self.sites[key] = site
        raw = [_array(x) for x in args]
        out = _array(result)
        index = _first_created(out, raw)
        if index is not None and not _inside_derivative():
            step = f"{name} = {prim.name}({', '.join(self.name_of(x) for x in args)})"
            raise _forward_error(prim, step, raw, out, index, site)
        if result.tangents:
            for trace, out_dot in result.tangents.items():
                dots = [_array(forward.tangent_of_tensor(trace, x)) for x in args]
                self.check_tangent(prim, args, raw, params, out, dots, _array(out_dot), name)

    def check_tangent(self, prim, args, raw, params, out, dots, out_dot, name):
        index = _first_created(out_dot, [out, *raw, *(d for d in dots if d is not None)])
        if index is None or _inside_derivative():
            return
        terms = [
            messages.Term(
                "forward-mode",
                prim,
                i,
                x_dot,
                _local(prim.jvps[i], x_dot, out, raw, params),
                raw,
                params,
            ).at(index, np.shape(out_dot))
            for i, x_dot in enumerate(dots)
            if x_dot is not None and prim.jvps[i] is not None
        ]
        term = next((t for t in terms if t.product_is_bad()), terms[0])
        step = f"{name} = {prim.name}({', '.join(self.name_of(x) for x in args)})"
        source = self.name_of(args[term.i])
        raise _derivative_error(term, f"at {step}, from {source}", out_dot, index, name, source,
                                user_call_site())

    # --- backward: the sweep observer ---------------------------------------------------------

    def begin(self, roots):
        self.visits = 0

    def visit(self, node, grad_out):
        self.visits += 1
        self.grad_out = _array(grad_out)
        self.arrived_from = self.arrivals.pop(node, ())

    def contribution(self, node, i, parent, contribution, total):
        self.arrivals.setdefault(parent, set()).add(node.prim.name)
        produced = _array(contribution)
        inputs = [_array(x) for x in node.inputs]
        index = _first_created(produced, [self.grad_out, *inputs, node.value])
        if index is None:
            return
        prim = node.prim
        local = _local(prim.vjps[i], node.value, node.out, inputs, node.params)
        term = messages.Term(
            "backward", prim, i, self.grad_out, local, inputs, node.params, self.arrived_from
        )
        name = self.name_of(node)
        # An input is named by the node that made it (a node may keep only its inputs' values).
        operands = [self.name_of(x if parent is None else parent)
                    for x, parent in zip(node.inputs, node.parents)]
        step = f"{name} = {prim.name}({', '.join(operands)})"
        where = f"at step {self.visits} of the sweep, going back through {step} to " + (
            self.name_of(parent)
        )
        raise _derivative_error(term, where, produced, index, name, self.name_of(parent),
                                self.sites.get(node))

    # --- names --------------------------------------------------------------------------------

    def name_of(self, x):
        """A step's name (v3), an input's (x0), an earlier node's (exp#12), or a constant."""
        if isinstance(x, Tensor):
            node, key = x.node, x if x.node is None else x.node
        elif isinstance(x, Node):
            node = key = x
        else:
            return messages.short(x)
        if key in self.names:
            return self.names[key]
        if node is None and not x.tangents:
            shape = np.shape(x._data)
            return f"<constant of shape {shape}>" if shape else messages.short(x._data)
        if node is None or node.prim is None or node.prim is _TRANSFORM_INPUT:
            self.names[key] = f"x{self.leaves}"
            self.leaves += 1
            return self.names[key]
        return f"{node.prim.name}#{node.seq}"


# A transform's fresh input (chainrule.transforms.boundary) is named like a leaf.
_TRANSFORM_INPUT = REGISTRY["input"]


def _inside_derivative():
    # Ops run by a derivative rule are checked as the rule's result (a contribution or a
    # tangent), where the gradient and local derivative that made them can be shown.
    return reverse.sweeps_running() or forward.rules_running()


def _array(value):
    """The raw array behind a tensor or a batch of rows (None stays None)."""
    value = getattr(value, "_data", value)
    return value.data if isinstance(value, Batch) else value


def _bad_entries(value):
    """A boolean array of the entries that are NaN or ±inf, or None when there are none."""
    if value is None or isinstance(value, (str, bytes)):
        return None
    try:
        finite = np.isfinite(value)
    except TypeError:
        return None
    return None if finite.all() else ~np.asarray(finite)


def _first_created(produced, sources):
    """The index of the first NaN/inf in ``produced`` where every source is finite, or None.

    A source that does not line up entry by entry (a reduction's input) must be finite
    everywhere; when it is not, the NaN came in through it.
    """
    bad = _bad_entries(produced)
    if bad is None:
        return None
    for source in sources:
        source_bad = _bad_entries(source)
        if source_bad is None:
            continue
        if not messages.lines_up(source_bad.shape, bad.shape):
            return None
        bad = bad & ~np.broadcast_to(source_bad, bad.shape)
    if not bad.any():
        return None
    return tuple(int(k) for k in np.unravel_index(int(np.argmax(bad)), bad.shape))


def _local(rule, like, out, inputs, params):
    """The local derivative: the op's own rule applied to a unit gradient (or tangent)."""
    try:
        return _array(rule(np.ones_like(like), out, *inputs, **params))
    except Exception:  # noqa: BLE001 -- the message is still useful without it
        return None


def _forward_error(prim, step, raw, out, index, site):
    text = _with_site(messages.forward_message(prim.name, step, raw, out, index), site,
                      "in your code")
    value = np.asarray(out)[index]
    return AnomalyError(text, phase="forward", op=prim.name, index=index, value=value)


def _derivative_error(term, where, produced, index, name, input_name, site):
    # Going backward, the line to change is the one that made the op in the forward pass.
    text = _with_site(term.message(where, name, input_name, produced, index), site,
                      "the op was made in your code" if term.phase == "backward"
                      else "in your code")
    value = np.asarray(produced)[index]
    return AnomalyError(text, phase=term.phase, op=term.prim.name, index=index, value=value)


def _with_site(text, site, what):
    # The user's line, second: after the first line (what went wrong), before the details.
    if site is None:
        return text
    first, _, rest = text.partition("\n")
    return "\n".join(part for part in (first, f"  {what} at {site}", rest) if part)


__all__ = ["detect_anomaly", "AnomalyError"]
