"""The recorded graph: nodes, the in-place epoch, and topological order.

A node is one application of a primitive. Edges point from a node to the nodes that made its
inputs, so a Tensor can be rebound (in-place updates) without breaking what was recorded.
"""

from __future__ import annotations

import itertools
import threading
import weakref

import numpy as np

# next() on a count is one step under the GIL: threads never get the same number.
sequence = itertools.count()


def next_seq():
    """A sequence number later than every node recorded so far (a boundary in time)."""
    return next(sequence)


class Node:
    """One recorded step ``out = prim(*inputs, **params)``.

    ``parents[i]`` is the node that made input ``i``, or None when that input needs no gradient.
    ``inputs`` holds the arguments as given (Tensors or constants): the rules read them, and a
    Tensor keeps its forward-mode tangents, so a sweep can itself be differentiated. Where no
    reader needs the tensors themselves (see ``_keeps_inputs`` in chainrule.primitive.calls),
    ``inputs`` is ``raw``, their values: a reader that needs tensors makes them again from
    ``raw`` and ``parents`` (chainrule.autodiff.saved). ``out`` is
    the raw output, and ``tangents`` the output tensor's forward-mode tangents (shared dict).
    ``seq`` grows with every node, so a node's parents always have smaller ``seq``: sorting by
    it is a topological order, which is how the sweeps avoid recursion. ``epoch`` is the in-place
    epoch at recording time (see :mod:`chainrule.inplace`); ``clobbered`` is set when the output
    array itself is written in place.
    """

    __slots__ = ("prim", "parents", "inputs", "raw", "out", "params", "seq", "epoch", "tangents",
                 "clobbered", "owners", "__weakref__")

    def __init__(self, prim, parents, inputs, out, params, raw=None, owners=None):
        self.prim = prim
        self.parents = parents
        self.inputs = inputs
        # The inputs' arrays as the forward saw them, for a plain backward pass (a tuple of
        # arrays, which the garbage collector stops tracking), or None: read from ``inputs``.
        self.raw = raw
        # Where ``inputs`` is ``raw`` and the rules read input arrays: per input, a weak
        # reference to the tensor whose version a write in place into that array bumps (the
        # input tensor, or its base), else None. The in-place check reads the versions through
        # them; a tensor that is gone can no longer be written. None: no such input.
        self.owners = owners
        self.out = out
        self.params = params
        self.seq = next(sequence)
        self.epoch = mutation.epoch
        self.tangents = None
        self.clobbered = False

    @property
    def released(self):
        return self.inputs is None

    @property
    def value(self):
        """The value this node stands for (``out`` is what its rules read: the same here)."""
        return self.out

    def release(self):
        """Drop the saved values: the memory goes back as soon as the sweep has passed."""
        self.inputs = None
        self.raw = None
        self.out = None
        self.tangents = None
        self.owners = None

    def keep_layout_only(self):
        """Drop the saved arrays but keep what jit's compiler reads: the constants among the
        inputs and the type and layout of what the node made. A trace's sweep does this where
        eager would release the node; no later sweep may read it (its epoch says so)."""
        constants = tuple(None if parent is not None else value
                          for value, parent in zip(
                              self.inputs if self.raw is None else self.raw, self.parents))
        self.inputs = self.raw = constants
        self.owners = None
        self.out = made_from(self.out)
        self.epoch = DROPPED

    @property
    def dropped(self):
        """Whether :meth:`keep_layout_only` dropped the saved arrays."""
        return self.epoch == DROPPED

    # Whether derivatives flow through this node (a ValueNode is recorded for its value only).
    carries_derivative = True

    def __repr__(self):
        name = self.prim.name if self.prim is not None else "leaf"
        return f"<{type(self).__name__} {name} #{self.seq}>"


class ValueNode(Node):
    """A step recorded for its value only, while jit traces a function: no derivative goes
    through it (a comparison, an integer input, a step under ``no_grad``, a detached value).

    ``prim`` None marks a value that no step of its own computes: without a parent it is an
    input of the trace, with one it is its parent's value (``detach``).
    """

    __slots__ = ()
    carries_derivative = False


class LeafNode(Node):
    """The node of a leaf tensor that requires grad: where reverse mode deposits ``.grad``.

    It holds the tensor weakly; a leaf that nobody references any more has no ``.grad`` to fill.
    """

    __slots__ = ("tensor_ref",)

    def __init__(self, tensor):
        self.prim = None
        self.parents = ()
        self.inputs = ()
        self.raw = None
        self.out = None
        self.params = None
        self.seq = next(sequence)
        self.epoch = 0
        self.tangents = None
        self.clobbered = False
        self.owners = None
        self.tensor_ref = weakref.ref(tensor)

    @property
    def released(self):
        return False

    def release(self):
        pass


class OutputNode(Node):
    """One output of an op with several (eigh's values and vectors), recorded as a node of its own.

    The op ran once; every output's node holds the same tuple ``out`` of all outputs, so that
    the rule sees them all, and ``index`` says which one this node is. ``siblings`` are the
    nodes of the other outputs (None where an output carries no derivative), so that a recorded
    sweep can hand the rule every output as a tensor.
    """

    __slots__ = ("index", "siblings")

    def __init__(self, prim, parents, inputs, out, params, raw, index, siblings):
        super().__init__(prim, parents, inputs, out, params, raw)
        self.index = index
        self.siblings = siblings

    @property
    def value(self):
        return None if self.out is None else self.out[self.index]

    def release(self):
        super().release()
        self.siblings = None


class ValueOutputNode(OutputNode):
    """One output of an op with several, recorded for its value only while jit traces."""

    __slots__ = ()
    carries_derivative = False


class Made:
    """What a step made, without the array: its type and layout (a node that jit's compiler
    reads but no sweep will)."""

    __slots__ = ("kind", "layout")

    def __init__(self, out):
        self.kind = type(out)
        self.layout = (out.shape, out.dtype, out.strides)


def made_from(out):
    """``out`` with every array in it (one, or a tuple of several outputs) as :class:`Made`."""
    if type(out) is tuple:
        return tuple(made_from(part) for part in out)
    return Made(out) if type(out) is np.ndarray else out


# The epoch of a node whose saved values were dropped: below every real epoch.
DROPPED = -1


class _Mutation:
    """Counts in-place writes; a tensor written at epoch e was changed after nodes older than e.

    Shared by all threads (a tensor may be written in one and read in another), so a bump holds
    a lock: ``+= 1`` is a read and a write, and two threads between them would lose a write or
    move the epoch back.
    """

    __slots__ = ("epoch", "_lock")

    def __init__(self):
        self.epoch = 0
        self._lock = threading.Lock()

    def bump(self):
        with self._lock:
            self.epoch += 1
            return self.epoch


mutation = _Mutation()


# --- graph queries ----------------------------------------------------------------------------


def reachable(roots, stop=frozenset(), edges=None):
    """All nodes reachable from ``roots`` through parent edges, in reverse topological order.

    The walk is iterative (a graph may be 100,000 steps deep). Nodes in ``stop`` are included
    but not walked through. ``edges(node)``, if given, replaces ``node.parents`` as the nodes
    to walk to. The result is sorted by ``seq`` descending: every node comes before the nodes
    that made its inputs.
    """
    seen = set()
    todo = [r for r in roots if r is not None]
    found = []
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        found.append(node)
        if node in stop:
            continue
        for parent in node.parents if edges is None else edges(node):
            if parent is not None and parent not in seen:
                todo.append(parent)
    found.sort(key=_seq, reverse=True)
    return found


def _seq(node):
    return node.seq


def leading_to(nodes, targets):
    """The subset of ``nodes`` (reverse topological order) from which some target is reachable
    along derivative nodes (a ValueNode passes no derivative on)."""
    useful = set()
    for node in reversed(nodes):
        if node in targets or node.carries_derivative and any(
            p in useful for p in node.parents if p is not None
        ):
            useful.add(node)
    return useful


