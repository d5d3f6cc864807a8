"""The multivariable chain: f(x, y, ...) with x, y, ... given as formulas of t (the weather
f(x, y, z) along x = t, y = t², z = t³). The formula checked is f with each of them written
in; the copies of each are remembered, so that the path through y can be named."""

from __future__ import annotations

import ast

from chainrule.explanation.formulas.expression import ExpressionError, parse
from chainrule.explanation.mistakes import tree_edits


def composed(f, where):
    """f with each variable of ``where`` (name → formula text) replaced by its formula.

    Returns:
        (the composed Expression, {name: [the nodes of its copies in the composed tree]},
        the text that says what was put in: ``x = t, y = t^2``).

    Raises:
        ExpressionError: for a name that is not one of f's variables or a formula that
            cannot be read.
    """
    definitions = {}
    for name, text in where.items():
        if name not in f.variables:
            raise ExpressionError(
                f"where= gives {name}, which is not a variable of {f.text!r} "
                f"(its variables are {', '.join(f.variables) or 'none'})"
            )
        try:
            definitions[name] = parse(text)
        except ExpressionError as error:
            raise ExpressionError(f"where= {name}: {error}") from None
    trees = {name: definition.tree for name, definition in definitions.items()}
    whole = parse(tree_edits.unparse(tree_edits.swap(f.tree, None, None, names=trees)))
    copies = {name: [] for name in definitions}
    _find_copies(f.tree, whole.tree, copies)
    said = ", ".join(f"{name} = {definition.text}" for name, definition in definitions.items())
    return whole, copies, said


def _find_copies(original, node, copies):
    # The two trees have one shape except where a name was replaced by its formula.
    if isinstance(original, ast.Name) and original.id in copies:
        copies[original.id].append(node)
        return
    for part, copy in zip(ast.iter_child_nodes(original), ast.iter_child_nodes(node)):
        _find_copies(part, copy, copies)


__all__ = ["composed"]
