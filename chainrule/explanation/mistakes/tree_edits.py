"""Parts of a formula's tree: which depend on a variable, copies with parts replaced, and the
texts the mistake checker writes about them."""

from __future__ import annotations

import ast

import numpy as np

from chainrule.explanation.formulas import sampling, terms
from chainrule.explanation.formulas.expression import FUNCTIONS, evaluate
from chainrule.explanation.formulas.local import local_formula
from chainrule.primitive import Primitive


def uses(node, name):
    """Whether the variable ``name`` occurs in ``node``."""
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node))


def operands(node):
    """The parts a node combines: both sides, the operand, or a call's arguments."""
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    return list(node.args) if isinstance(node, ast.Call) else []


def is_outer_function(node, inner):
    """Whether ``node`` applies a function to its part ``inner``: a call, a power, or a
    constant divided by it (``c/g(x)``)."""
    if isinstance(node, ast.Call):
        return True
    if isinstance(node, ast.BinOp):
        return isinstance(node.op, (ast.Pow, ast.BitXor)) or (
            isinstance(node.op, ast.Div) and node.right is inner
        )
    return False


def name(node, inner):
    """The outer function of the place ``node`` = f(``inner``): ``sin``, or ``(u**2)``."""
    if isinstance(node, ast.Call):
        return node.func.id
    return f"({unparse(swap(node, inner, variable('u')))})"


def rule_of(node):
    """`` (cos′(x) = -sin(x))``: the derivative as the function's primitive's rule writes it."""
    function = FUNCTIONS.get(node.func.id) if isinstance(node, ast.Call) else None
    if not isinstance(function, Primitive) or len(function.inputs) != 1:
        return ""
    x = sampling.candidates(["x"])["x"]
    with terms.for_all_points(), np.errstate(all="ignore"):
        formula = local_formula(
            function, 0, [terms.variable("x", x)], {}, function.forward(x), scalar=True
        )
    return f" ({node.func.id}′(x) = {formula.text})" if formula.term is not None else ""


# The functions a network applies between layers: skipping their derivative is backprop's slip.
ACTIVATIONS = frozenset({"sigmoid", "tanh", "relu", "softplus", "gelu", "elu", "leaky_relu"})
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")


def is_power(node):
    return isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Pow, ast.BitXor))


def is_activation(node):
    """Whether ``node`` applies an activation function (sigmoid, tanh, relu, ...)."""
    return isinstance(node, ast.Call) and node.func.id in ACTIVATIONS


def has_minus(node, rule):
    """Whether the derivative of the outer function at ``node`` carries a minus sign, so that
    a sign slip there is a likely one: cos′ = −sin, (1/u)′ = −1/u², (u**−2)′ = −2·u**−3.
    ``rule`` is :func:`rule_of`'s text for a call."""
    if isinstance(node, ast.Call):
        return rule.partition(" = ")[2].startswith("-")
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        return True
    if is_power(node):
        try:  # a constant exponent; one with other variables in it is left unranked
            with np.errstate(all="ignore"):
                return bool(np.asarray(evaluate(node.right, {}), dtype=np.float64) < 0)
        except (KeyError, TypeError, ValueError):
            return False
    return False


def occurrence(expression, node, text, key=ast.dump):
    """``text``, the place's text, with which occurrence it is where the formula has more:
    ``sin(x) (the second sin)``, ``the third x``. ``key(node)`` tells equal parts apart
    (a cached ``ast.dump``)."""
    if isinstance(node, ast.Call):
        same = [n for n in ast.walk(expression.tree) if _called(n) == node.func.id]
        named = f"{text} (the {{}} {node.func.id})"
    else:
        same = [n for n in ast.walk(expression.tree) if key(n) == key(node)]
        named = f"the {{}} {text}"
    if len(same) < 2:
        return text
    same.sort(key=lambda n: (n.lineno, n.col_offset))
    index = next(i for i, n in enumerate(same) if n is node)
    return named.format(_ORDINALS[index] if index < len(_ORDINALS) else f"number {index + 1}")


def _called(node):
    return node.func.id if isinstance(node, ast.Call) else None


def swapped_text(outer, inner, wrt, placeholder):
    """g(f(x)) for the place f(g(x)): the inner formula with x replaced by the outer function
    (``outer`` holds ``placeholder`` where the inner formula was)."""
    outer_of_x = swap(outer, None, None, names={placeholder: variable(wrt)})
    return unparse(swap(inner, None, None, names={wrt: outer_of_x}))


def variable(name):
    """A name node, to stand for a part of a formula."""
    return ast.Name(id=name, ctx=ast.Load())


def unparse(node):
    return ast.unparse(node).replace(" ** ", "**")


def swap(node, target, replacement, names=None):
    """A copy of ``node`` with ``target`` (a node) replaced, and the names in ``names``."""
    if node is target:
        return replacement
    if names and isinstance(node, ast.Name) and node.id in names:
        return names[node.id]
    if not isinstance(node, ast.AST):
        return node
    fields = {
        field: [swap(item, target, replacement, names) for item in value]
        if isinstance(value, list)
        else swap(value, target, replacement, names)
        for field, value in ast.iter_fields(node)
    }
    return ast.copy_location(type(node)(**fields), node)


__all__ = [
    "uses",
    "operands",
    "is_outer_function",
    "name",
    "rule_of",
    "swapped_text",
    "ACTIVATIONS",
    "is_power",
    "is_activation",
    "has_minus",
    "occurrence",
    "variable",
    "unparse",
    "swap",
]
