"""SciPy is an optional extra: one check, one message that says how to get it."""

import importlib.util

INSTALL_HINT = "pip install 'chainrule[scipy]'"


def require_scipy():
    """Raise ModuleNotFoundError, saying how to install SciPy, when it is not installed."""
    if importlib.util.find_spec("scipy") is None:
        raise ModuleNotFoundError(
            f"chainrule.scipy needs SciPy, which is not installed; {INSTALL_HINT} adds it",
            name="scipy",
        )
