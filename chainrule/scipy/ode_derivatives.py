"""Integrating y′ = f(y, t, *args) to given times as one recorded step: SciPy's solver gives the
values, the adjoint system solved backwards gives the VJP (Chen et al. 2018, Algorithm 1), the
sensitivity equations solved forwards give the JVP. Both solves are this same step again, on an
augmented state, so that their own derivatives (second order) come the same way."""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass, replace

import numpy as np

from chainrule.backends import asarray
from chainrule.ops import concatenate, ravel, reshape, stack, vdot
from chainrule.ops.elementwise.arithmetic import zeros_like
from chainrule.primitive import SYMBOLIC_TYPES, Primitive, value_of
from chainrule.transforms.products import jvp, vjp

# SciPy's odeint options that describe the whole forward problem (a banded Jacobian, critical
# times, a first step) rather than the accuracy wanted: the augmented solves leave them out.
_FORWARD_ONLY = ("ml", "mu", "tcrit", "h0", "first_step")


@dataclass(frozen=True)
class Solver:
    """How SciPy integrates: ``odeint`` (LSODA) or a ``solve_ivp`` method, with the tolerances
    and options the user gave. ``span_end`` is solve_ivp's end of the interval when it lies past
    the last time asked for; ``at_steps`` asks for the solver's own steps (no ``t_eval``)."""

    method: str = "odeint"
    rtol: object = None
    atol: object = None
    options: tuple = ()
    span_end: object = None
    at_steps: bool = False

    def solve(self, rate, y0, t):
        """The rows y(tᵢ) of y′ = rate(y, t), y(t₀) = y0, as a (len(t), len(y0)) array."""
        from scipy import integrate

        options = dict(self.options)
        if self.method == "odeint":
            return integrate.odeint(rate, y0, t, rtol=self.rtol, atol=self.atol, **options)
        tolerances = {k: v for k, v in (("rtol", self.rtol), ("atol", self.atol)) if v is not None}
        end = t[-1] if self.span_end is None else self.span_end
        solution = integrate.solve_ivp(
            lambda s, y: rate(y, s), (t[0], end), y0, method=self.method,
            t_eval=None if self.at_steps else t, **tolerances, **options,
        )
        if solution.status < 0:
            raise RuntimeError(f"solve_ivp failed: {solution.message}")
        return solution.y.T

    def augmented(self):
        """The solver for the adjoint and sensitivity systems: same method and accuracy."""
        atol = self.atol if self.atol is None or np.ndim(self.atol) == 0 else np.min(self.atol)
        options = tuple((k, v) for k, v in self.options if k not in _FORWARD_ONLY)
        return replace(self, atol=atol, options=options, span_end=None, at_steps=False)


@dataclass(frozen=True, eq=False)
class System:
    """y′ = func(y, t, *rebuild(leaves)): the user's function, and how its extra arguments are
    rebuilt from the leaves that are differentiated."""

    func: object
    rebuild: object
    solver: Solver

    def rate(self, y, t, leaves):
        found = self.func(y, t, *self.rebuild(leaves))
        if isinstance(found, (list, tuple)):
            found = stack([f * 1.0 for f in found])
        return ravel(found)


def integrate(system, y0, t, leaves):
    """The rows y(tᵢ) of ``system`` from y(t₀) = y0 (1-D): one step, differentiable in y0, t and
    the leaves (the arguments ``system.rebuild`` puts back in place for ``system.func``).

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> system = System(lambda y, t, k: -k * y, tuple, Solver(rtol=1e-10, atol=1e-10))
        >>> rows = integrate(system, cr.tensor([1.0]), np.array([0.0, 1.0]), [cr.tensor(2.0)])
        >>> round(float(rows[1, 0]), 6), round(float(np.exp(-2.0)), 6)
        (0.135335, 0.135335)
    """
    return _step(len(leaves))(y0, t, *leaves, system=system)


@functools.cache
def _step(count):
    # One primitive per number of differentiated arguments, made on demand, like a custom
    # function's: it is not in the op table (the tests of chainrule.scipy.integrate check it).
    vjps = [functools.partial(_vjp_rule, i=i) for i in range(count + 2)]
    jvps = [_y0_jvp, _t_jvp, *(functools.partial(_leaf_jvp, k=k) for k in range(count))]
    return Primitive("odeint", _forward, vjps, jvps, register=False, reads_out=True,
                     inputs=("y0", "t", *(f"arg{k}" for k in range(count))))


def _forward(y0, t, *leaves, system):
    def rate(y, s):
        return asarray(value_of(system.rate(y, s, leaves)), dtype=np.float64)

    return system.solver.solve(rate, asarray(y0, dtype=np.float64), t)


_memo = threading.local()


def _numbers_only(*values):
    if any(type(v) in SYMBOLIC_TYPES for v in values):
        raise TypeError("odeint's derivative is a solve by SciPy's integrator, which needs "
                        "numbers: formula terms cannot take it")


def _vjp_rule(grad_out, out, y0, t, *leaves, i, system):
    # The engine asks once per input; one backward solve gives them all.
    _numbers_only(grad_out, out, y0, t, *leaves)
    key = (grad_out, out, y0, t, *leaves)
    saved = getattr(_memo, "saved", None)
    if saved is None or len(saved[0]) != len(key) or any(a is not b for a, b in
                                                         zip(saved[0], key)):
        saved = _memo.saved = (key, _adjoint(system, grad_out, out, t, leaves))
    return saved[1][i]


def _adjoint(system, grad_out, out, t, leaves):
    """Cotangents of y0, t and each leaf: the adjoint a(t) = ∂L/∂y(t) solved backwards from
    the last time, a′ = −aᵀ∂f/∂y, with ∂L/∂θ accumulated as ∫ aᵀ∂f/∂θ dt and the rows of
    grad_out added at each time. ∂L/∂tᵢ = grad_outᵢ·f(yᵢ, tᵢ) for i ≥ 1; moving t₀ moves the
    start of the solution, −a(t₀)·f(y₀, t₀)."""
    n, times = out.shape[1], len(t)
    a = grad_out[times - 1]
    accumulated = zeros_like(concatenate([ravel(leaf) for leaf in leaves] + [a[:0]]))
    grad_t = [zeros_like(t[0])] * times
    adjoint_system = System(functools.partial(_adjoint_rate, system, n), tuple,
                            system.solver.augmented())
    for i in range(times - 1, 0, -1):
        grad_t[i] = vdot(grad_out[i], system.rate(out[i], t[i], leaves))
        if value_of(t[i]) != value_of(t[i - 1]):
            state = concatenate([out[i], a, accumulated])
            state = integrate(adjoint_system, state, stack([t[i], t[i - 1]]), leaves)[1]
            a, accumulated = state[n:2 * n], state[2 * n:]
        if i == 1:
            grad_t[0] = -vdot(a, system.rate(out[0], t[0], leaves))
        a = a + grad_out[i - 1]
    return [a, stack(grad_t), *_unravel(accumulated, leaves)]


def _adjoint_rate(system, n, state, s, *leaves):
    y, a = state[:n], state[n:2 * n]
    rate, pull = vjp(lambda y, *leaves: system.rate(y, s, leaves), y, *leaves)
    grads = pull(a)
    return concatenate([rate, -grads[0], *(-ravel(g) for g in grads[1:])])


def _unravel(flat, leaves):
    parts, start = [], 0
    for leaf in leaves:
        size = int(np.size(value_of(leaf)))
        parts.append(reshape(flat[start:start + size], np.shape(value_of(leaf))))
        start += size
    return parts


def _sensitivity(system, y0, t, leaves, y0_dot, k=None, leaf_dot=None):
    """The tangent of each row: ẏ′ = ∂f/∂y·ẏ (+ ∂f/∂θₖ·θ̇ₖ), ẏ(t₀) = y0_dot, solved with y."""
    _numbers_only(y0, t, y0_dot, leaf_dot, *leaves)
    n = y0.shape[0]
    extra = () if k is None else (leaf_dot,)
    sensitivity_system = System(functools.partial(_sensitivity_rate, system, n, k), tuple,
                                system.solver.augmented())
    rows = integrate(sensitivity_system, concatenate([y0, y0_dot]), t, (*leaves, *extra))
    return rows[:, n:]


def _sensitivity_rate(system, n, k, state, s, *leaves):
    y, y_dot = state[:n], state[n:]
    if k is None:
        return concatenate(jvp(lambda y: system.rate(y, s, leaves), (y,), (y_dot,)))
    leaves, leaf_dot = leaves[:-1], leaves[-1]

    def rate(y, leaf):
        return system.rate(y, s, (*leaves[:k], leaf, *leaves[k + 1:]))

    return concatenate(jvp(rate, (y, leaves[k]), (y_dot, leaf_dot)))


def _y0_jvp(y0_dot, out, y0, t, *leaves, system):
    return _sensitivity(system, y0, t, leaves, y0_dot)


def _t_jvp(t_dot, out, y0, t, *leaves, system):
    # Moving t₀ starts the solution earlier or later (ẏ(t₀) = −f(y₀, t₀)·ṫ₀, row 0 staying y0);
    # moving tᵢ reads the solution later: f(yᵢ, tᵢ)·ṫᵢ.
    _numbers_only(t_dot, out, t)
    rates = stack([system.rate(out[i], t[i], leaves) for i in range(len(t))])
    start = -rates[0] * t_dot[0]
    return _sensitivity(system, y0, t, leaves, start) + rates * reshape(t_dot, (-1, 1))


def _leaf_jvp(leaf_dot, out, y0, t, *leaves, k, system):
    return _sensitivity(system, y0, t, leaves, zeros_like(y0), k, leaf_dot)


__all__ = ["Solver", "System", "integrate"]
