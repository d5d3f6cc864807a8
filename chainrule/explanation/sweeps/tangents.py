"""The forward-mode trace: v̇ᵢ = Σⱼ ∂vᵢ/∂vⱼ · v̇ⱼ, replayed over the record with the JVP rules.

Each step is computed by the engine's own forward step (:func:`forward.tangent_of`), whose
observer shows every term ∂vᵢ/∂vⱼ · v̇ⱼ before the sum.
"""

from __future__ import annotations

import numpy as np

from chainrule.autodiff import forward
from chainrule.modes import no_grad
from chainrule.explanation.text.values import describe, number, raw, size_of


def forward_trace(recording, direction):
    """One forward sweep along ``direction`` (one tangent per differentiated input, or None)."""
    tangents = {leaf: dot for leaf, dot in zip(recording.leaves, direction) if dot is not None}
    steps = []
    with no_grad():
        for node in recording.nodes:
            step = forward_step(recording, node, tangents)
            if step is not None:
                steps.append(step)
    outputs = []
    for node, out in zip(recording.output_nodes, recording.outputs):
        if node is not None:
            out_dot = tangents.get(node, np.zeros_like(raw(out)))
            outputs.append({"var": recording.names[node], "tangent": describe(out_dot)})
    seeds = [
        {
            "name": recording.input_names[i],
            "var": recording.names[leaf],
            "tangent": describe(np.zeros_like(raw(recording.inputs[i])) if dot is None else dot),
        }
        for i, leaf, dot in zip(recording.wrt, recording.leaves, direction)
    ]
    return {"direction": seeds, "steps": steps, "outputs": outputs}


def forward_step(recording, node, tangents):
    """Push tangents through ``node``; None when no tangent reaches it."""
    dots = [tangents.get(parent) if parent is not None else None for parent in node.parents]
    if all(dot is None for dot in dots):
        return None
    inputs = saved_inputs(node)
    terms = []
    out_dot = forward.tangent_of(
        node.prim,
        inputs,
        node.out,
        node.params,
        dots,
        differentiable=False,
        observer=lambda i, contribution: terms.append((i, contribution)),
        fit_to=node.value,
    )
    if out_dot is None:
        return None
    tangents[node] = out_dot
    operands = [recording.operand(node, i) for i in range(len(node.inputs))]
    described = []
    for i, contribution in terms:
        formula = recording.formula(node, i, "forward")
        described.append(
            {
                "from": operands[i],
                "input": i,
                "formula": formula.text,
                "broadcast": list(formula.broadcast),
                "derivative": local_derivative(node, i),
                "tangent_in": describe(dots[i]),
                "contribution": describe(contribution),
            }
        )
    return {"var": recording.names[node], "terms": described, "tangent": describe(out_dot)}


def output_tangents(recording, direction):
    """The outputs' tangents along ``direction``, by the same replay without the narration."""
    tangents = {leaf: dot for leaf, dot in zip(recording.leaves, direction) if dot is not None}
    with no_grad():
        for node in recording.nodes:
            dots = [tangents.get(parent) if parent is not None else None for parent in node.parents]
            if any(dot is not None for dot in dots):
                out_dot = forward.tangent_of(
                    node.prim, saved_inputs(node), node.out, node.params, dots,
                    differentiable=False, fit_to=node.value,
                )
                if out_dot is not None:
                    tangents[node] = out_dot
    return [tangents.get(node) if node is not None else None for node in recording.output_nodes]


def saved_inputs(node):
    return [raw(x) if hasattr(x, "_data") else x for x in node.inputs]


def local_derivative(node, i):
    """∂vᵢ/∂vⱼ as a number, where both are scalars: the JVP rule's term for a unit tangent."""
    x = node.inputs[i]
    if size_of(node.value) != 1 or size_of(x) != 1:
        return None
    dots = [None] * len(node.inputs)
    dots[i] = np.ones_like(raw(x))
    with no_grad():
        out_dot = forward.tangent_of(
            node.prim, saved_inputs(node), node.out, node.params, dots, differentiable=False,
            fit_to=node.value,
        )
    return None if out_dot is None else number(raw(out_dot).reshape(-1)[0])


def directions(recording, direction=None):
    """The directions to trace: the given one, else one per differentiated input."""
    if direction is not None:
        return [list(direction)]
    found = []
    for k, i in enumerate(recording.wrt):
        seed = [None] * len(recording.wrt)
        seed[k] = np.ones_like(raw(recording.inputs[i]))
        found.append(seed)
    return found


__all__ = ["forward_trace", "output_tangents", "directions", "local_derivative"]
