"""Reverse mode: walk the recorded graph from the output back, v̄ⱼ += v̄ᵢ · ∂vᵢ/∂vⱼ.

One sweep serves ``Tensor.backward`` (gradients land in leaves' ``.grad``) and the transforms
(gradients of chosen nodes are returned). With ``create_graph`` the rules run on tensors with
recording on, so the sweep is itself a graph that can be differentiated again.
"""

from __future__ import annotations

from heapq import heappop, heappush

import numpy as np

from chainrule.autodiff import fit
from chainrule.autodiff.saved import check_saved, saved_values
from chainrule.backends import (
    BackendError, ForeignArray, MixedBackendsError, hold, is_foreign_array,
)
from chainrule.compiled import core
from chainrule.engine_state import current, enter, enter_state, leave
from chainrule.graph import LeafNode, leading_to, mutation, reachable
from chainrule.modes import refuse_in_trace
from chainrule.tensor import Tensor, wrap


def backward(tensor, grad=None, retain_graph=None, create_graph=False):
    """``Tensor.backward``: accumulate d(tensor)/d(leaf) · grad into every reachable leaf.

    ``retain_graph`` defaults to ``create_graph``: a recorded backward pass is differentiated
    through the same graph, so it must not free it.
    """
    if (core is not None and grad is None and not retain_graph and not create_graph
            and core.plain_backward(tensor, LeafNode, accumulate)):
        # A loss's backward pass, as the rest of this function does it, compiled: the core
        # returns False, having done nothing, for every other case.
        return
    if retain_graph is None:
        retain_graph = create_graph
    refuse_in_trace(
        ".backward() fills .grad as a side effect, which a trace cannot replay; return the "
        "gradient instead: cr.grad(loss_fn) or cr.value_and_grad(loss_fn) inside the jitted "
        "function"
    )
    if not tensor.requires_grad:
        raise RuntimeError(
            "this tensor does not require grad and has no graph to differentiate; create the "
            "inputs with requires_grad=True (and not inside no_grad())"
        )
    seed = seed_for(tensor, grad)
    found = sweep([tensor.node], [seed], retain_graph=retain_graph, create_graph=create_graph)
    handed_out = {id(_owner(seed))}
    if core is not None and not create_graph:  # the loop below, compiled
        core.fill_grads(found, handed_out, LeafNode, accumulate)
        return
    for node, node_grad in found.items():
        leaf = node.tensor_ref() if type(node) is LeafNode else None
        if leaf is not None:
            leaf.grad = accumulate(leaf.grad, node_grad, create_graph, handed_out)


def accumulate(total, grad, create_graph, handed_out):
    """``.grad`` after one more backward pass: a sum that is recorded only for create_graph.

    Each leaf gets an array of its own: a rule may pass one array on to several inputs (as
    add does), or the caller's own ``grad``, or a read-only broadcast view — and ``.grad`` is
    the user's to change in place.
    """
    if (total is None and type(grad) is np.ndarray and not create_graph and grad.base is None
            and grad.flags.writeable and id(grad) not in handed_out):
        # The usual first gradient of a step: an array of its own that nobody else holds (the
        # cases below, without their tests for what this one is not).
        handed_out.add(id(grad))
        return wrap(grad)
    if create_graph:
        grad = grad if isinstance(grad, Tensor) else wrap(grad)
        return grad if total is None else total + grad
    grad = grad._data if isinstance(grad, Tensor) else grad
    if total is not None:
        return wrap(total._data + grad)
    if isinstance(grad, ForeignArray):  # a holder of its own: in-place writes rebind only it
        return wrap(type(grad)(grad.array))
    if isinstance(grad, np.generic):  # immutable: nobody can write through it
        return wrap(grad)
    owner = _owner(grad)
    if isinstance(grad, np.ndarray) and (id(owner) in handed_out or not grad.flags.writeable):
        grad = owner = grad.copy()
    handed_out.add(id(owner))
    return wrap(grad)


def _owner(array):
    # The array whose memory a view uses: two gradients that are views of it would alias.
    while isinstance(getattr(array, "base", None), np.ndarray):
        array = array.base
    return array


def seed_for(tensor, grad):
    """The cotangent that starts a sweep: 1 for a one-value output, else the given ``grad``."""
    out = tensor._data
    if grad is None:
        if out.size != 1:
            raise RuntimeError(
                f"backward() without a gradient needs a one-value output, but this one has "
                f"shape {tuple(out.shape)}; reduce it first (e.g. y.sum().backward()), or pass "
                "grad= an array of that shape (a vector-Jacobian product)"
            )
        if out.ndim == 0 and not isinstance(out, ForeignArray):
            return out.dtype.type(1)
        return np.ones_like(out)
    grad_data = grad._data if isinstance(grad, Tensor) else _plain_seed(grad, out)
    if grad_data.shape != out.shape:
        raise ValueError(
            f"backward(grad=...) needs a gradient of the output's shape {tuple(out.shape)}, "
            f"got shape {tuple(grad_data.shape)}"
        )
    return grad if isinstance(grad, Tensor) else grad_data


def _plain_seed(grad, out):
    # A seed given as an array stays in its library; it must be the output's library.
    if is_foreign_array(grad):
        grad = hold(grad)
    if isinstance(out, ForeignArray) or isinstance(grad, ForeignArray):
        if type(grad) is not type(out):
            raise MixedBackendsError(
                "backward(grad=...) must be an array of the output's backend",
                getattr(out, "backend", "numpy"), op="backward",
                other=getattr(grad, "backend", "numpy"))
        return grad.astype(out.dtype) if grad.dtype != out.dtype else grad
    return np.asarray(grad, dtype=out.dtype)


def sweep(roots, seeds, *, targets=None, retain_graph=False, create_graph=False, observer=None,
          record=None, keep_layouts=False):
    """Propagate ``seeds`` from ``roots`` back through the graph; return {leaf or target: grad}.

    Nodes are visited in decreasing ``seq`` — a reverse topological order — from a heap that
    holds the nodes which have received some gradient, so every contribution to a node is in
    before the node passes it on. With ``targets`` only the part of the graph that leads to
    them is walked, and only their gradients are returned (no ``.grad`` is touched).
    An ``observer`` (see :class:`SweepObserver`) is told every step, for explanations.
    ``record`` (default: ``create_graph``) says whether the rules' ops are recorded as nodes
    that carry derivatives; with ``create_graph`` and not ``record`` they run on tensors that
    carry none (while jit traces they are still recorded, as ValueNodes, for the replay).
    Unless ``retain_graph``, each node's saved values are freed as soon as the sweep has passed
    it; ``keep_layouts`` keeps what jit's compiler still reads (a traced gradient's last sweep).
    """
    observer = with_active_observers(observer)
    useful = None if targets is None else leading_to(reachable(roots, stop=targets), targets)
    grads, pending = seeded(roots, seeds)
    found = {}
    if observer is not None:
        observer.begin(roots)
    # While the sweep runs: recording on or off as it asks, and counted as a running sweep.
    token = enter_state(current().sweeping(bool(create_graph if record is None else record)))
    try:
        if core is not None and observer is None and not create_graph and not keep_layouts:
            # The compiled core runs the loop below (and propagate) in C for a plain sweep, and
            # leaves ``pending`` empty, as the loop does.
            core.sweep_loop(pending, grads, found, targets, useful, retain_graph)
        while pending:
            node = heappop(pending)[1]
            grad_out = grads.pop(node)
            if node.prim is None or (targets is not None and node in targets):
                found[node] = grad_out
                continue
            if observer is not None:
                observer.visit(node, grad_out)
            propagate(node, grad_out, grads, pending, useful, create_graph, observer)
            if not retain_graph:
                node.keep_layout_only() if keep_layouts else node.release()
    finally:
        leave(token)
    found.update(grads)  # what is left are the leaves' sums
    return found


def propagate(node, grad_out, grads, pending, useful, create_graph, observer=None):
    """Add one node's contribution v̄ᵢ · ∂vᵢ/∂vⱼ to each parent; a parent reached for the first
    time joins ``pending``, the heap of nodes to visit."""
    if node.inputs is None or node.epoch != mutation.epoch:
        check_saved(node)  # freed by an earlier sweep, or written in place since recorded
    vjps = node.prim.vjps
    if vjps is None:  # recorded for jit, for its value only: no derivative goes through it
        return
    if create_graph or node.raw is None:
        inputs, out = saved_values(node, create_graph)
    else:  # a plain backward pass: the arrays record kept
        inputs, out = node.raw, node.out
    params = node.params
    for i, parent in enumerate(node.parents):
        if parent is None or (useful is not None and parent not in useful) or vjps[i] is None:
            continue
        x = inputs[i]
        try:
            contribution = vjps[i](grad_out, out, *inputs, **params)
        except BackendError as exc:
            raise exc.in_op(node.prim.name, inputs) from None
        # Two NumPy scalars of one type share shape and dtype: scalar graphs skip the comparison.
        # NumPy's built-in dtypes are single objects, so ``is`` settles the usual case and
        # fit_gradient compares properly whenever it does not.
        if (type(contribution) is not type(x) or not isinstance(x, np.generic)) and (
                contribution.shape != x.shape or contribution.dtype is not x.dtype):
            contribution = fit.fit_gradient(contribution, x)
        previous = grads.get(parent)
        if previous is None:
            grads[parent] = contribution
            if parent.prim is not None:  # a leaf passes nothing on: its sum just waits
                heappush(pending, (-parent.seq, parent))
        else:
            grads[parent] = previous + contribution
        if observer is not None:
            observer.contribution(node, i, parent, contribution, grads[parent])


# --- the bookkeeping around the two functions above -------------------------------------------


def with_active_observers(observer):
    """The sweep's own observer, joined by those of :class:`observing` (detect_anomaly)."""
    observers = current().observers
    if not observers:
        return observer
    return ObserverGroup([*observers, *([observer] if observer else [])])


def seeded(roots, seeds):
    """The first adjoints (seeds of a repeated root add up) and the heap of nodes to visit."""
    grads, pending = {}, []
    for root, seed in zip(roots, seeds):
        if root in grads:
            grads[root] = grads[root] + seed
        else:
            grads[root] = seed
            heappush(pending, (-root.seq, root))
    return grads, pending


# --- who a sweep tells, and who can tell a sweep is running -----------------------------------


def sweeps_running():
    """Whether a reverse sweep is running in this thread or task: ops meanwhile are its rules'."""
    return current().sweeps > 0


class observing:
    """Every sweep inside the block (in this thread or task) reports to ``observer`` too
    (detect_anomaly uses this)."""

    __slots__ = ("observer", "token")

    def __init__(self, observer):
        self.observer = observer

    def __enter__(self):
        self.token = enter(observers=(*current().observers, self.observer))
        return self.observer

    def __exit__(self, *exc):
        leave(self.token)
        return False


class SweepObserver:
    """What a reverse sweep reports as it runs; explanations subclass it.

    ``begin(roots)``: a sweep starts from these nodes.
    ``visit(node, grad_out)``: the node's adjoint v̄ᵢ is complete and is passed on.
    ``contribution(node, i, parent, contribution, total)``: v̄ⱼ += v̄ᵢ · ∂vᵢ/∂vⱼ for input i,
    with ``total`` the parent's adjoint so far (the sum over the paths seen until now).
    """

    def begin(self, roots):
        pass

    def visit(self, node, grad_out):
        pass

    def contribution(self, node, i, parent, contribution, total):
        pass


class ObserverGroup(SweepObserver):
    """Several observers told the same steps, in order."""

    def __init__(self, observers):
        self.observers = observers

    def begin(self, roots):
        for observer in self.observers:
            observer.begin(roots)

    def visit(self, node, grad_out):
        for observer in self.observers:
            observer.visit(node, grad_out)

    def contribution(self, node, i, parent, contribution, total):
        for observer in self.observers:
            observer.contribution(node, i, parent, contribution, total)
