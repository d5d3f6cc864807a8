"""Pictures of the recorded graph: each step's op, value and adjoint, and on each edge the local
derivative, read from the engine's record and one reverse sweep; as DOT always, and as SVG or
PNG where Graphviz is installed.
"""

from __future__ import annotations

import inspect
import itertools
from collections import deque

import numpy as np

from chainrule.autodiff import reverse
from chainrule.engine_state import keeping_inputs
from chainrule.explanation.pictures import labels
from chainrule.explanation.record import step_names
from chainrule.explanation.pictures.picture import GraphPicture
from chainrule.graph import reachable
from chainrule.modes import enable_grad
from chainrule.tensor import Tensor, tensor
from chainrule.transforms import floating


def draw_graph(f_or_tensor, *args, names=None, with_adjoints=True, max_nodes=200):
    """Draw the computation graph: each step's op, value and adjoint, each edge's local derivative.

    Args:
        f_or_tensor: a function, called on ``args`` made into inputs that require grad; or a
            tensor whose graph is recorded (and not freed by a ``backward()`` without
            ``retain_graph=True``).
        *args: the function's arguments (floating-point numbers or arrays).
        names: the inputs' names, one per argument (default: the function's parameter names).
        with_adjoints: run a reverse sweep from the output (seeded with ones) and show each
            node's adjoint and what each edge adds to it. The sweep keeps the graph and writes
            no ``.grad``.
        max_nodes: the most recorded steps (ops and inputs) drawn, those nearest the output;
            a note node counts the others.

    Returns:
        A :class:`~chainrule.explanation.pictures.picture.GraphPicture`: ``.dot`` (text),
        ``.svg()``, ``.png()`` and ``.save(path)``; it shows itself as SVG in Jupyter.

    Raises:
        TypeError: for arguments that are not floating-point, or a tensor given arguments.
        ValueError: when there is no graph to draw, or for a bad ``names`` or ``max_nodes``.

    Example:
        >>> import chainrule as cr
        >>> picture = cr.draw_graph(lambda x: cr.exp(-x), 0.5)
        >>> print(picture.dot)  # doctest: +ELLIPSIS
        digraph chainrule {
        ...
          n1 [label="v2 = -v1\\nvalue -0.5\\nadjoint 0.6065", style="rounded"];
          n0 -> n1 [label="∂v2/∂v1 = -1\\nadjoint += -0.6065"];
          n2 [label="v3 = exp(v2)\\nvalue 0.6065\\nadjoint 1 (seed)", ...];
          n1 -> n2 [label="∂v3/∂v2 = exp(v2)\\nadjoint += 0.6065"];
        }
        <BLANKLINE>
    """
    if not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes must be an integer >= 1, got {max_nodes!r}")
    if isinstance(f_or_tensor, Tensor):
        if args or names is not None:
            raise TypeError(
                "draw_graph(tensor) takes no arguments or names: those are for "
                "draw_graph(f, *args), which calls f"
            )
        out, input_names = f_or_tensor, {}
    elif callable(f_or_tensor):
        out, input_names = _record(f_or_tensor, args, names)
    else:
        raise TypeError(
            f"draw_graph needs a function or a tensor, got {type(f_or_tensor).__name__}"
        )
    return _picture(out, input_names, with_adjoints, max_nodes, _function_name(f_or_tensor))


def _function_name(f):
    # How the derivatives at the inputs name the function: its Python name, else f.
    name = getattr(f, "__name__", None)
    return name if isinstance(name, str) and name.isidentifier() else "f"


def _record(f, args, names):
    names = _input_names(f, len(args), names)
    inputs = [
        tensor(floating(value, f"input {name!r}")._data, requires_grad=True)
        for value, name in zip(args, names)
    ]
    with enable_grad(), keeping_inputs():  # the steps keep the inputs, whose values are drawn
        out = f(*inputs)
    if not isinstance(out, Tensor):
        raise ValueError(
            f"the function returned a {type(out).__name__}; draw_graph draws the "
            "graph of one output tensor"
        )
    return out, {x.node: name for x, name in zip(inputs, names)}


def _input_names(f, count, names):
    if names is not None:
        names = [names] if isinstance(names, str) else list(names)
        if len(names) != count or not all(isinstance(n, str) and n for n in names):
            raise ValueError(
                f"names must give one non-empty name per argument ({count}), got {names!r}"
            )
        return names
    try:
        parameters = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        parameters = []
    positional = [
        p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    if len(positional) >= count:
        return positional[:count]
    return ["x"] if count == 1 else [f"x{k}" for k in range(1, count + 1)]


def _picture(out, input_names, with_adjoints, max_nodes, function_name=None):
    root = out.node
    if root is None:
        raise ValueError(
            "there is no graph to draw: the output does not depend on any input "
            "that requires grad (create inputs with requires_grad=True, outside "
            "no_grad())"
        )
    everything = reachable([root])
    shown = _nearest(root, max_nodes)
    freed = any(node.released for node in everything)
    adjoints, sent = ({}, {})
    if with_adjoints and not freed:
        adjoints, sent = _sweep(out, shown)
    names, input_names = _names(everything, input_names)
    lines = labels.header(out, freed, with_adjoints)
    lines += labels.body(out, shown, names, input_names, adjoints, sent, function_name)
    hidden = len(everything) - len(shown)
    if hidden:
        lines += labels.note(shown, hidden, max_nodes)
    return GraphPicture("\n".join(lines + ["}", ""]), len(shown), hidden)


def _nearest(root, max_nodes):
    """The recorded nodes nearest the output (breadth first), at most ``max_nodes``."""
    shown = {root: None}
    queue = deque([root])
    while queue and len(shown) < max_nodes:
        for parent in queue.popleft().parents:
            if parent is not None and parent not in shown and len(shown) < max_nodes:
                shown[parent] = None
                queue.append(parent)
    return shown


class _Adjoints(reverse.SweepObserver):
    """Keeps the adjoints of the drawn nodes and what each of their edges sent back."""

    def __init__(self, shown):
        self.shown = shown
        self.adjoints = {}
        self.sent = {}

    def visit(self, node, grad_out):
        if node in self.shown:
            self.adjoints[node] = grad_out

    def contribution(self, node, i, parent, contribution, total):
        if node in self.shown:
            self.sent[node, i] = contribution


def _sweep(out, shown):
    seed = np.ones_like(out._data)[()]
    observer = _Adjoints(shown)
    found = reverse.sweep([out.node], [seed], retain_graph=True, observer=observer)
    for node, grad in found.items():
        if node in shown:
            observer.adjoints[node] = grad
    return observer.adjoints, observer.sent


def _names(everything, input_names):
    """The explanation's numbering: v1, v2, … for the inputs (the given ones in their order,
    then any other leaves), then for the steps in the order they ran; and a name for each
    input: the given one, else x (x1, x2, … for several)."""
    leaves = [node for node in reversed(everything) if node.prim is None]
    order = {node: k for k, node in enumerate(input_names)}
    leaves.sort(key=lambda node: order.get(node, len(order)))  # stable: the rest in seq order
    steps = [node for node in reversed(everything) if node.prim is not None]
    unnamed = [node for node in leaves if node not in input_names]
    taken = set(input_names.values())
    fresh = (name for name in (f"x{k}" for k in itertools.count(1)) if name not in taken)
    single = len(unnamed) == 1 and not input_names
    given = {**input_names, **{node: "x" if single else next(fresh) for node in unnamed}}
    return step_names(leaves, steps), given


__all__ = ["draw_graph"]
