"""A claim right on part of the domain only (sec(x)·tan(x) for d/dx sqrt(1 + tan(x)²), right
where cos(x) > 0): where it is right and where not, the boundaries found by bisection between
the sample points."""

from __future__ import annotations

import numpy as np

from chainrule.explanation.mistakes.kinds import LIKELY, Mistake

# Agreement at fewer points than this share is taken for chance, not for a part of the domain;
# nor is agreement broken into more than MAX_PARTS pieces.
MIN_SHARE = 0.1
MAX_PARTS = 3
BISECTIONS = 60


def partly_right(name, wrt, x, close, agrees, claimed, significant):
    """The mistake "right only on part of the domain", or None.

    Args:
        name: how the function is written (for the explanation).
        wrt: the variable's name; x: its sample values; close: where the claim agrees there.
        agrees: ``agrees(values)``, whether the claim agrees with the derivative at other
            values of x (an array of booleans).
        claimed: the claim's values at the samples.
        significant: where the derivative is far enough from 0 for agreement to tell (a
            claim as small as a derivative that is nearly 0 agrees within the tolerance).
    """
    evidence = (close & significant).sum()
    order = np.argsort(x)
    x, close = x[order], close[order]
    runs = np.flatnonzero(close[1:] != close[:-1])  # a boundary after each of these
    parts = (len(runs) + 1 + bool(close[0])) // 2
    if evidence < max(3, MIN_SHARE * len(x)) or close.all() or parts > MAX_PARTS:
        return None
    edges = _bisect(x[runs], x[runs + 1], close[runs], agrees)
    right, wrong = _pieces(edges, close[np.r_[0, runs + 1]], wrt)
    text = (
        f"the claim is right for {' and '.join(right)}, but not for {' or '.join(wrong)} "
        f"(the sample points lie in [{x[0]:.4g}, {x[-1]:.4g}])"
    )
    return Mistake("right only on part of the domain", name, claimed, lambda: text, rank=LIKELY)


def _bisect(low, high, low_agrees, agrees):
    # Each boundary to within rounding: keep the midpoint's side that differs from its other.
    for _ in range(BISECTIONS):
        middle = (low + high) / 2
        same = agrees(middle) == low_agrees
        low, high = np.where(same, middle, low), np.where(same, high, middle)
    return (low + high) / 2


def _pieces(edges, agreeing, wrt):
    # The intervals between the boundaries, as text, split by whether the claim agrees there.
    bounds = [None, *edges, None]
    right, wrong = [], []
    for i, agrees in enumerate(agreeing):
        piece = _interval(bounds[i], bounds[i + 1], wrt)
        (right if agrees else wrong).append(piece)
    return right, wrong


def _interval(low, high, wrt):
    if low is None and high is None:
        return f"every {wrt}"
    if low is None:
        return f"{wrt} < {_number(high)}"
    if high is None:
        return f"{wrt} > {_number(low)}"
    return f"{_number(low)} < {wrt} < {_number(high)}"


def _number(value):
    # Multiples of π/2 as such (the boundaries of trigonometric claims), the rest to 4 digits.
    # Within 1e-4: near its boundary a derivative such as cos(x)/sqrt(1 - sin(x)**2) loses
    # its digits, and agreement within the tolerance stops some 1e-5 short of it.
    halves = round(value / (np.pi / 2))
    if abs(value) < 1e-9:
        return "0"
    if halves and abs(value - halves * np.pi / 2) < 1e-4 and abs(halves) <= 16:
        whole, odd = divmod(abs(halves), 2)
        sign = "-" * (halves < 0)
        if odd:
            return f"{sign}{abs(halves) if abs(halves) > 1 else ''}{'*' * (abs(halves) > 1)}pi/2"
        return f"{sign}{whole if whole > 1 else ''}{'*' * (whole > 1)}pi"
    return f"{value:.4g}"


__all__ = ["partly_right", "MIN_SHARE", "MAX_PARTS"]
