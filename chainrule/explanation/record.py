"""The primal trace (Wengert list): f recorded once at fresh leaves, each step named vᵢ.

``Recording`` holds what the engine recorded and names it: the inputs first (v1 = x, …), then
each step in the order it ran. Every reader — the traces, the graph picture, the formulas, the
command line — uses these names, and asks the recording for a step's local-derivative formula,
which the step's own rule writes (:mod:`chainrule.explanation.formulas.local`).
"""

from __future__ import annotations

import numpy as np

from chainrule.engine_state import keeping_inputs
from chainrule.explanation import untraced
from chainrule.explanation.formulas.local import local_formula
from chainrule.explanation.formulas.terms import variable
from chainrule.explanation.formulas.writing import call_text, index_text, literal
from chainrule.explanation.text.names import barred, dotted
from chainrule.explanation.text.values import describe, raw
from chainrule.graph import leading_to, reachable
from chainrule.modes import enable_grad
from chainrule.tensor import Tensor, tensor

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
    maps each of those nodes to its name ``vᵢ`` (:func:`step_names`). ``literals`` maps leaf
    nodes that stand for numbers written in a formula to their exact text (see
    :func:`chainrule.explanation.formulas.derivatives.record`). An explanation (``explained``)
    needs an output that depends on the differentiated inputs; a formula may be constant.
    """

    def __init__(self, f, args, input_names, wrt, literals=None, explained=True):
        self.input_names = list(input_names)
        self.wrt = list(wrt)
        self.inputs = [_fresh(arg, i in self.wrt) for i, arg in enumerate(args)]
        self.literals = {} if literals is None else literals
        with enable_grad(), keeping_inputs():  # constants are named by identity below
            out = untraced.reached(f, f(*self.inputs))
        self.outputs = list(out) if isinstance(out, (tuple, list)) else [out]
        self.leaves = [self.inputs[i].node for i in self.wrt]
        self.nodes = steps_between(self.leaves, self.outputs)
        self.names = step_names(self.leaves, self.nodes)
        self.output_nodes = [
            o.node if isinstance(o, Tensor) and o.node in self.names else None for o in self.outputs
        ]
        if explained and all(node is None for node in self.output_nodes):
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
        self._formulas = {}

    def connected_outputs(self):
        """(node, value) of each output that depends on the differentiated inputs: the ones a
        reverse sweep starts from."""
        return [
            (node, raw(out))
            for node, out in zip(self.output_nodes, self.outputs)
            if node is not None
        ]

    def operand(self, node, i):
        """How input ``i`` of ``node`` is written in a step: vⱼ, an input's name or a number."""
        parent = node.parents[i]
        if parent is not None and parent in self.names:
            return self.names[parent]
        value = node.inputs[i]
        if value is None:  # an input left out (clip with one bound)
            return "None"
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

    def argument(self, node, i):
        """Input ``i`` of ``node`` for a formula: a variable named as the step writes it, or
        the number itself where the step writes a number."""
        if node.inputs[i] is None:  # an input left out (clip with one bound)
            return None
        name = self.operand(node, i)
        value = raw(node.inputs[i])
        named = node.parents[i] in self.names or id(node.inputs[i]) in self.constants
        if not named and value.ndim == 0 and value.dtype.kind in "biuf":
            return value[()]
        return variable(name, value[()])

    def formula(self, node, i, mode="reverse"):
        """∂vᵢ/∂vⱼ of ``node`` for input ``i``, written by its VJP (or JVP) rule; computed once."""
        key = (node, i, mode)
        if key not in self._formulas:
            args = [self.argument(node, k) for k in range(len(node.inputs))]
            out = raw(node.value)[()]
            # A map is written in the step's adjoint (v̄ᵢ) or the input's tangent (v̇ⱼ).
            seed = barred(self.names[node]) if mode == "reverse" else dotted(self.operand(node, i))
            self._formulas[key] = local_formula(
                node.prim, i, args, node.params, out, mode, seed_name=seed
            )
        return self._formulas[key]


def step_names(leaves, nodes):
    """v1, v2, … for ``leaves`` (the inputs, in their order), then for ``nodes`` (the steps, in
    the order they ran): the one numbering of explanations, pictures and formulas."""
    names = {leaf: f"v{k}" for k, leaf in enumerate(leaves, 1)}
    for k, node in enumerate(nodes, len(names) + 1):
        names[node] = f"v{k}"
    return names


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
        local = []
        for i in differentiable_inputs(recording, node):
            formula = recording.formula(node, i)
            local.append(
                {
                    "wrt": operands[i],
                    "input": i,
                    "formula": formula.text,
                    "broadcast": list(formula.broadcast),
                }
            )
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
    return call_text(name, operands, params)


__all__ = [
    "Recording",
    "primal_steps",
    "step_names",
    "steps_between",
    "differentiable_inputs",
    "expression",
]
