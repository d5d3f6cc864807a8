"""When a tensor becomes a plain value: which conversions would drop a derivative, and the one
error that says so, naming the call that converted.

A conversion that loses a derivative is the quiet way to a wrong number: ``np.array([x, y])``
inside ``jvp`` gave zero tangents. So every path by which a tensor leaves the ops —
``np.array``/``np.asarray`` and every NumPy function given a list of tensors (NumPy's
``__array__``), ``float``/``int``/``complex``, ``.item()``, ``.tolist()`` — checks here:

* to an array: refused while the tensor carries a derivative (it requires grad, or holds a
  tangent of a running forward-mode transform), as PyTorch refuses ``.numpy()``;
* to a Python number: refused while a transform is running its function and the tensor carries
  a derivative, as JAX refuses; outside transforms ``loss.item()`` reads the value, as in PyTorch.

``bool()`` is never refused: a branch on a value (``if x > 0``) is control flow, and each branch
is differentiated as written. Under jit the trace refuses every escape on its own
(:func:`chainrule.modes.refuse_escape`).
"""

from __future__ import annotations

import os

from chainrule.call_sites import user_call_site
from chainrule.engine_state import current

_FIX = (
    "build arrays of tensors with chainrule (cr.array([x, y]), cr.stack), or write "
    "`import chainrule.numpy as np` so that np.array and NumPy functions given lists of tensors "
    "differentiate; call .detach() on the tensor if no derivative should flow through it"
)


def refuse_to_array(tensor):
    """Raise when turning ``tensor`` into a NumPy array would drop a derivative."""
    carried = _carried(tensor)
    if carried:
        where, numpy_function = _converting_call()
        what = (f"numpy.{numpy_function}" if numpy_function else
                "a conversion to a NumPy array (np.array, np.asarray, a NumPy scalar type, or "
                "a NumPy function given a list of tensors)")
        raise TypeError(
            f"{where}{what} would turn a tensor that {carried} into a plain NumPy array and "
            f"drop its derivative; {_FIX}"
        )


def refuse_to_number(tensor, what):
    """Raise when ``what`` (float(), .item(), ...) would hand a transform's function a plain
    number in place of a tensor that carries a derivative."""
    if current().depth == 0 and not current().forward_traces:
        return
    carried = _carried(tensor)
    if carried:
        where, _ = _converting_call()
        raise TypeError(
            f"{where}{what} would turn a tensor that {carried} into a Python number inside a "
            "transform and drop its derivative (the result would be silently 0); keep it a "
            "tensor (0-d tensors work wherever numbers do), or take the value of x.detach() if "
            "no derivative should flow through it"
        )


def _carried(tensor):
    # What derivative the tensor carries, in words; "" when none.
    if tensor.requires_grad:
        return "requires grad"
    tangents = tensor.tangents
    if tangents and any(level in tangents for level in current().forward_traces):
        return "carries a forward-mode tangent (inside jvp, jacfwd or hessian)"
    return ""


def _converting_call():
    """Where the conversion happens, as the user wrote it ("at f.py, line 3 (code): "), and
    the public NumPy function it went through, if one is on the stack (else None)."""
    site = user_call_site(skip=2)
    if site is None:
        return "", None
    where = f"at {os.path.basename(site.filename)}, line {site.line}"
    return (f"{where} ({site.code}): " if site.code else f"{where}: "), site.numpy_function


__all__ = ["refuse_to_array", "refuse_to_number"]
