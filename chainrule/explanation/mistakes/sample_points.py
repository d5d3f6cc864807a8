"""Where the checker compares: 64 seeded points per variable by default, a number of them
(``points=N``), points drawn from a domain (``domain=(a, b)``), or the points given."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chainrule.explanation.formulas import sampling
from chainrule.explanation.formulas.expression import ExpressionError

# Points where the function is defined that a verdict needs at the least; the most that may
# be asked for (per variable).
MIN_POINTS = 8
MAX_POINTS = 100_000


def asked(points, domain):
    """The points asked for, checked: ``points`` as given (values), or a drawing to make once
    the variables are known (a count, a domain or both)."""
    count = (
        points if isinstance(points, (int, np.integer)) and not isinstance(points, bool) else None
    )
    if count is not None and not MIN_POINTS <= count <= MAX_POINTS:
        raise ExpressionError(
            f"points= must be from {MIN_POINTS} to {MAX_POINTS:,} points, got {count}"
        )
    if domain is None:
        return points if count is None else _Drawing(count, None)
    if points is not None and count is None:
        raise ExpressionError("give the points or a domain to draw them from, not both")
    try:
        low, high = (float(end) for end in domain)
    except (TypeError, ValueError):
        raise ExpressionError(f"a domain is two numbers a, b with a < b, got {domain!r}") from None
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ExpressionError(f"a domain is two finite numbers a < b, got {low:g}, {high:g}")
    return _Drawing(count or sampling.SAMPLES, (low, high))


@dataclass(frozen=True)
class _Drawing:
    # Seeded points to draw: ``count`` per variable, spread like the default ones, or uniform
    # in ``domain``.
    count: int
    domain: tuple | None

    def draw(self, variables):
        if self.domain is None:
            # The default drawing's spread, rounded up to whole quarters and cut back.
            quarters = -(-self.count // len(sampling.RANGES)) * len(sampling.RANGES)
            drawn = sampling.candidates(variables, count=quarters)
            return {name: values[: self.count] for name, values in drawn.items()}
        rng = np.random.default_rng(0)
        return {name: rng.uniform(*self.domain, self.count) for name in variables}


def drawn(points, variables):
    """The points for each of ``variables``: a dict of arrays of one length."""
    if points is None:
        return sampling.candidates(variables)
    if isinstance(points, _Drawing):
        return points.draw(variables)
    if not isinstance(points, dict):
        if len(variables) != 1:
            raise ExpressionError(
                f"give points as a dict with values for each of {', '.join(variables)}"
            )
        points = {variables[0]: points}
    missing = [name for name in variables if name not in points]
    if missing:
        raise ExpressionError(f"points= has no values for {', '.join(missing)}")
    arrays = np.broadcast_arrays(
        *(np.asarray(points[name], dtype=np.float64).ravel() for name in variables)
    )
    return dict(zip(variables, arrays))


__all__ = ["asked", "drawn", "MIN_POINTS", "MAX_POINTS"]
