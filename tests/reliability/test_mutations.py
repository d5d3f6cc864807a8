"""The checker checks out: bugs injected into the rules and the engine are caught by gradcheck.

Every differentiable primitive gets mutants (a) VJP × 1.001, (b) JVP × 1.001, (c) VJP sign
flipped, (d) second-order term dropped (the rule computed on detached primal values), one per
differentiable input; the engine gets (e) a missing broadcast reduction and (f) overwriting
instead of adding at fan-out. CI runs a seeded sample of two primitives per family (one of the
one-axis FFTs, the slowest to mutate) and every engine mutant; ``CHAINRULE_MUTATION=full`` runs
every primitive (about 30 s).
"""

import os

import numpy as np
import pytest

import chainrule as cr
from chainrule.autodiff import fit, forward, reverse
from chainrule.primitive import REGISTRY
from tests.ops.optable import all_cases
from tests.reliability import mutants, mutation_score

CASES = all_cases()
FULL = os.environ.get("CHAINRULE_MUTATION") == "full"
PRIMITIVES = (
    mutation_score.differentiable_primitives() if FULL else mutation_score.sampled_primitives()
)

# First-order mutants that cannot be seen, and why; every other (a)-(c) mutant must be killed.
EQUIVALENT_FIRST_ORDER = {
    ("vjp_scaled", "sign"): "its rules return zeros",
    ("jvp_scaled", "sign"): "its rules return zeros",
    ("vjp_negated", "sign"): "its rules return zeros",
    # as_input hands the tangents on itself; the engine never calls the JVP of 'input'.
    ("jvp_scaled", "input"): "forward mode does not go through this rule",
    # The shape derivatives' own rules in the shape refuse (a second derivative in a shape
    # parameter is not implemented): a mutant of a rule that raises changes nothing.
    **{(kind, name): "its rule in the shape raises NotImplementedError"
       for kind in ("vjp_scaled", "jvp_scaled", "vjp_negated")
       for name in ("gammainc_shape_derivative", "betainc_shape_derivative",
                    "stdtr_shape_derivative")},
}
FIRST_ORDER_KINDS = ("vjp_scaled", "jvp_scaled", "vjp_negated")


@pytest.mark.parametrize("name", PRIMITIVES)
def test_every_rule_mutant_is_killed_or_equivalent(name):
    outcomes = mutation_score.run_rule_mutants(name, CASES)
    survivors = [o.label for o in outcomes if o.verdict == "survived"]
    assert not survivors, f"mutants no op-table case catches: {survivors}"
    unexplained = [
        o.label
        for o in outcomes
        if o.kind in FIRST_ORDER_KINDS
        and o.verdict == "equivalent"
        and (o.kind, name) not in EQUIVALENT_FIRST_ORDER
    ]
    assert not unexplained, f"first-order mutants that change no derivative: {unexplained}"


@pytest.mark.parametrize("name", sorted(mutants.engine_mutants()))
def test_engine_mutant_is_killed_by_the_op_table(name):
    outcome = mutation_score.run_engine_mutant(name, CASES)
    assert outcome.verdict == "killed", f"engine mutant {name} passes every op-table case"


def test_mutants_restore_the_rules_and_the_engine():
    prim = REGISTRY["exp"]
    rules = (prim.vjps, prim.jvps)
    engine = (fit.unbroadcast, reverse.propagate, forward.tangent_of)
    for kind in mutants.RULE_KINDS:
        with mutants.rule_mutant(prim, kind, 0):
            assert (prim.vjps, prim.jvps) != rules
    for _, factory in mutants.engine_mutants().values():
        with factory():
            assert (fit.unbroadcast, reverse.propagate, forward.tangent_of) != engine
    assert (prim.vjps, prim.jvps) == rules
    assert (fit.unbroadcast, reverse.propagate, forward.tangent_of) == engine


def test_scaled_mutant_is_off_by_exactly_a_thousandth():
    x = np.array([0.5, 1.5])
    with mutants.rule_mutant(REGISTRY["sin"], "vjp_scaled", 0):
        np.testing.assert_allclose(cr.grad(lambda x: cr.sum(cr.sin(x)))(x), 1.001 * np.cos(x))
    with mutants.rule_mutant(REGISTRY["sin"], "jvp_scaled", 0):
        np.testing.assert_allclose(cr.jvp(cr.sin, [x], [np.ones(2)])[1], 1.001 * np.cos(x))


def test_detached_mutant_keeps_the_first_derivative_and_loses_the_second():
    x = np.array([0.5, 1.5])

    def gradient(x):
        return cr.grad(lambda x: cr.sum(cr.sin(x)))(x)

    with mutants.rule_mutant(REGISTRY["sin"], "vjp_detached", 0):
        np.testing.assert_allclose(gradient(x), np.cos(x))
        second = cr.jacobian(gradient)(x)
    assert not np.allclose(second, np.diag(-np.sin(x)))


def test_broadcast_mutant_keeps_the_shape_but_not_the_sum():
    x, y = np.ones((3, 1)), np.ones(4)
    with mutants.engine_mutants()["broadcast_first_slice"][1]():
        grad_x = cr.grad(lambda x, y: cr.sum(x * y))(x, y)
    assert grad_x.shape == (3, 1)
    np.testing.assert_array_equal(grad_x, np.ones((3, 1)))  # the right answer is 4


def test_fan_out_mutant_keeps_one_path():
    with mutants.engine_mutants()["fan_out_overwrites"][1]():
        assert cr.grad(lambda x: x * x + x)(3.0) != 7.0


def test_mutant_of_a_changed_engine_says_what_to_update():
    with pytest.raises(AssertionError, match="update the mutant"):
        mutants.mutated_copy(reverse, "propagate", "a line that is not there", "")
