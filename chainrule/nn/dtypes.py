"""The dtype rule of layers: parameters are floating point, and inputs come in their dtype.

A float32 model given float64 data would silently compute in float64; layers refuse it instead,
with the conversion to make, as PyTorch does.
"""

from __future__ import annotations

import numpy as np

from chainrule.tensor import is_tensor


def floating_dtype(dtype):
    """``dtype`` as a NumPy floating dtype (parameters are learned, so they must be floats)."""
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"parameters need a floating dtype (float32 or float64), got {dtype}")
    return dtype


def check_input_dtype(module, x, dtype):
    """``x`` as a tensor or array, if its dtype is ``dtype`` (the module's parameters'); else a
    TypeError that names both dtypes and the conversion that fixes it."""
    x = x if is_tensor(x) else np.asarray(x)
    if x.dtype != dtype:
        fix = f"convert the input with x.astype({dtype.name!r})"
        if x.dtype.kind == "f":
            fix += f" or the module with module.to({x.dtype.name!r})"
        raise TypeError(
            f"{type(module).__name__} has {dtype} parameters but the input is {x.dtype}; {fix}"
        )
    return x


__all__ = ["floating_dtype", "check_input_dtype"]
