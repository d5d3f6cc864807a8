"""SciPy, differentiable: ``chainrule.scipy.special``, ``.stats``, ``.linalg``, ``.signal`` and
``.integrate`` carry SciPy's names, arguments and values, and differentiate in both modes.

SciPy is an optional extra (``pip install 'chainrule[scipy]'``): the values come from SciPy's
own functions, the derivatives from chainrule's rules. Without SciPy, importing a submodule
says how to get it. The submodules load on first use.
"""

import importlib

from chainrule.scipy.requirement import require_scipy

_SUBMODULES = ("special", "stats", "linalg", "signal", "integrate")


def __getattr__(name):
    if name in _SUBMODULES:
        require_scipy()
        return importlib.import_module(f"chainrule.scipy.{name}")
    raise AttributeError(f"module 'chainrule.scipy' has no attribute {name!r}")


__all__ = list(_SUBMODULES)
