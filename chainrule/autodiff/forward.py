"""Forward mode: tangents travel with the primals, v̇ᵢ = Σⱼ ∂vᵢ/∂vⱼ · v̇ⱼ, one op at a time.

Each ``ForwardTrace`` is one level of differentiation. A tensor's ``tangents`` maps each trace
to its tangent there, so nested ``jvp`` calls never mix their perturbations: the rules of level
k run with only the outer levels (< k) active, and so carry the outer tangents themselves.
The active levels are per thread and per asyncio task (:mod:`chainrule.engine_state`).
"""

from __future__ import annotations

from chainrule.autodiff import fit
from chainrule.backends import BackendError
from chainrule.engine_state import current, enter, enter_state, leave
from chainrule.tensor import Tensor, tensor, wrap


def rules_running():
    """Whether JVP rules are running: ops recorded meanwhile are the rules' own work."""
    return current().rules > 0


class ForwardTrace:
    """One forward-mode level. Use as a context manager around the computation to follow.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.autodiff.forward import ForwardTrace, seed, tangent_of_tensor
        >>> with ForwardTrace() as trace:
        ...     x = seed(trace, 3.0, 1.0)
        ...     y = x * x
        >>> float(tangent_of_tensor(trace, y))
        6.0
    """

    __slots__ = ("token", "__weakref__")

    def __enter__(self):
        self.token = enter(forward_traces=(*current().forward_traces, self))
        return self

    def __exit__(self, *exc):
        leave(self.token)
        return False


def seed(trace, primal, tangent):
    """A fresh tensor holding ``primal`` whose tangent in ``trace`` is ``tangent``."""
    x = primal if isinstance(primal, Tensor) else tensor(primal)
    out = wrap(x._data, x.node)
    out.tangents = dict(x.tangents) if x.tangents else {}
    out.tangents[trace] = tangent
    return out


def tangent_of_tensor(trace, x):
    """The tangent of ``x`` in ``trace``, or None when ``x`` does not depend on its inputs."""
    if isinstance(x, Tensor) and x.tangents:
        return x.tangents.get(trace)
    return None


def push_tangents(result, prim, args, params):
    """Give ``result`` its tangent in every active trace where some input has one."""
    state = current()
    tangents = {}
    result.tangents = tangents
    for level, trace, dots in _levels_reached(state, args):
        token = enter_state(state.rules_of_level(level))
        try:
            out_dot = tangent_of(prim, args, result, params, dots, level > 0)
        finally:
            leave(token)
        if out_dot is not None:
            tangents[trace] = out_dot
    if result.node is not None:
        result.node.tangents = tangents


def _levels_reached(state, args):
    """(level, trace, the inputs' tangents there) for each active level that some input's
    tangent reaches; the rules of level k run with only the levels below k active."""
    for level, trace in enumerate(state.forward_traces):
        dots = [x.tangents.get(trace) if isinstance(x, Tensor) and x.tangents else None
                for x in args]
        if any(d is not None for d in dots):
            yield level, trace, dots


def tangent_of(prim, inputs, out, params, input_dots, differentiable=True, observer=None,
               fit_to=None):
    """out_dot = Σᵢ jvpᵢ(input_dotᵢ): the forward sweep's step for one op (explain reuses it).

    When nothing outer needs to differentiate the tangent, the rules run on plain arrays.
    ``observer(i, contribution)``, if given, sees each input's term before the sum.
    ``fit_to`` is the value the tangent belongs to, where ``out`` is not (one output of
    several, whose rules read them all).
    """
    if not differentiable and not _recorded(inputs, input_dots):
        inputs = [x._data if isinstance(x, Tensor) else x for x in inputs]
        out = out._data if isinstance(out, Tensor) else out
        input_dots = [d._data if isinstance(d, Tensor) else d for d in input_dots]
    out_dot = None
    for i, x_dot in enumerate(input_dots):
        rule = prim.jvps[i]
        if x_dot is None or rule is None:
            continue
        try:
            contribution = rule(x_dot, out, *inputs, **params)
        except BackendError as exc:
            raise exc.in_op(prim.name, inputs) from None
        if observer is not None:
            observer(i, contribution)
        out_dot = contribution if out_dot is None else out_dot + contribution
    if out_dot is None:
        return None
    return fit.fit_tangent(out_dot, out if fit_to is None else fit_to)


def push_output_tangents(results, prim, args, params):
    """:func:`push_tangents` for an op with several outputs: its JVP rules run once per level
    and give every output its tangent."""
    state = current()
    for result in results:
        result.tangents = {}
    for level, trace, dots in _levels_reached(state, args):
        token = enter_state(state.rules_of_level(level))
        try:
            outs = results if level > 0 or _recorded(args, dots) else tuple(
                r._data for r in results)
            out_dots = _output_tangents(prim, args, outs, params, dots, level > 0)
        finally:
            leave(token)
        for result, out_dot in zip(results, out_dots):
            if out_dot is not None:
                result.tangents[trace] = fit.fit_tangent(out_dot, result)
    for result in results:
        if result.node is not None:
            result.node.tangents = result.tangents


def _output_tangents(prim, inputs, outs, params, input_dots, differentiable):
    # Σᵢ jvpᵢ(input_dotᵢ), output by output.
    if not differentiable and not _recorded(inputs, input_dots):
        inputs = [x._data if isinstance(x, Tensor) else x for x in inputs]
        input_dots = [d._data if isinstance(d, Tensor) else d for d in input_dots]
    total = [None] * len(outs)
    for rule, x_dot in zip(prim.jvps, input_dots):
        if x_dot is None or rule is None:
            continue
        for k, contribution in enumerate(rule(x_dot, outs, *inputs, **params)):
            if contribution is not None and prim.parts[k].differentiable:
                total[k] = contribution if total[k] is None else total[k] + contribution
    return total


def _recorded(inputs, input_dots):
    # While jit traces, the rules' ops on traced values are recorded even under no_grad.
    state = current()
    if not state.grad_enabled and state.trace is None:
        return False
    return any(isinstance(x, Tensor) and x.node is not None for x in (*inputs, *input_dots))
