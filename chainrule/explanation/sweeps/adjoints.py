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
        formula = self.recording.formula(node, i)
        self.events.append(
            {
                "kind": "contribution",
                "from": names[node],
                "to": names[parent],
                "input": i,
                "formula": formula.text,
                "broadcast": list(formula.broadcast),
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


# A vector output of up to this many entries gets one sweep per entry: the Jacobian's rows.
ROW_SWEEPS = 4


def reverse_trace(recording, cotangents=None):
    """One reverse sweep from every output, seeded with ``cotangents`` (one array per output
    that depends on the inputs); by default with ones (v̄ = 1 for each entry), which makes
    the sweep's result the gradient of the sum of the output entries."""
    roots, seeds = [], []
    connected = recording.connected_outputs()
    if cotangents is None:
        cotangents = [np.ones_like(out) for _, out in connected]
    for (node, out), seed in zip(connected, cotangents):
        seed = np.asarray(seed, dtype=out.dtype)
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


def row_traces(recording):
    """One sweep per output entry, seeded with 1 at that entry and 0 elsewhere: each finds one
    row of the Jacobian. None unless the outputs have 2 to ``ROW_SWEEPS`` entries."""
    connected = recording.connected_outputs()
    entries = [
        (k, index) for k, (_, out) in enumerate(connected) for index in np.ndindex(out.shape)
    ]
    if not 1 < len(entries) <= ROW_SWEEPS:
        return None
    traces = []
    for k, index in entries:
        cotangents = [np.zeros_like(out) for _, out in connected]
        cotangents[k][index] = 1
        trace = reverse_trace(recording, cotangents)
        var = recording.names[connected[k][0]]
        label = var + (f"[{', '.join(map(str, index))}]" if index else "")
        trace["row"] = {"var": var, "index": list(index), "label": label}
        traces.append(trace)
    return traces


def local_derivative(node, i):
    """∂vᵢ/∂vⱼ as a number, where both are scalars: the VJP rule's contribution for v̄ᵢ = 1."""
    x = node.inputs[i]
    if size_of(node.value) != 1 or size_of(x) != 1:
        return None
    one = np.ones_like(raw(node.value))
    with no_grad():
        contribution = node.prim.vjps[i](one, node.out, *saved_inputs(node), **node.params)
    return number(raw(contribution).reshape(-1)[0])


__all__ = ["reverse_trace", "row_traces", "AdjointObserver", "local_derivative", "ROW_SWEEPS"]
