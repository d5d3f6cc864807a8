"""The Jacobian chain: D(f∘g)(x) = Df(g(x)) · Dg(x), each factor as the engine computes it.

A factor is read from a recording by the engine's sweeps: reverse mode takes one per output
entry (m), forward mode one per input entry (n), which is what the cost note compares.
"""

from __future__ import annotations

import numpy as np

from chainrule.autodiff import reverse
from chainrule.explanation.record import Recording
from chainrule.explanation.sweeps.tangents import output_tangents
from chainrule.explanation.text.values import describe, raw, size_of

# Above this many entries a factor is described by its shape only: m·n numbers help no one.
MAX_ENTRIES = 10_000


def jacobian_matrix(recording):
    """The m × n Jacobian of all outputs (flattened) by all differentiated inputs, or None.

    It is built the cheaper way: by rows with reverse sweeps when m <= n, else by columns
    with forward replays.
    """
    widths = [size_of(recording.inputs[i]) for i in recording.wrt]
    n, m = sum(widths), sum(size_of(out) for out in recording.outputs)
    if m * n > MAX_ENTRIES:
        return None
    if m <= n:
        return np.array(list(_rows(recording, widths)), dtype=np.float64).reshape(m, n)
    columns = [
        _column(recording, widths, k, entry)
        for k, width in enumerate(widths)
        for entry in range(width)
    ]
    return np.array(columns, dtype=np.float64).reshape(n, m).T


def _rows(recording, widths):
    for node, out in zip(recording.output_nodes, recording.outputs):
        for entry in range(size_of(out)):
            if node is None:
                yield np.zeros(sum(widths))
                continue
            seed = _unit(out, entry)
            found = reverse.sweep([node], [seed], targets=set(recording.leaves), retain_graph=True)
            yield np.concatenate(
                [
                    raw(found[leaf]).reshape(-1) if leaf in found else np.zeros(width)
                    for leaf, width in zip(recording.leaves, widths)
                ]
            )


def _column(recording, widths, k, entry):
    direction = [None] * len(widths)
    direction[k] = _unit(recording.inputs[recording.wrt[k]], entry)
    tangents = output_tangents(recording, direction)
    return np.concatenate(
        [
            np.zeros(size_of(out)) if dot is None else raw(dot).reshape(-1)
            for dot, out in zip(tangents, recording.outputs)
        ]
    )


def _unit(like, entry):
    """Ones at ``entry`` (in flat order), zeros elsewhere, in the shape and dtype of ``like``."""
    seed = np.zeros_like(raw(like))
    seed.reshape(-1)[entry] = 1
    return seed[()] if seed.ndim == 0 else seed


def factor(name, recording, argument):
    """One factor ``Dname(argument)`` of the chain, with its shape and value."""
    matrix = jacobian_matrix(recording)
    n = sum(size_of(recording.inputs[i]) for i in recording.wrt)
    m = sum(size_of(out) for out in recording.outputs)
    return {
        "name": f"D{name}({argument})",
        "layer": name,
        "shape": [m, n],
        "value": None if matrix is None else describe(matrix),
    }, matrix


def layer_name(layer, k):
    name = getattr(layer, "__name__", None)
    return name if name and name.isidentifier() else f"f{k + 1}"


def jacobian_chain(layers, args, input_names, wrt, names_of):
    """Each layer's Jacobian at the point the composition passes through, and their product."""
    values, argument = list(args), ", ".join(input_names[i] for i in wrt)
    factors, matrices = [], []
    for k, layer in enumerate(layers):
        names = input_names if k == 0 else names_of(layer, len(values))
        recording = Recording(layer, values, names, wrt if k == 0 else range(len(values)))
        name = layer_name(layer, k)
        described, matrix = factor(name, recording, argument)
        factors.append(described)
        matrices.append(matrix)
        values = [raw(out) for out in recording.outputs]
        argument = f"{name}({argument})"
    product = None
    if len(factors) > 1:
        shape = [factors[-1]["shape"][0], factors[0]["shape"][1]]
        value = None
        if all(matrix is not None for matrix in matrices):
            value = describe(np.linalg.multi_dot(matrices[::-1]))
        product = {
            "name": " · ".join(f["name"] for f in reversed(factors)),
            "shape": shape,
            "value": value,
        }
    n, m = factors[0]["shape"][1], factors[-1]["shape"][0]
    return {"factors": factors, "product": product, "cost": cost(n, m)}


def cost(n, m):
    """Forward mode needs one sweep per input entry (n), reverse mode one per output entry (m)."""
    cheaper = "forward" if n < m else ("reverse" if m < n else "same")
    return {"inputs": n, "outputs": m, "forward_sweeps": n, "reverse_sweeps": m, "cheaper": cheaper}


__all__ = ["jacobian_chain", "jacobian_matrix", "cost"]
