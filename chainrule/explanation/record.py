"""The primal trace (Wengert list): f recorded once at fresh leaves, each step named vᵢ.

``Recording`` holds what the engine recorded; ``primal_steps`` reads it into steps such as
``v3 = exp(v2)`` with their values and each input's local-derivative formula (the primitive's
own ``formulas``), the way forward and reverse traces will refer to them.
"""

from __future__ import annotations

import inspect
import re

import numpy as np

from chainrule.graph import enable_grad, leading_to, reachable
from chainrule.tensor import Tensor, tensor
from chainrule.explanation.text.values import describe, raw

INFIX = {
    "add": "{} + {}",
    "subtract": "{} - {}",
    "multiply": "{} * {}",
    "divide": "{} / {}",
    "power": "{} ** {}",
    "matmul": "{} @ {}",
}


class Recording:
    """``f(*args)`` recorded once: inputs, outputs, and the steps that lead from one to the other.

    ``leaves`` are the nodes of the inputs being differentiated (``wrt``); ``nodes`` the
    recorded steps on a path from them to an output, in the order they ran (``seq``); ``names``
    maps each of those nodes to its name ``vᵢ``.
    """

    def __init__(self, f, args, input_names, wrt):
        self.input_names = list(input_names)
        self.wrt = list(wrt)
        self.inputs = [_fresh(arg, i in self.wrt) for i, arg in enumerate(args)]
        with enable_grad():
            out = f(*self.inputs)
        self.outputs = list(out) if isinstance(out, (tuple, list)) else [out]
        self.leaves = [self.inputs[i].node for i in self.wrt]
        self.nodes = steps_between(self.leaves, self.outputs)
        self.names = {leaf: f"v{k}" for k, leaf in enumerate(self.leaves, 1)}
        for k, node in enumerate(self.nodes, len(self.leaves) + 1):
            self.names[node] = f"v{k}"
        self.output_nodes = [
            o.node if isinstance(o, Tensor) and o.node in self.names else None for o in self.outputs
        ]
        if all(node is None for node in self.output_nodes):
            wrt_names = ", ".join(self.input_names[i] for i in self.wrt)
            raise ValueError(
                f"the output does not depend on {wrt_names}: there is no derivative to explain"
            )
        self.constants = {
            id(self.inputs[i]): self.input_names[i]
            for i in range(len(self.inputs))
            if i not in self.wrt
        }
        self.arrays = []  # (name, value) of the array constants met in the steps

    def operand(self, node, i):
        """How input ``i`` of ``node`` is written in a step: vⱼ, an input's name or a number."""
        parent = node.parents[i]
        if parent is not None and parent in self.names:
            return self.names[parent]
        value = node.inputs[i]
        if id(value) in self.constants:
            return self.constants[id(value)]
        array = raw(value)
        if array.ndim == 0 and array.dtype.kind in "biuf":
            return literal(array)
        for name, known in self.arrays:
            if known is value:
                return name
        name = f"k{len(self.arrays) + 1}"
        self.arrays.append((name, value))
        return name


def steps_between(leaves, outputs):
    """The recorded steps on some path from ``leaves`` to ``outputs``, in the order they ran."""
    roots = [out.node for out in outputs if isinstance(out, Tensor) and out.node is not None]
    useful = leading_to(reachable(roots, stop=set(leaves)), set(leaves))
    return sorted((node for node in useful if node.prim is not None), key=lambda n: n.seq)


def _fresh(arg, differentiable):
    array = np.array(raw(arg))
    if differentiable and array.dtype.kind not in "fc":
        array = array.astype(np.float64)
    return tensor(array, requires_grad=differentiable)


def literal(array):
    """A number as it is written in a formula: ``1``, ``0.5``, ``(-2)``, ``True``."""
    if array.dtype.kind == "b":
        return str(bool(array))
    text = f"{float(array):.12g}"
    return f"({text})" if text.startswith("-") else text


def primal_steps(recording):
    """The Wengert list: inputs ``v1 = x``, then each step ``vᵢ = op(vⱼ, …)`` with its value."""
    steps = [
        {
            "var": recording.names[leaf],
            "op": "input",
            "expression": recording.input_names[i],
            "args": [],
            "value": describe(recording.inputs[i]),
            "local": [],
        }
        for leaf, i in zip(recording.leaves, recording.wrt)
    ]
    for node in recording.nodes:
        operands = [recording.operand(node, i) for i in range(len(node.inputs))]
        local = [
            {"wrt": operands[i], "input": i, "formula": formula(node.prim, i, operands)}
            for i in differentiable_inputs(recording, node)
        ]
        steps.append(
            {
                "var": recording.names[node],
                "op": node.prim.name,
                "expression": expression(node.prim.name, operands, node.params),
                "args": operands,
                "value": describe(node.value),
                "local": local,
            }
        )
    return steps


def differentiable_inputs(recording, node):
    """The inputs of ``node`` through which a derivative flows to the differentiated inputs."""
    rules = node.prim.vjps
    return [
        i
        for i, parent in enumerate(node.parents)
        if parent is not None and parent in recording.names and rules[i] is not None
    ]


def expression(name, operands, params):
    """A step as it reads: ``v1 + v2``, ``-v1``, ``v1[0, 1:]``, ``sum(v1, axis=(0,))``."""
    if name in INFIX and len(operands) == 2 and not params:
        return INFIX[name].format(*operands)
    if name == "negative":
        return f"-{operands[0]}"
    if name == "getitem":
        return f"{operands[0]}[{index_text(params['index'])}]"
    shown = [
        f"{key}={param_text(value)}"
        for key, value in params.items()
        if value is not None and value is not False
    ]
    return f"{name}({', '.join([*operands, *shown])})"


def index_text(index):
    parts = index if isinstance(index, tuple) else (index,)
    return ", ".join(param_text(part) for part in parts)


def param_text(value):
    if isinstance(value, slice):
        parts = ["" if v is None else str(v) for v in (value.start, value.stop, value.step)]
        return ":".join(parts[:2] if value.step is None else parts)
    if isinstance(value, (np.dtype, type)):
        return np.dtype(value).name
    if isinstance(value, (np.ndarray, Tensor)):
        return f"array{tuple(value.shape)}"
    if value is Ellipsis:
        return "..."
    text = repr(value)
    return text if len(text) <= 24 else text[:21] + "..."


def formula(prim, i, operands):
    """The primitive's local-derivative formula for input ``i``, in the step's own names."""
    try:
        text = prim.formulas[i]
    except IndexError:
        text = prim.formulas[0] if len(prim.formulas) else ""
    names = rule_input_names(prim, i, len(operands))
    swap = dict(zip(names, operands))
    if not swap:
        return text
    pattern = r"(?<![A-Za-z0-9_])(" + "|".join(map(re.escape, swap)) + r")(?![A-Za-z0-9_])"
    return re.sub(pattern, lambda match: swap[match.group(1)], text)


def rule_input_names(prim, i, count):
    """The names the rules give the inputs (``x``, ``y``, ``condition``...), as formulas use."""
    for rules in (prim.jvps, prim.vjps):
        try:
            parameters = inspect.signature(rules[i]).parameters.values()
        except (TypeError, ValueError, IndexError):
            continue
        names = [
            p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ][2:]
        if len(names) == count:
            return names
    return ("x", "y")[:count] if count <= 2 else []


__all__ = [
    "Recording",
    "primal_steps",
    "steps_between",
    "differentiable_inputs",
    "formula",
    "expression",
]
