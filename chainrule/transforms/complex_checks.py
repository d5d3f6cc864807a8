"""What the transforms ask of complex values (JAX's rules, docs/complex.md): grad and jacrev
need real outputs and jacfwd real inputs, unless ``holomorphic=True``, which needs complex ones."""

from __future__ import annotations

import numpy as np

from chainrule.backends import hold, is_foreign_array
from chainrule.transforms import trees

_HINT = ("use holomorphic=True for holomorphic functions, or take .real, .imag or abs of the "
         "output; see docs/complex.md")


def is_complex(value):
    """Whether one value (a number, array or tensor) is complex."""
    if is_foreign_array(value):  # another library's dtype, read through its NumPy face
        value = hold(value)
    dtype = getattr(value, "dtype", None)
    return (np.result_type(value) if dtype is None else dtype).kind == "c"


def check_output(out, holomorphic, transform):
    """A real output, or a complex one when ``holomorphic`` (``out`` a value or container)."""
    for value in _leaves(out):
        if is_complex(value) and not holomorphic:
            raise TypeError(f"{transform} requires real-valued outputs, got {value.dtype}; "
                            + _HINT)
        if holomorphic and not is_complex(value):
            raise TypeError(f"{transform} with holomorphic=True requires complex outputs, got "
                            f"{getattr(value, 'dtype', type(value).__name__)}")


def check_inputs(values, holomorphic, transform, real_only=False):
    """Complex inputs when ``holomorphic``; real ones when ``real_only`` (jacfwd) is not."""
    for value in _leaves(values):
        if holomorphic and not is_complex(value):
            raise TypeError(f"{transform} with holomorphic=True requires complex inputs, got "
                            f"{getattr(value, 'dtype', type(value).__name__)}")
        if real_only and not holomorphic and is_complex(value):
            raise TypeError(f"{transform} requires real-valued inputs, got {value.dtype}; use "
                            "holomorphic=True for holomorphic functions, or differentiate with "
                            "respect to the real and imaginary parts (docs/complex.md)")


def _leaves(tree):
    # What is not a value or container is left to the transform's own check, which names it.
    try:
        return trees.flatten(tree, "value")[0]
    except TypeError:
        return []


__all__ = ["check_inputs", "check_output", "is_complex"]
