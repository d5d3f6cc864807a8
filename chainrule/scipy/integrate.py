"""scipy.integrate's ODE solvers, differentiable: ``odeint`` and ``solve_ivp`` give SciPy's values
and differentiate in the initial state, the times and the extra arguments, by the adjoint method
in reverse mode and the sensitivity equations in forward mode (see ode_derivatives.py)."""

from __future__ import annotations

import numpy as np

from chainrule import tree
from chainrule.ops import asarray, concatenate, ravel, transpose
from chainrule.scipy.ode_derivatives import Solver, System, integrate
from chainrule.scipy.requirement import require_scipy
from chainrule.tensor import Tensor, value_of

require_scipy()


def odeint(func, y0, t, args=(), Dfun=None, col_deriv=0, full_output=0, ml=None, mu=None,  # noqa: N803
           rtol=None, atol=None, tcrit=None, h0=0.0, hmax=0.0, hmin=0.0, ixpr=0, mxstep=0,
           mxhnil=0, mxordn=12, mxords=5, printmessg=0, tfirst=False):
    """y(tᵢ) for y′ = func(y, t, *args), y(t₀) = y0, by SciPy's ``odeint`` (LSODA).

    Differentiable in ``y0``, ``t`` and the tensors in ``args`` (a tree of them), in both
    modes and to any order. Reverse mode solves the adjoint system backwards from the last time
    (Chen et al. 2018), one solve per interval, with SciPy's ``odeint`` and the same
    tolerances; forward mode solves the sensitivity equations forwards, one solve per input
    that carries a tangent. ``func`` is called on tensors there, so write it in chainrule ops
    (or NumPy functions on tensors). Arguments are SciPy's; ``rtol``, ``atol``, ``hmax``,
    ``hmin``, ``mxstep`` and the orders apply to the derivative solves too.

    Args:
        func: the rate, ``func(y, t, *args)`` (``func(t, y, *args)`` with ``tfirst=True``),
            returning an array shaped like y.
        y0: the initial state (raveled to 1-D, as SciPy does).
        t: the times, t[0] that of y0.
        args: extra arguments of ``func``.

    Returns:
        An array of shape ``(len(t), len(y0))``, row i the state at ``t[i]`` (float64).

    Raises:
        NotImplementedError: for ``Dfun`` or ``full_output`` when something is differentiated.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> from chainrule.scipy.integrate import odeint
        >>> def final(k):                      # y′ = −k·y, y(0) = 1: y(1) = e⁻ᵏ
        ...     return odeint(lambda y, t, k: -k * y, 1.0, [0.0, 1.0], args=(k,),
        ...                   rtol=1e-10, atol=1e-10)[-1, 0]
        >>> round(float(cr.grad(final)(2.0)), 6), round(float(-np.exp(-2.0)), 6)
        (-0.135335, -0.135335)
    """
    from scipy import integrate as scipy_integrate

    leaves, rebuild = _differentiated(args)
    if not any(isinstance(x, Tensor) for x in (y0, t, *leaves)):
        return scipy_integrate.odeint(
            _closure_checked(func, tfirst), y0, t, args, Dfun, col_deriv, full_output, ml, mu,
            rtol, atol, tcrit, h0, hmax, hmin, ixpr, mxstep, mxhnil, mxordn, mxords, printmessg,
            tfirst)
    if Dfun is not None or full_output:
        raise NotImplementedError("odeint differentiates func itself: Dfun and full_output "
                                  "are not supported when an argument is a tensor")
    options = dict(ml=ml, mu=mu, tcrit=tcrit, h0=h0, hmax=hmax, hmin=hmin, ixpr=ixpr,
                   mxstep=mxstep, mxhnil=mxhnil, mxordn=mxordn, mxords=mxords,
                   printmessg=printmessg)
    solver = Solver("odeint", rtol, atol, tuple(options.items()))
    checked = _closure_checked(func, tfirst)
    rate = (lambda y, s, *rest: checked(s, y, *rest)) if tfirst else checked
    return integrate(System(rate, rebuild, solver), _state(y0), _times(t), leaves)


def solve_ivp(fun, t_span, y0, method="RK45", t_eval=None, dense_output=False, events=None,
              vectorized=False, args=None, **options):
    """Solve y′ = fun(t, y, *args), y(t_span[0]) = y0, by SciPy's ``solve_ivp``.

    Differentiable in ``y0``, ``t_eval`` and the tensors in ``args``, in both modes and to
    any order, as :func:`odeint` is; the adjoint and sensitivity systems are solved with the
    same ``method``, ``rtol`` and ``atol``. Without ``t_eval`` the solution is at the solver's
    own steps, whose times are not differentiated.

    Args:
        fun: the rate, ``fun(t, y, *args)``, in chainrule ops.
        t_span: ``(t0, t_end)``.
        y0: the initial state (1-D).
        method: a solve_ivp method name ('RK45', 'DOP853', 'Radau', 'BDF', 'LSODA', ...).
        t_eval: the times to report, within t_span.
        options: ``rtol``, ``atol`` and the method's options, passed to SciPy.

    Returns:
        A result with SciPy's fields: ``.t`` (the times) and ``.y`` (shape ``(n, len(t))``,
        differentiable), ``.success``, ``.status`` and ``.message``.

    Raises:
        NotImplementedError: for ``dense_output``, ``events`` or ``vectorized`` when something
            is differentiated.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy.integrate import solve_ivp
        >>> def final(y0):                     # y′ = −y/2: y(2) = y0·e⁻¹
        ...     return solve_ivp(lambda t, y: -0.5 * y, (0.0, 2.0), y0, t_eval=[2.0],
        ...                      rtol=1e-10, atol=1e-12).y[0, -1]
        >>> round(float(cr.grad(final)(np.array([3.0]))[0]), 8)
        0.36787944
    """
    from scipy import integrate as scipy_integrate
    from scipy.optimize import OptimizeResult

    leaves, rebuild = _differentiated(() if args is None else args)
    if not any(isinstance(x, Tensor) for x in (y0, t_eval, *t_span, *leaves)):
        return scipy_integrate.solve_ivp(_closure_checked(fun, True), t_span, y0, method, t_eval,
                                         dense_output, events, vectorized, args, **options)
    if dense_output or events is not None or vectorized:
        raise NotImplementedError("solve_ivp: dense_output, events and vectorized are not "
                                  "supported when an argument is a tensor")
    times, solver, drop_start = _ivp_grid(fun, t_span, y0, method, t_eval, rebuild, leaves,
                                          options)
    checked = _closure_checked(fun, True)
    rows = integrate(System(lambda y, s, *rest: checked(s, y, *rest), rebuild, solver),
                     _state(y0), times, leaves)
    if drop_start:
        rows, times = rows[1:], t_eval
    return OptimizeResult(t=times, y=transpose(rows), success=True, status=0,
                          message="The solver successfully reached the end of the integration "
                                  "interval.", sol=None, t_events=None, y_events=None)


def _ivp_grid(fun, t_span, y0, method, t_eval, rebuild, leaves, options):
    """The times of the step, its solver, and whether its first row (y0 at t_span[0], where
    the step must start) is to be dropped: t_eval's are not SciPy's without it."""
    from scipy import integrate as scipy_integrate

    rtol, atol = options.pop("rtol", 1e-3), options.pop("atol", 1e-6)
    if t_eval is None:  # the solver's own steps, found by SciPy first
        steps = scipy_integrate.solve_ivp(
            _closure_checked(fun, True), tuple(map(value_of, t_span)), value_of(y0), method,
            args=rebuild([value_of(leaf) for leaf in leaves]), rtol=rtol, atol=atol, **options)
        return steps.t, Solver(method, rtol, atol, tuple(options.items()), at_steps=True), False
    solver = Solver(method, rtol, atol, tuple(options.items()), span_end=value_of(t_span[1]))
    if np.ndim(value_of(t_eval)) and np.asarray(value_of(t_eval))[0] == value_of(t_span[0]):
        return _times(t_eval), solver, False
    return concatenate([ravel(_times(t_span[0])), _times(t_eval)]), solver, True


def _closure_checked(func, tfirst):
    """``func``, refusing to return a tensor for plain arguments: that tensor came from a
    closure, and its derivative would be lost."""

    def checked(*arguments):
        rate = func(*arguments)
        y = arguments[1 if tfirst else 0]
        if isinstance(rate, Tensor) and not isinstance(y, Tensor) and not any(
                isinstance(leaf, Tensor) for leaf in _differentiated(arguments[2:])[0]):
            raise TypeError("the ODE's function returned a tensor for a plain state: it reads a "
                            "tensor that is not among its arguments (a closure?); pass it in "
                            "args=(...) so that it is differentiated, or .detach() it")
        return rate

    return checked


def _differentiated(args):
    """The tensors among ``args`` (each a tree of them, or anything else, passed as is), and a
    function that puts leaves in their places again: the arguments of ``func``."""
    if not isinstance(args, tuple):
        args = (args,)
    parts = [_flattened(arg) for arg in args]
    found = [leaf for leaves, _ in parts for leaf in leaves if isinstance(leaf, Tensor)]

    def rebuild(replacements):
        replacements = iter(replacements)
        return tuple(
            arg if treedef is None else tree.unflatten(treedef, [
                next(replacements) if isinstance(leaf, Tensor) else leaf for leaf in leaves])
            for arg, (leaves, treedef) in zip(args, parts))

    return found, rebuild


def _flattened(arg):
    try:
        return tree.flatten(arg)
    except TypeError:  # not a tree of numbers (a string, a callable): passed as it is
        return [], None


def _state(y0):
    return ravel(asarray(y0, dtype=np.float64) if isinstance(y0, Tensor) else
                 np.asarray(y0, dtype=np.float64))


def _times(t):
    return asarray(t, dtype=np.float64) if isinstance(t, Tensor) else np.asarray(t, np.float64)


__all__ = ["odeint", "solve_ivp"]
