"""Without SciPy, chainrule.scipy says how to get it; the core never needs it."""

import importlib.util

import pytest

import chainrule.scipy
from chainrule.scipy import requirement


def test_a_submodule_without_scipy_says_how_to_install_it(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "scipy" else real(name, *a))
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'chainrule\[scipy\]'"):
        requirement.require_scipy()


def test_unknown_names_are_attribute_errors():
    with pytest.raises(AttributeError, match="no attribute 'optimize'"):
        chainrule.scipy.optimize  # noqa: B018
