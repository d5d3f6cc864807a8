"""How explanations name a value's tangent and adjoint: v̇3 and v̄3 (ẋ and x̄ for an input x)."""

from __future__ import annotations

import unicodedata

DOT, BAR = "\u0307", "\u0304"  # combining dot (v̇, a tangent) and macron (v̄, an adjoint)


def dotted(name):
    """The tangent of ``name``: ``v̇3``, ``ẋ``."""
    # NFC: ẋ is one character where Unicode has one, so the text is the same however it is
    # stored or typed.
    return unicodedata.normalize("NFC", name[0] + DOT + name[1:])


def barred(name):
    """The adjoint of ``name``: ``v̄3``, ``x̄``."""
    return unicodedata.normalize("NFC", name[0] + BAR + name[1:])


__all__ = ["dotted", "barred"]
