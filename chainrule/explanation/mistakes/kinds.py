"""A mistake found in a claimed derivative, and how likely each kind of slip is (for ranking
mistakes that give the same claim)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# How plausible a slip is, for ranking mistakes that give the same claim: a learner writes
# cos′ = sin far more often than exp′ = −exp.
# Skipping an activation's derivative σ′ is the commonest slip of backprop, named before the
# inner derivative forgotten further out that gives the same claim.
LIKELIEST, LIKELY, LESS_LIKELY, UNLIKELY = -1, 0, 1, 2


@dataclass(frozen=True)
class Mistake:
    """One classic mistake at one place: its ``kind``, the place's text ``site``, the wrong
    derivative's ``values`` at the sample points, and ``explanation``, a sentence (written
    only when asked for: it may take a formula from SymPy).

    ``rank`` orders mistakes that give the same claim (0 the likeliest slip); ``places`` are
    the ids of the nodes it was made at, ``region`` those of every node below them (whose
    derivatives it can change); ``negates`` says that it only flips the sign there; ``parts``
    holds the two mistakes of a pair.
    """

    kind: str
    site: str
    values: np.ndarray = field(repr=False, compare=False)
    explain: object = field(repr=False, compare=False)
    rank: int = field(default=LIKELY, repr=False, compare=False)
    places: frozenset = field(default=frozenset(), repr=False, compare=False)
    region: frozenset = field(default=frozenset(), repr=False, compare=False)
    negates: bool = field(default=False, repr=False, compare=False)
    parts: tuple = field(default=(), repr=False, compare=False)

    @property
    def explanation(self):
        return self.explain()


__all__ = ["Mistake", "LIKELIEST", "LIKELY", "LESS_LIKELY", "UNLIKELY"]
