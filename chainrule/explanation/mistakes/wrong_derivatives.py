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
from dataclasses import replace
import numpy as np

from chainrule.explanation.formulas import sampling
from chainrule.explanation.mistakes import dropped_parts, rule_slips, tree_edits
from chainrule.explanation.mistakes.kinds import LESS_LIKELY, LIKELY, UNLIKELY, Mistake
from chainrule.explanation.mistakes.tree_edits import swap, variable

# Names for the value at a place and for the inner formula: not identifiers, so that no typed
# formula can hold them (the evaluator takes any name).
_SITE = "<site>"
_INNER = "<inner>"


def wrong_derivatives(expression, wrt, points, truth, describe, paths=None):
    """Every mistaken derivative of ``expression`` by ``wrt``: a list of :class:`Mistake`,
    likeliest first (outer places first among equals).

    ``truth`` is the derivative at ``points``; ``describe(node)`` writes the derivative of a
    part of the formula for the explanations (a formula, or d/dx(...) without SymPy).
    ``paths`` (name → the copies of its formula in the tree) are the variables of a
    multivariable chain, whose paths are named first.
    """
    places = Places(expression, wrt, points, truth, describe)
    found = dropped_parts.chain_paths(places, paths or {})
    for node in ast.walk(expression.tree):  # outer places first
        if places.depends(node):
            found.extend(places.mistakes_at(node))
    found.extend(dropped_parts.dropped(places))
    whole = "the whole derivative has the wrong sign"
    root = expression.tree
    if not any(m.kind == "sign" and m.negates and m.places == {id(root)} for m in found):
        found.append(
            Mistake(
                "sign",
                expression.text,
                -truth,
                lambda: whole,
                rank=LESS_LIKELY,
                places=frozenset({id(root)}),
                region=places.region([root]),
                negates=True,
            )
        )
    return sorted(found, key=lambda mistake: mistake.rank)


class Places:
    """The places of one formula and the mistaken derivatives made at each."""

    def __init__(self, expression, wrt, points, truth, describe):
        self.expression = expression
        self.wrt = wrt
        self.points = points
        self.truth = truth
        self.describe = describe
        self.dependent = {id(n) for n in ast.walk(expression.tree) if tree_edits.uses(n, wrt)}
        self.parents = {
            id(child): node
            for node in ast.walk(expression.tree)
            for child in ast.iter_child_nodes(node)
        }
        self.effects = {}
        self.keys = {}

    def depends(self, node):
        return id(node) in self.dependent

    def text(self, node):
        return ast.get_source_segment(self.expression.source, node) or tree_edits.unparse(node)

    def label(self, node):
        """The place's text, with which occurrence it is where that is not clear."""
        return tree_edits.occurrence(self.expression, node, self.text(node), self.key)

    def key(self, node):
        """``ast.dump(node)``, kept: equal parts of the formula have equal keys."""
        if id(node) not in self.keys:
            self.keys[id(node)] = ast.dump(node)
        return self.keys[id(node)]

    def region(self, nodes):
        # Expressions only: the operator and context nodes are shared by every place.
        return frozenset(id(n) for node in nodes for n in ast.walk(node) if isinstance(n, ast.expr))

    def derivative(self, node, points=None):
        return sampling.value_and_derivative(node, points or self.points, self.wrt)[1]

    def mistakes_at(self, node):
        children = [c for c in tree_edits.operands(node) if self.depends(c)]
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub):
            # Only a minus in front of a part that depends on x can be dropped: the minus of
            # x**2 - 3 changes nothing in the derivative.
            return [self._dropped_minus(node)] if self.depends(node.right) else []
        if isinstance(node, ast.BinOp) and len(children) == 2:
            return self._two_sided(node, children)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return [self.negated(node, "dropped minus", "the minus sign was dropped")]
        if len(children) != 1 or not tree_edits.is_outer_function(node, children[0]):
            return []
        return self._composition(node, children[0])

    def mistake(self, node, kind, wrong, explanation, rank=LIKELY, negates=False):
        """The formula's derivative with ds/dx replaced by ``wrong`` at this place s only."""
        by_site, slope = self._effect(node)
        with np.errstate(all="ignore"):
            values = self.truth + by_site * (wrong - slope)
        return self.at(node, kind, values, explanation, rank=rank, negates=negates)

    def at(self, nodes, kind, values, explanation, label=None, **options):
        """A mistake made at ``nodes`` (a node or a list) whose derivative is ``values``."""
        nodes = nodes if isinstance(nodes, list) else [nodes]
        site = label or self.text(nodes[0])
        explain = explanation if callable(explanation) else lambda: explanation

        def where():  # written only when asked for: saying which occurrence reads the tree
            return label or (self.label(nodes[0]) if len(nodes) == 1 else site)

        return Mistake(
            kind,
            site,
            values,
            lambda: f"at {where()}: {explain()}",
            places=frozenset(id(n) for n in nodes),
            region=self.region(nodes),
            **options,
        )

    def negated(self, node, kind, explanation, rank=LIKELY):
        return self.mistake(node, kind, -self.derivative(node), explanation, rank, negates=True)

    def _dropped_minus(self, node):
        # u − v differentiated as u′ + v′: a sign flip at v, named at u − v.
        by_site, slope = self._effect(node.right)
        with np.errstate(all="ignore"):
            values = self.truth - 2 * by_site * slope
        text = f"the minus in front of {self.text(node.right)} was dropped from its derivative"
        mistake = self.at(node, "dropped minus", values, text, negates=True)
        return replace(
            mistake, places=frozenset({id(node.right)}), region=self.region([node.right])
        )

    def _effect(self, node):
        # (∂f/∂s, ds/dx) at the points for the place s, each by the engine.
        if id(node) not in self.effects:
            outside = swap(self.expression.tree, node, variable(_SITE))
            at_site = {**self.points, _SITE: sampling.values_of(node, self.points)}
            by_site = sampling.value_and_derivative(outside, at_site, _SITE)[1]
            self.effects[id(node)] = by_site, self.derivative(node)
        return self.effects[id(node)]

    def effect_of_dropping(self, node):
        """How much the path through ``node`` adds to the derivative: ∂f/∂s·ds/dx."""
        by_site, slope = self._effect(node)
        with np.errstate(all="ignore"):
            return by_site * slope

    def _composition(self, node, inner):
        outer = swap(node, inner, variable(_INNER))
        name = tree_edits.name(node, inner)
        rule = tree_edits.rule_of(node)
        wrong_sign = f"the derivative of {name} has the wrong sign{rule}"
        rank = LIKELY if tree_edits.has_minus(node, rule) else UNLIKELY
        sign = self.negated(node, "sign", wrong_sign, rank)
        inner_slope = self.derivative(inner)
        slips = [sign, *rule_slips.power_of_variable_exponent(self, node, inner, inner_slope)]
        if isinstance(inner, ast.Name) and not tree_edits.is_activation(node):
            return slips
        skipped = rule_slips.outer_skipped(self, node, name, inner, inner_slope)
        if isinstance(inner, ast.Name):
            return [*slips, skipped]
        return [*self._chain_mistakes(node, inner, outer, name, inner_slope), skipped, *slips]

    def _chain_mistakes(self, node, inner, outer, name, inner_slope):
        inner_value = sampling.values_of(inner, self.points)
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
        texts = rule_slips.chain_texts(
            lambda: self.describe(inner),
            self.text(inner),
            f"{name}′ was evaluated at the inner derivative",
            tree_edits.swapped_text(outer, inner, self.wrt, _INNER),
        )
        ranks = (LIKELY, LIKELY, LIKELY, LESS_LIKELY)
        return [
            self.mistake(node, kind, wrong, explain, rank)
            for (kind, explain), wrong, rank in zip(texts, wrongs, ranks)
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
                self.mistake(node, kind, wrong(u, u_slope, v, v_slope), f"{text} ({names})")
                for kind, text, wrong in rule_slips.TWO_SIDED.get(type(node.op), ())
            ]


__all__ = ["Mistake", "Places", "wrong_derivatives"]
