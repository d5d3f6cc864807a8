"""What every distribution object shares: SciPy's argument binding (shapes, then ``loc`` and
``scale``), the support and parameter checks SciPy makes, and the frozen form ``norm(0, 2)``.

A family states only its standardized log density (or mass), distribution functions and the
stable log-space forms it has; the method names and conventions here are SciPy's: outside the
support the log density is −inf, at invalid parameters (a scale or shape ≤ 0) every method
gives NaN. Branches are chosen by ops (so ``jit`` replays the choice for each new point), and
the branch not taken sees a safe point, so its derivative stays finite.
"""

from __future__ import annotations

import numpy as np

from chainrule.backends import asarray

from chainrule import ops
from chainrule.tensor import Tensor

_NAN = float("nan")
_METHODS = ("logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "logpmf", "pmf")


def as_float(x):
    """``x`` as a float64 tensor or array, as SciPy computes distributions in float64."""
    if isinstance(x, Tensor):
        return x if x.dtype == np.float64 else ops.astype(x, np.float64)
    return asarray(x, dtype=np.float64)


def every(*conditions):
    """The elementwise AND of the conditions, as an op (so ``jit`` traces the choice)."""
    out = conditions[0]
    for condition in conditions[1:]:
        out = ops.logical_and(out, condition)
    return out


def log1mexp(y):
    """log(1 − eʸ) for y ≤ 0: log(−expm1(y)) near 0, log1p(−eʸ) below −log 2 (both accurate)."""
    near = ops.greater(y, -np.log(2.0))
    return ops.where(near, ops.log(-ops.expm1(ops.where(near, y, -1.0))),
                     ops.log1p(-ops.exp(ops.where(near, -1.0, y))))


class Distribution:
    """A SciPy-like distribution: binds its arguments by SciPy's names and freezes them."""

    name = ""
    shapes = ()
    positional = ("loc",)

    def _bind(self, method, args, kwds):
        names = (*self.shapes, *self.positional)
        if len(args) > len(names):
            raise TypeError(f"{self.name}.{method} takes at most {len(names)} parameters "
                            f"({', '.join(names)}), {len(args)} given")
        bound = dict(zip(names, args))
        for key, value in kwds.items():
            if key not in names or key in bound:
                raise TypeError(f"{self.name}.{method} got an unexpected or repeated argument "
                                f"{key!r} (its parameters: {', '.join(names)})")
            bound[key] = value
        missing = [n for n in self.shapes if n not in bound]
        if missing:
            raise TypeError(f"{self.name}.{method} is missing the shape parameter(s) "
                            f"{', '.join(missing)}")
        shapes = [as_float(bound[n]) for n in self.shapes]
        return shapes, as_float(bound.get("loc", 0.0)), as_float(bound.get("scale", 1.0))

    def _valid_shapes(self, *shapes):
        # SciPy's _argcheck for most families: every shape parameter positive.
        return every(True, *(ops.greater(s, 0.0) for s in shapes))

    # cdf, sf and their logs: a family's _tail gives the value inside the support, ``below``
    # and ``above`` outside it.
    def cdf(self, x, *args, **kwds):
        """P(X ≤ x), as SciPy's ``cdf``."""
        return self._tail("cdf", x, args, kwds, 0.0, 1.0)

    def sf(self, x, *args, **kwds):
        """P(X > x) = 1 − cdf, computed without the subtraction where the family can."""
        return self._tail("sf", x, args, kwds, 1.0, 0.0)

    def logcdf(self, x, *args, **kwds):
        """log P(X ≤ x), in log space where the family has a form for it."""
        return self._tail("logcdf", x, args, kwds, -np.inf, 0.0)

    def logsf(self, x, *args, **kwds):
        """log P(X > x), in log space where the family has a form for it."""
        return self._tail("logsf", x, args, kwds, 0.0, -np.inf)

    # The defaults a family overrides where it has a more accurate form.
    def _sf(self, z, *shapes):
        return 1 - self._cdf(z, *shapes)

    def _logcdf(self, z, *shapes):
        return ops.log(self._cdf(z, *shapes))

    def _logsf(self, z, *shapes):
        return ops.log(self._sf(z, *shapes))

    def __call__(self, *args, **kwds):
        """The frozen distribution: its methods take the point only."""
        self._bind("__call__", args, kwds)
        return Frozen(self, args, kwds)

    def __repr__(self):
        return f"<chainrule.scipy.stats.{self.name}>"


class Continuous(Distribution):
    """A location-scale family: each method standardizes z = (x − loc)/scale."""

    positional = ("loc", "scale")
    support = (-np.inf, np.inf)
    _inner = 0.5  # a standardized point inside the support, for branches not taken

    def _standardized(self, method, x, args, kwds):
        shapes, loc, scale = self._bind(method, args, kwds)
        valid = every(self._valid_shapes(*shapes), ops.greater(scale, 0.0))
        z = (as_float(x) - loc) / scale
        lower, upper = self.support
        inside = every(ops.greater_equal(z, lower), ops.less_equal(z, upper), valid)
        return ops.where(inside, z, self._inner), inside, valid, scale, shapes, z

    def logpdf(self, x, *args, **kwds):
        """log f(x): −inf outside the support, NaN at invalid parameters."""
        z, inside, valid, scale, shapes, _ = self._standardized("logpdf", x, args, kwds)
        safe_scale = ops.where(valid, scale, 1.0)
        out = ops.where(inside, self._logpdf(z, *shapes) - ops.log(safe_scale), -np.inf)
        return ops.where(valid, out, _NAN)

    def pdf(self, x, *args, **kwds):
        """f(x) = exp(logpdf(x))."""
        return ops.exp(self.logpdf(x, *args, **kwds))

    def _tail(self, method, x, args, kwds, below, above):
        z, inside, valid, _, shapes, raw = self._standardized(method, x, args, kwds)
        lower, upper = self.support
        out = getattr(self, f"_{method}")(z, *shapes)
        out = ops.where(inside, out, ops.where(ops.less(raw, lower), below, above))
        return ops.where(valid, out, _NAN)


class Discrete(Distribution):
    """A family on the integers of its support, shifted by ``loc``; never differentiable in k."""

    def _support(self, *shapes):
        return 0, np.inf

    def _shifted(self, method, k, args, kwds):
        shapes, loc, _ = self._bind(method, args, kwds)
        k = as_float(k) - loc
        k = k.detach() if isinstance(k, Tensor) else k
        lower, upper = self._support(*shapes)
        return k, shapes, lower, upper, self._valid_shapes(*shapes)

    def logpmf(self, k, *args, **kwds):
        """log P(X = k): −inf off the support's integers, NaN at invalid parameters."""
        k, shapes, lower, upper, valid = self._shifted("logpmf", k, args, kwds)
        inside = every(ops.greater_equal(k, lower), ops.less_equal(k, upper),
                       ops.equal(ops.floor(k), k), valid)
        out = ops.where(inside, self._logpmf(ops.where(inside, k, lower), *shapes), -np.inf)
        return ops.where(valid, out, _NAN)

    def pmf(self, k, *args, **kwds):
        """P(X = k) = exp(logpmf(k))."""
        return ops.exp(self.logpmf(k, *args, **kwds))

    def _tail(self, method, k, args, kwds, below, above):
        k, shapes, lower, upper, valid = self._shifted(method, k, args, kwds)
        k = ops.floor(k)
        inside = every(ops.greater_equal(k, lower), ops.less(k, upper), valid)
        out = getattr(self, f"_{method}")(ops.where(inside, k, lower), *shapes)
        out = ops.where(inside, out, ops.where(ops.less(k, lower), below, above))
        return ops.where(valid, out, _NAN)


class Frozen:
    """A distribution with its parameters fixed, as ``scipy.stats.norm(loc, scale)``.

    Example:
        >>> from chainrule.scipy import stats
        >>> frozen = stats.norm(1.0, 2.0)
        >>> round(float(frozen.logpdf(1.0)), 6)
        -1.612086
    """

    def __init__(self, dist, args, kwds):
        self.dist, self.args, self.kwds = dist, args, kwds

    def __getattr__(self, method):
        if method not in _METHODS or not hasattr(type(self.dist), method):
            raise AttributeError(f"frozen {self.dist.name} has no attribute {method!r}")
        bound = getattr(self.dist, method)
        return lambda x: bound(x, *self.args, **self.kwds)

    def __repr__(self):
        return f"<frozen chainrule.scipy.stats.{self.dist.name}{self.args!r}>"
