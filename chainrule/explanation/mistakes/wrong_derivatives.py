"""Derivatives with one classic mistake made at one place in a formula, at sample points.

Each is built from numbers the engine computes (reverse mode, all points at once), never from
a second derivative table: the outer function's derivative f′ at any value is the engine's
derivative of the outer function alone, the inner derivative g′ that of the inner formula
alone. A mistake at a place s (a node of the formula's tree) changes only ds/dx, so the whole
wrong derivative is df/dx + ∂f/∂s·(wrong ds/dx − ds/dx), with ∂f/∂s the engine's derivative
of the formula by s (s replaced by a variable).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

import numpy as np

from chainrule.explanation.formulas import sampling
from chainrule.explanation.mistakes import tree_edits
from chainrule.explanation.mistakes.tree_edits import swap, variable

# Names for the value at a place and for the inner formula: not identifiers, so that no typed
# formula can hold them (the evaluator takes any name).
_SITE = "<site>"
_INNER = "<inner>"


@dataclass(frozen=True)
class Mistake:
    """One classic mistake at one place: its ``kind``, the place's text ``site``, the wrong
    derivative's ``values`` at the sample points, and ``explanation``, a sentence (written
    only when asked for: it may take a formula from SymPy)."""

    kind: str
    site: str
    values: np.ndarray = field(repr=False, compare=False)
    explain: object = field(repr=False, compare=False)

    @property
    def explanation(self):
        return self.explain()


def wrong_derivatives(expression, wrt, points, truth, describe):
    """Every mistaken derivative of ``expression`` by ``wrt``: a list of :class:`Mistake`.

    ``truth`` is the derivative at ``points``; ``describe(node)`` writes the derivative of a
    part of the formula for the explanations (a formula, or d/dx(...) without SymPy).
    """
    places = _Places(expression, wrt, points, truth, describe)
    found = []
    for node in ast.walk(expression.tree):  # outer places first
        if places.depends(node):
            found.extend(places.mistakes_at(node))
    whole = "the whole derivative has the wrong sign"
    found.append(Mistake("sign", expression.text, -truth, lambda: whole))
    return found


class _Places:
    def __init__(self, expression, wrt, points, truth, describe):
        self.expression = expression
        self.wrt = wrt
        self.points = points
        self.truth = truth
        self.describe = describe
        self.dependent = {id(n) for n in ast.walk(expression.tree) if tree_edits.uses(n, wrt)}
        self.effects = {}

    def depends(self, node):
        return id(node) in self.dependent

    def text(self, node):
        return ast.get_source_segment(self.expression.source, node) or tree_edits.unparse(node)

    def derivative(self, node, points=None):
        return sampling.value_and_derivative(node, points or self.points, self.wrt)[1]

    def mistakes_at(self, node):
        children = [c for c in tree_edits.operands(node) if self.depends(c)]
        if isinstance(node, ast.BinOp) and len(children) == 2:
            return self._two_sided(node, children)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return [
                self._mistake(
                    node, "dropped minus", -self.derivative(node), "the minus sign was dropped"
                )
            ]
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub):
            dropped = (
                f"the minus in front of {self.text(node.right)} was dropped from its derivative"
            )
            return [self._mistake(node, "dropped minus", -self.derivative(node), dropped)]
        if len(children) != 1 or not tree_edits.is_outer_function(node, children[0]):
            return []
        return self._composition(node, children[0])

    def _mistake(self, node, kind, wrong, explanation):
        # The formula's derivative with ds/dx replaced by ``wrong`` at this place s only.
        by_site, slope = self._effect(node)
        with np.errstate(all="ignore"):
            values = self.truth + by_site * (wrong - slope)
        site = self.text(node)
        explain = explanation if callable(explanation) else lambda: explanation
        return Mistake(kind, site, values, lambda: f"at {site}: {explain()}")

    def _effect(self, node):
        # (∂f/∂s, ds/dx) at the points for the place s, each by the engine.
        if id(node) not in self.effects:
            outside = swap(self.expression.tree, node, variable(_SITE))
            at_site = {**self.points, _SITE: sampling.values_of(node, self.points)}
            by_site = sampling.value_and_derivative(outside, at_site, _SITE)[1]
            self.effects[id(node)] = by_site, self.derivative(node)
        return self.effects[id(node)]

    def _composition(self, node, inner):
        outer = swap(node, inner, variable(_INNER))
        name = tree_edits.name(node, inner)
        wrong_sign = f"the derivative of {name} has the wrong sign{tree_edits.rule_of(node)}"
        sign = self._mistake(node, "sign", -self.derivative(node), wrong_sign)
        if isinstance(inner, ast.Name):
            return [sign]
        return [*self._chain_mistakes(node, inner, outer, name), sign]

    def _chain_mistakes(self, node, inner, outer, name):
        inner_value, inner_slope = sampling.value_and_derivative(inner, self.points, self.wrt)
        outer_slope = self._outer_slope(outer)
        x = self.points[self.wrt]
        with np.errstate(all="ignore"):  # the mistaken derivatives may leave the domain
            at_slope = outer_slope(inner_slope)
            outer_of_x = sampling.values_of(outer, {**self.points, _INNER: x})
            swapped = self.derivative(inner, {**self.points, self.wrt: outer_of_x})
            wrongs = (
                outer_slope(inner_value),
                at_slope * inner_slope,
                at_slope,
                swapped * outer_slope(x),
            )
        texts = _chain_texts(
            lambda: self.describe(inner),
            self.text(inner),
            f"{name}′ was evaluated at the inner derivative",
            tree_edits.swapped_text(outer, inner, self.wrt, _INNER),
        )
        return [
            self._mistake(node, kind, wrong, explain)
            for (kind, explain), wrong in zip(texts, wrongs)
        ]

    def _outer_slope(self, outer):
        def slope(values):
            with np.errstate(all="ignore"):
                at = {**self.points, _INNER: values}
                return sampling.value_and_derivative(outer, at, _INNER)[1]

        return slope

    def _two_sided(self, node, children):
        (u, u_slope), (v, v_slope) = (
            sampling.value_and_derivative(c, self.points, self.wrt) for c in children
        )
        names = f"u = {self.text(children[0])}, v = {self.text(children[1])}"
        with np.errstate(all="ignore"):
            return [
                self._mistake(node, kind, wrong(u, u_slope, v, v_slope), f"{text} ({names})")
                for kind, text, wrong in _TWO_SIDED.get(type(node.op), ())
            ]


def _chain_texts(inner_slope, inner, at, swapped):
    # (kind, explanation) of each chain-rule mistake, in the order of _chain_mistakes's values.
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


_TWO_SIDED = {
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
    ast.Sub: (
        (
            "dropped minus",
            "the minus in front of v was dropped from its derivative",
            lambda u, du, v, dv: du + dv,
        ),
    ),
}

__all__ = ["Mistake", "wrong_derivatives"]
