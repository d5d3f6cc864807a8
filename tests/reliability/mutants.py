"""Mutants: deliberate bugs in the rules and in the engine, to show that the op table catches them.

A mutant is a context manager that swaps a bug in and always restores the original: a rule
mutant changes one input's VJP or JVP of one primitive, an engine mutant one step of the sweeps.
mutation_score.py runs the op table against them.
"""

from __future__ import annotations

import contextlib
import inspect
import textwrap

from chainrule.autodiff import fit, forward, reverse
from chainrule.tensor import Tensor

# --- rule mutants: one per differentiable input of each primitive ------------------------------


def scaled(rule):
    return lambda first, *rest, **params: rule(first, *rest, **params) * 1.001


def negated(rule):
    return lambda first, *rest, **params: -rule(first, *rest, **params)


def _raw(value):
    if isinstance(value, tuple):  # the outputs of an op with several
        return tuple(_raw(v) for v in value)
    return value._data if isinstance(value, Tensor) else value


def detached(rule):
    # The rule sees the primal values (inputs and output) as constants, so its result is still
    # the right first derivative but no longer depends on them: the second-order term is lost.
    # The incoming cotangent or tangent stays live, so only that term is dropped.
    return lambda first, out, *inputs, **params: rule(
        first, _raw(out), *[_raw(x) for x in inputs], **params
    )


# kind → (the rule table it mutates, the mutation, what the report calls it)
RULE_KINDS = {
    "vjp_scaled": ("vjps", scaled, "(a) VJP × 1.001"),
    "jvp_scaled": ("jvps", scaled, "(b) JVP × 1.001"),
    "vjp_negated": ("vjps", negated, "(c) VJP sign flipped"),
    "vjp_detached": ("vjps", detached, "(d) second-order term dropped, VJP"),
    "jvp_detached": ("jvps", detached, "(d) second-order term dropped, JVP"),
}


class MutatedTable:
    """A rule table with entry ``index`` replaced (for tables that are not tuples)."""

    def __init__(self, rules, index, rule):
        self.rules, self.index, self.rule = rules, index, rule

    def __getitem__(self, i):
        return self.rule(self.rules[i]) if self.index is None or i == self.index else self.rules[i]

    def __len__(self):
        return len(self.rules)

    def __iter__(self):
        return (self[i] for i in range(len(self)))


@contextlib.contextmanager
def rule_mutant(prim, kind, index):
    """``prim``'s rule for input ``index`` mutated as ``kind`` says (None: every input's)."""
    table, mutation, _ = RULE_KINDS[kind]
    rules = getattr(prim, table)
    if isinstance(rules, tuple):
        mutated = tuple(
            mutation(r) if i == index and r is not None else r for i, r in enumerate(rules)
        )
    else:  # a variadic primitive: one rule shared by all its inputs
        mutated = MutatedTable(rules, index, mutation)
    setattr(prim, table, mutated)
    try:
        yield
    finally:
        setattr(prim, table, rules)


def mutable_inputs(prim):
    """The input positions that have a rule to mutate (None: a variadic primitive's inputs)."""
    if not isinstance(prim.vjps, tuple):
        return [None]
    return [i for i, rule in enumerate(prim.vjps) if rule is not None]


# --- engine mutants ----------------------------------------------------------------------------


def mutated_copy(module, function, original_line, mutated_line):
    """``module.function`` recompiled from its source with one line changed."""
    source = textwrap.dedent(inspect.getsource(getattr(module, function)))
    if original_line not in source:
        raise AssertionError(
            f"{module.__name__}.{function} no longer contains {original_line!r}; "
            "update the mutant in tests/reliability/mutants.py"
        )
    namespace = dict(vars(module))
    exec(compile(source.replace(original_line, mutated_line), module.__file__, "exec"), namespace)
    return namespace[function]


fit_unbroadcast = fit.unbroadcast


def _unbroadcast_first_slice(grad, shape):
    # Instead of summing a broadcast axis, keep its first entry: the right shape, wrong values.
    extra = len(grad.shape) - len(shape)
    if extra < 0:
        return fit_unbroadcast(grad, shape)
    index = (0,) * extra + tuple(
        slice(0, 1) if n == 1 and m != 1 else slice(None) for n, m in zip(shape, grad.shape[extra:])
    )
    return grad[index]


def _unbroadcast_skipped(grad, shape):
    return grad  # no reduction at all: the contribution keeps the broadcast shape


@contextlib.contextmanager
def swapped(module, name, replacement):
    original = getattr(module, name)
    setattr(module, name, replacement)
    try:
        yield
    finally:
        setattr(module, name, original)


@contextlib.contextmanager
def on_python_sweeps(mutant):
    """``mutant`` with every sweep on the Python engine: the compiled core runs a plain sweep's
    loop in C (chainrule/_core.c), where a mutated Python ``propagate`` would never be called."""
    with swapped(reverse, "core", None), mutant:
        yield


def engine_mutants():
    """name → (description, a factory of the context manager that swaps the bug in)."""
    return {
        "broadcast_first_slice": (
            "(e) broadcast axes not summed: first entry kept",
            lambda: swapped(fit, "unbroadcast", _unbroadcast_first_slice),
        ),
        "broadcast_skipped": (
            "(e) broadcast reduction skipped: contribution keeps the broadcast shape",
            lambda: swapped(fit, "unbroadcast", _unbroadcast_skipped),
        ),
        "fan_out_overwrites": (
            "(f) reverse mode: fan-out overwrites instead of adding",
            lambda: on_python_sweeps(swapped(
                reverse,
                "propagate",
                mutated_copy(
                    reverse,
                    "propagate",
                    "grads[parent] = previous + contribution",
                    "grads[parent] = contribution",
                ),
            )),
        ),
        "forward_sum_overwrites": (
            "(f) forward mode: the last input's term overwrites the others",
            lambda: swapped(
                forward,
                "tangent_of",
                mutated_copy(
                    forward,
                    "tangent_of",
                    "out_dot = contribution if out_dot is None else out_dot + contribution",
                    "out_dot = contribution",
                ),
            ),
        ),
    }
