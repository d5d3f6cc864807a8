"""The rules of chainrule.scipy.linalg and .signal are written for real arrays: one refusal, with
one message naming the function, for a complex tensor that needs a derivative."""

from __future__ import annotations

from chainrule.primitive import is_tensor


def needs_derivative(x):
    """Whether ``x`` is a tensor that requires grad or carries a tangent."""
    return is_tensor(x) and bool(x.requires_grad or x.tangents)


def refuse_complex(function, *inputs):
    """Raise TypeError naming ``function`` when one of ``inputs`` is a complex tensor that
    carries a derivative (one without, like a NumPy array, gets SciPy's value)."""
    for x in inputs:
        if needs_derivative(x) and x.dtype.kind == "c":
            raise TypeError(f"{function}: chainrule differentiates {function} of real arrays "
                            "only, and a complex tensor that needs a derivative was passed; "
                            "pass .detach() (or a NumPy array) for SciPy's value alone")


__all__ = ["needs_derivative", "refuse_complex"]
