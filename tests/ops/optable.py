"""The op table: one entry per public op, driving the gradient check of every rule.

Each family has a ``cases_<family>.py`` module with a list ``CASES`` of :class:`OpCase`. The
driver (test_gradcheck.py) runs chainrule.gradcheck on each — reverse and forward mode against
central finite differences, first and second order, float64 (complex128 through real and
imaginary parts, in cases_complex.py) — and the registry test fails when
a primitive is covered by no case.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Callable

import numpy as np


@dataclass
class OpCase:
    """One gradient check: ``fn(*args)`` differentiated w.r.t. every floating argument.

    ``covers`` names the primitives the case exercises (default: ``name``); ``label`` says what
    is special about it (a shape, broadcasting, a domain edge). ``order`` is 2 unless a rule is
    only once differentiable there.
    """

    name: str
    fn: Callable
    args: tuple
    label: str = ""
    order: int = 2
    atol: float = 1e-5
    rtol: float = 1e-4
    covers: tuple = field(default=())

    def __post_init__(self):
        if not self.covers:
            self.covers = (self.name,)

    @property
    def id(self):
        return f"{self.name}[{self.label}]" if self.label else self.name


def rand(*shape, low=-2.0, high=2.0, seed=0):
    """Reproducible float64 samples in [low, high)."""
    rng = np.random.default_rng(abs(hash((shape, low, high, seed))) % 2**32)
    return rng.uniform(low, high, size=shape)


def real_view(case):
    """The case with complex arguments and results as real and imaginary parts, as gradcheck
    checks it (chainrule.testing.as_real_function); a case with none is returned as it is."""
    import dataclasses
    import warnings

    from chainrule.testing import as_real_function

    if not any(np.iscomplexobj(a) for a in case.args):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            out = case.fn(*case.args)
        if not np.iscomplexobj(getattr(out, "_data", out)):
            return case
    fn, point = as_real_function(case.fn, *case.args)
    return dataclasses.replace(case, fn=fn, args=tuple(point))


def all_cases():
    """Every CASES list of the cases_*.py modules beside this one."""
    import tests.ops as package

    cases = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("cases_"):
            cases.extend(importlib.import_module(f"tests.ops.{info.name}").CASES)
    return cases
