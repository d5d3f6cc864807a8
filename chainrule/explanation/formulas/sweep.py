"""The engine's record read in formula terms, and the reverse sweep run over terms: each step's
own VJP rule, called with terms, adds v̄ⱼ += v̄ᵢ·∂vᵢ/∂vⱼ, and the engine fits each contribution
to its input (broadcast axes summed) as it does in ``backward()``.
"""

from __future__ import annotations

import numpy as np

from chainrule.autodiff import fit
from chainrule.explanation.formulas.expression import ExpressionError
from chainrule.explanation.formulas.local import fitted
from chainrule.explanation.formulas.terms import (
    exact_constant,
    in_order,
    is_term,
    value_of,
    variable,
)
from chainrule.graph import reachable
from chainrule.tensor import Tensor

# Records and term graphs beyond this many steps are refused rather than swept, as are
# derivatives beyond MAX_SIZE parts written out (pages long, slow to print).
MAX_NODES = 4000
MAX_SIZE = 4000


def read_terms(recording):
    """The recording's first output as a term: its record, step by step, in formula terms.

    The differentiated input is a variable named as the formula names it, the other inputs
    too; numbers written in the formula are exact constants (``recording.literals``).
    """
    root = recording.outputs[0]
    if not isinstance(root, Tensor) or root.node is None:
        return value_of(getattr(root, "_data", root))
    nodes = reachable([root.node])
    check_steps(len(nodes))
    leaves = {leaf: recording.input_names[i] for leaf, i in zip(recording.leaves, recording.wrt)}
    found = {}
    for node in reversed(nodes):  # increasing seq: a node's inputs are read before it
        if node.prim is None:
            found[node] = _leaf(node, leaves, recording.literals)
            continue
        args = [
            found[parent] if parent is not None else _constant(recording, value)
            for parent, value in zip(node.parents, node.inputs)
        ]
        found[node] = node.prim(*args, **node.params)  # a term, or a number if all are
    return found[root.node]


def _leaf(node, leaves, literals):
    value = node.tensor_ref()._data
    if node in leaves:
        return variable(leaves[node], value)
    if node in literals:
        return exact_constant(literals[node], value)
    return value


def _constant(recording, value):
    data = getattr(value, "_data", value)
    name = recording.constants.get(id(value))
    return variable(name, data) if name is not None else data


def sweep(root, leaf):
    """d root / d leaf: the rules of the steps between them, run on terms, in reverse order."""
    if not is_term(root):
        return np.zeros_like(value_of(leaf))
    order = in_order(root)
    check_steps(len(order))
    useful = _leading_to(order, leaf)
    grads = {id(root): np.ones_like(np.asarray(root.value, dtype=np.float64))[()]}
    sizes = {}
    with np.errstate(all="ignore"):
        for term in reversed(order):  # each term's adjoint is complete before it is passed on
            if term is leaf or term.prim is None or term.prim.vjps is None:
                continue
            grad_out = grads.pop(id(term), None)
            if grad_out is not None:
                _propagate(term, grad_out, grads, useful, sizes)
    found = grads.get(id(leaf))
    return np.zeros_like(value_of(leaf)) if found is None else found


def _propagate(term, grad_out, grads, useful, sizes):
    rules = term.prim.vjps
    for i, arg in enumerate(term.args):
        if not is_term(arg) or id(arg) not in useful or rules[i] is None:
            continue
        found = rules[i](grad_out, term, *term.args, **term.params)
        contribution = fitted(found, arg, fit.fit_gradient)
        previous = grads.get(id(arg))
        grads[id(arg)] = contribution if previous is None else previous + contribution
        if tree_size(grads[id(arg)], MAX_SIZE, sizes) > MAX_SIZE:
            raise ExpressionError(
                f"the derivative is too large to show as a formula (over {MAX_SIZE:,} parts);"
                " ask for its value at a point instead"
            )


def _leading_to(order, leaf):
    useful = {id(leaf)}
    for term in order:
        if any(id(arg) in useful for arg in term.args if is_term(arg)):
            useful.add(id(term))
    return useful


def tree_size(term, limit, sizes=None):
    """How many parts ``term`` has written out as a tree (shared parts counted each time they
    appear), counted up to just past ``limit``; ``sizes`` keeps counts for the next call."""
    sizes = {} if sizes is None else sizes
    for part in in_order(term):
        if part not in sizes:
            inner = sum(sizes[arg] if is_term(arg) else 1 for arg in part.args)
            sizes[part] = min(limit + 1, 1 + inner)
    return sizes.get(term, 1) if is_term(term) else 1


def check_steps(count):
    if count > MAX_NODES:
        raise ExpressionError(
            f"the formula is too large for a symbolic derivative ({count:,} steps; at most "
            f"{MAX_NODES:,}); ask for its value at a point instead"
        )


__all__ = ["read_terms", "sweep", "tree_size", "MAX_NODES", "MAX_SIZE"]
