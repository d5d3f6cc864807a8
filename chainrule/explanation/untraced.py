"""Functions that never reach chainrule: ``math.sin(x)`` turns a tensor into a plain float, so
nothing is recorded and there is nothing to differentiate. Said so, with the fix, instead of
"the output does not depend on x".
"""

from __future__ import annotations

import numpy as np

from chainrule.tensor import Tensor, tensor


class UntracedError(ValueError):
    """A function whose result is a plain number: its computation never reached chainrule."""


def reached(f, out):
    """``out`` if it holds a chainrule tensor (a tuple or list may); else raise an
    :class:`UntracedError`.

    Example:
        >>> import math
        >>> reached(lambda x: math.sin(x), math.sin(0.5))
        Traceback (most recent call last):
          ...
        chainrule.explanation.untraced.UntracedError: the function returned the plain float ...
    """
    parts = out if isinstance(out, (tuple, list)) else [out]
    if not any(isinstance(part, Tensor) for part in parts):
        raise UntracedError(message(f, out))
    return out


def message(f, out):
    """Why ``f`` cannot be differentiated (it returned ``out``, a plain number), and the fix."""
    name = getattr(f, "__name__", None)
    who = "the function" if name in (None, "<lambda>") else f"{name}()"
    kind = type(out).__name__
    shown = f"{float(out):.6g}" if np.ndim(out) == 0 and _number(out) else "a value"
    return (
        f"{who} returned the plain {kind} {shown}, not a chainrule tensor: its computation never "
        "reached chainrule, so nothing was recorded to differentiate (Python's math module, as "
        "in math.sin(x), turns a tensor into a plain float); write it with chainrule's functions "
        "(cr.sin(x)) or NumPy's (np.sin(x)), which chainrule records"
    )


def probe(f):
    """Raise an :class:`UntracedError` if ``f`` of one scalar tensor gives a plain number (used
    after ``f`` failed on an array, as ``math.sin`` does)."""
    try:
        out = f(tensor(0.5, requires_grad=True))
    except Exception:  # noqa: BLE001  (the caller reports its own error)
        return
    reached(f, out)


def _number(value):
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


__all__ = ["UntracedError", "reached", "message", "probe"]
