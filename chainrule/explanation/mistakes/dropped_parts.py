"""Parts of a derivative left out: a term of a sum, or a path of the multivariable chain rule
(the derivative is the sum over the paths from x to f, one through each place x occurs).

Leaving out the part through a place s takes ∂f/∂s·ds/dx, both by the engine, from the
derivative.
"""

from __future__ import annotations

import ast

import numpy as np

from chainrule.explanation.mistakes.kinds import LESS_LIKELY


def dropped(places):
    """The mistakes of leaving out one term of a sum, the path through one occurrence of the
    variable, or the paths through every copy of a repeated part (``places`` is the formula's
    :class:`~chainrule.explanation.mistakes.wrong_derivatives.Places`)."""
    found = [_term(places, term) for term in _dependent_terms(places)]
    leaves = [
        n
        for n in ast.walk(places.expression.tree)
        if isinstance(n, ast.Name) and n.id == places.wrt
    ]
    if len(leaves) > 1:
        found += [_path(places, [leaf], LESS_LIKELY) for leaf in leaves]
    found += [_path(places, copies, LESS_LIKELY) for copies in _repeated_parts(places)]
    return found


def chain_paths(places, paths):
    """The mistakes of leaving out the path through one variable of a multivariable chain
    (``paths``: name → the copies of its formula in the tree), ∂f/∂y·dy/dt."""
    found = []
    for name, copies in paths.items():
        if copies and any(places.depends(copy) for copy in copies):
            text = f"{name} = {places.text(copies[0])}"
            explanation = (
                f"the path through {name}, ∂f/∂{name}·d{name}/d{places.wrt}, was left out of "
                "the sum over paths"
            )
            values = _without(places, copies)
            found.append(places.at(copies, "dropped path", values, explanation, label=text))
    return found


def _term(places, term):
    def explain():
        return f"the term's derivative {places.describe(term)} was left out"

    values = _without(places, [term])
    return places.at(term, "dropped term", values, explain)


def _path(places, nodes, rank):
    text = places.text(nodes[0])
    if len(nodes) == 1:
        explanation = "the path through it was left out of the sum over paths"
    else:
        explanation = (
            f"the paths through every {text} ({len(nodes)} of them) were left out of the sum "
            "over paths"
        )
    return places.at(nodes, "dropped path", _without(places, nodes), explanation, rank=rank)


def _without(places, nodes):
    with np.errstate(all="ignore"):
        return places.truth - sum(places.effect_of_dropping(node) for node in nodes)


def _dependent_terms(places):
    # The terms of each sum (a + b − c, read as one sum) of which two or more depend on x.
    terms = []
    for node in ast.walk(places.expression.tree):
        parent = places.parents.get(id(node))
        if _is_sum(node) and not _is_sum(parent):
            found = [t for t in _terms_of(node) if places.depends(t)]
            terms += found if len(found) > 1 else []
    return terms


def _is_sum(node):
    return isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub))


def _terms_of(node):
    if not _is_sum(node):
        return [node]
    return _terms_of(node.left) + _terms_of(node.right)


def _repeated_parts(places):
    # Copies of one part of the formula that depends on x (not x itself), where there are two
    # or more: the paths through a variable such as y = t**2 written out in each place.
    groups = {}
    for node in ast.walk(places.expression.tree):
        if places.depends(node) and not isinstance(node, ast.Name):
            groups.setdefault(places.key(node), []).append(node)
    return [copies for copies in groups.values() if len(copies) > 1]


__all__ = ["dropped", "chain_paths"]
