"""The reverse-mode trace: v̄ⱼ += v̄ᵢ · ∂vᵢ/∂vⱼ, in the order the engine's sweep ran.

The sweep is the engine's own (:func:`reverse.sweep`); an observer writes down each adjoint as
it is completed and each contribution with the running sum at the value it flows into.
"""

from __future__ import annotations

import numpy as np

from chainrule.autodiff import reverse
from chainrule.modes import no_grad
from chainrule.explanation.sweeps.tangents import saved_inputs
from chainrule.explanation.text.values import describe, number, raw, size_of


class AdjointObserver(reverse.SweepObserver):
    """Writes down a sweep: ``events`` in the order the engine reported them."""

    def __init__(self, recording, seeds):
        self.recording = recording
        self.events = []
        self.adjoints = {}
        self.received = {
            node: [{"from": "seed", "contribution": describe(seed)}] for node, seed in seeds
        }

    def visit(self, node, grad_out):
        if node in self.recording.names:
            self.adjoints[node] = grad_out
            self.events.append(self.adjoint_event(node, grad_out))

    def contribution(self, node, i, parent, contribution, total):
        names = self.recording.names
        self.received.setdefault(parent, []).append(
            {"from": names[node], "contribution": describe(contribution)}
        )
        self.events.append(
            {
                "kind": "contribution",
                "from": names[node],
                "to": names[parent],
                "input": i,
                "formula": self.recording.formula(node, i).text,
                "derivative": local_derivative(node, i),
                "adjoint_in": describe(self.adjoints[node]),
                "contribution": describe(contribution),
                "total": describe(total),
            }
        )

    def adjoint_event(self, node, adjoint):
        return {
            "kind": "adjoint",
            "var": self.recording.names[node],
            "adjoint": describe(adjoint),
            "sources": self.received.get(node, []),
        }


def reverse_trace(recording):
    """One reverse sweep from every output, each seeded with ones (v̄ = 1 for each entry)."""
    roots, seeds = [], []
    for node, out in zip(recording.output_nodes, recording.outputs):
        if node is not None:
            seed = np.ones_like(raw(out))
            roots.append(node)
            seeds.append(seed[()] if seed.ndim == 0 else seed)
    observer = AdjointObserver(recording, list(zip(roots, seeds)))
    found = reverse.sweep(
        roots, seeds, targets=set(recording.leaves), retain_graph=True, observer=observer
    )
    gradients = []
    for i, leaf in zip(recording.wrt, recording.leaves):
        gradient = found.get(leaf)
        if gradient is None:
            gradient = np.zeros_like(raw(recording.inputs[i]))
        observer.events.append(observer.adjoint_event(leaf, gradient))
        gradients.append(
            {
                "name": recording.input_names[i],
                "var": recording.names[leaf],
                "gradient": describe(gradient),
            }
        )
    seeded = [
        {"var": recording.names[node], "adjoint": describe(seed)}
        for node, seed in zip(roots, seeds)
    ]
    return {"seeds": seeded, "steps": observer.events, "gradients": gradients}


def local_derivative(node, i):
    """∂vᵢ/∂vⱼ as a number, where both are scalars: the VJP rule's contribution for v̄ᵢ = 1."""
    x = node.inputs[i]
    if size_of(node.value) != 1 or size_of(x) != 1:
        return None
    one = np.ones_like(raw(node.value))
    with no_grad():
        contribution = node.prim.vjps[i](one, node.out, *saved_inputs(node), **node.params)
    return number(raw(contribution).reshape(-1)[0])


__all__ = ["reverse_trace", "AdjointObserver", "local_derivative"]
