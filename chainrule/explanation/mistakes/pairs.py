"""Two mistakes at once: pairs of the single mistakes whose derivatives together give the
claim, the likeliest pair first.

Mistakes at places apart (neither inside the other) add up: each changes the derivative by
its own amount. A sign slip at a place that holds the other's place flips that amount too.
Any other nesting is not combined: the outer mistake hides or reshapes the inner one.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from chainrule.explanation.mistakes.kinds import UNLIKELY, Mistake

# The likeliest single mistakes that are paired (a pair search over every place of a long
# formula would cost the square of their number).
MAX_PAIRED = 80


def two_mistakes(mistakes, truth, fits):
    """The pairs of ``mistakes`` (likeliest first) whose combined derivative ``fits`` the claim,
    best pair first, each as a :class:`Mistake` of kind "two mistakes" with the two as
    ``parts``."""
    # An unlikely slip (exp′ = −exp) is no part of a likely pair.
    mistakes = [mistake for mistake in mistakes if mistake.rank < UNLIKELY][:MAX_PAIRED]
    found = []
    for first, second in combinations(mistakes, 2):
        values = _combined(first, second, truth)
        if values is not None and fits(values):
            found.append((first.rank + second.rank, _pair(first, second, values)))
    found.sort(key=lambda ranked: ranked[0])
    return [pair for _, pair in found]


def _combined(first, second, truth):
    with np.errstate(all="ignore"):
        first_change, second_change = first.values - truth, second.values - truth
        if not first.region & second.region:
            return truth + first_change + second_change
        if first.negates and second.places <= first.region:
            return truth + first_change - second_change
        if second.negates and first.places <= second.region:
            return truth + second_change - first_change
    return None


def _pair(first, second, values):
    def explain():
        return f"({first.kind}) {first.explanation}; and ({second.kind}) {second.explanation}"

    return Mistake(
        "two mistakes",
        f"{first.site}; {second.site}",
        values,
        explain,
        rank=first.rank + second.rank,
        parts=(first, second),
    )


__all__ = ["two_mistakes", "MAX_PAIRED"]
