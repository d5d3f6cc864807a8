"""The slips in applying one rule at one place: the chain rule's (the inner derivative
forgotten, only the inner function differentiated, a skipped activation derivative), the
product and quotient rules', and the power rule used on a variable exponent or the exponential
rule on a variable base (x**x)."""

from __future__ import annotations

import ast

import numpy as np

from chainrule.explanation.formulas import sampling
from chainrule.explanation.mistakes import tree_edits
from chainrule.explanation.mistakes.kinds import LIKELIEST

# The exact derivative of u**v, quoted where either rule was used alone.
_POWER = "d(u**v) = u**v·(ln(u)·v′ + v·u′/u)"


def chain_texts(inner_slope, inner, at, swapped):
    """(kind, explanation) of each chain-rule mistake: the inner derivative forgotten, the
    outer derivative at the inner derivative (with and without it multiplied) and inner and
    outer swapped."""
    return (
        (
            "inner derivative forgotten",
            lambda: f"the inner derivative {inner_slope()} was not multiplied",
        ),
        (
            "outer derivative at the inner derivative",
            lambda: f"{at} {inner_slope()} instead of at the inner function {inner}",
        ),
        (
            "outer derivative at the inner derivative",
            lambda: (
                f"{at} {inner_slope()} instead of at the inner function {inner}, and "
                f"{inner_slope()} was not multiplied"
            ),
        ),
        (
            "inner and outer swapped",
            lambda: f"inner and outer functions were swapped: that is the derivative of {swapped}",
        ),
    )


def outer_skipped(places, node, name, inner, inner_slope):
    """The mistake of keeping only the inner derivative g′ at the place f(g(x)): f′ skipped,
    "skipped activation derivative" where f is an activation (σ′ of backprop)."""
    rule = tree_edits.rule_of(node)
    if tree_edits.is_activation(node):
        text = f"the activation's derivative {name}′ was not multiplied{rule}"
        kind = "skipped activation derivative"
        return places.mistake(node, kind, inner_slope, text, rank=LIKELIEST)

    def explain():
        return (
            f"only the inner function {places.text(inner)} was differentiated (giving "
            f"{places.describe(inner)}); the outer derivative {name}′ was not multiplied"
        )

    return places.mistake(node, "inner function only", inner_slope, explain)


def power_of_variable_exponent(places, node, inner, inner_slope):
    """At a**g(x): the power rule used as if the exponent were constant, g·a**(g−1)·g′."""
    if not (isinstance(node, ast.BinOp) and tree_edits.is_power(node) and node.right is inner):
        return []
    base = places.text(node.left)
    exponent = places.text(inner)
    a = sampling.values_of(node.left, places.points)
    g = sampling.values_of(inner, places.points)
    with np.errstate(all="ignore"):
        wrong = g * a ** (g - 1) * inner_slope
    text = (
        f"the power rule was used on the variable exponent {exponent}; "
        f"d({base}**g) = {base}**g·ln({base})·g′"
    )
    return [places.mistake(node, "power rule on a variable exponent", wrong, text)]


TWO_SIDED = {
    ast.Mult: (
        (
            "product rule",
            "the product rule was replaced by u′·v′; d(u·v) = u′·v + u·v′",
            lambda u, du, v, dv: du * dv,
        ),
        (
            "product rule",
            "the term u·v′ of the product rule is missing",
            lambda u, du, v, dv: du * v,
        ),
        (
            "product rule",
            "the term u′·v of the product rule is missing",
            lambda u, du, v, dv: u * dv,
        ),
    ),
    ast.Div: (
        (
            "quotient rule",
            "the numerator's terms are the wrong way round: d(u/v) = (u′·v − u·v′)/v²",
            lambda u, du, v, dv: (u * dv - du * v) / (v * v),
        ),
        (
            "quotient rule",
            "the denominator v² is missing its square",
            lambda u, du, v, dv: (du * v - u * dv) / v,
        ),
        (
            "quotient rule",
            "the derivatives were divided, u′/v′, instead of (u′·v − u·v′)/v²",
            lambda u, du, v, dv: du / dv,
        ),
        (
            "sign",
            "a plus instead of the minus of the quotient rule: d(u/v) = (u′·v − u·v′)/v²",
            lambda u, du, v, dv: (du * v + u * dv) / (v * v),
        ),
    ),
    ast.Pow: (
        (
            "power rule on a variable exponent",
            f"the power rule v·u**(v−1)·u′ was used, but the exponent varies too; {_POWER}",
            lambda u, du, v, dv: v * u ** (v - 1) * du,
        ),
        (
            "exponential rule on a variable base",
            f"the exponential rule u**v·ln(u)·v′ was used, but the base varies too; {_POWER}",
            lambda u, du, v, dv: u**v * np.log(u) * dv,
        ),
    ),
}
TWO_SIDED[ast.BitXor] = TWO_SIDED[ast.Pow]

__all__ = ["chain_texts", "outer_skipped", "power_of_variable_exponent", "TWO_SIDED"]
