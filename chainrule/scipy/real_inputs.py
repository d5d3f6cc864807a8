"""The rules of chainrule.scipy.linalg and .signal are written for real arrays: one refusal, with
one message, for a complex tensor."""

from __future__ import annotations

from chainrule.primitive import is_tensor


def refuse_complex(function, *inputs):
    """Raise TypeError naming ``function`` when one of ``inputs`` is a complex tensor."""
    for x in inputs:
        if is_tensor(x) and x.dtype.kind == "c":
            raise TypeError(f"{function}: chainrule differentiates {function} of real arrays "
                            "only, and a complex tensor was passed; pass .detach() (or a NumPy "
                            "array) for SciPy's value alone")


__all__ = ["refuse_complex"]
