"""Every formula an explanation prints agrees with the number the engine computed.

For each op-table case the function is recorded as ``explain`` records it, and for every input
of every step the printed local derivative (reverse: from the VJP rule; forward: from the JVP
rule) is read back as text and evaluated at the case's point. A single-number formula must give
the rule's own ∂vᵢ/∂vⱼ; a map (``grad_out ↦ …``) applied to a random adjoint or tangent must give
the contribution the engine's rule and bookkeeping produce.
"""

import numpy as np
import pytest

import chainrule as cr
from chainrule.autodiff import fit
from chainrule.explanation.record import Recording, differentiable_inputs
from chainrule.explanation.sweeps import adjoints, tangents
from chainrule.explanation.sweeps.tangents import saved_inputs
from chainrule.modes import no_grad
from chainrule.primitive import REGISTRY
from chainrule.ops.linalg import determinants
from tests.ops import (
    cases_complex, cases_complex_linalg, cases_complex_linalg2, cases_eig, cases_fft,
)
from tests.ops.optable import OpCase, all_cases, rand
from tests.ops.printed_formulas import Unreadable, evaluate_term, evaluate_text, leaf_values

# Formulas are written in real symbols: the complex cases of cases_complex.py are not explained
# (its cases of real, imag, conj and angle on real x are), nor the Fourier transforms and eig,
# whose rules compute in complex numbers even for real inputs, nor the complex linalg cases
# (slogdet_complex is complex only).
NOT_EXPLAINED = {"fft", "ifft", "rfft", "irfft", "eig", "eigvals", "slogdet_complex"}
# cofactor is reached by det's rule only (second order); explained on its own here.
CASES = [case for case in all_cases() if not any(
    case is c and "complex" in c.label for c in cases_complex.CASES) and not any(
    case is c for c in [*cases_fft.CASES, *cases_eig.CASES, *cases_complex_linalg.CASES,
                        *cases_complex_linalg2.CASES])] + [
    OpCase("cofactor", lambda a: determinants._cofactor_op(a), (rand(3, 3),), "3x3"),
]
MODES = ("reverse", "forward")
# Ops whose printed adjoints hold a constant array of more than a few entries (a triangle
# mask), which a formula writes as array(shape=...).
CONSTANT_ARRAYS = {"cholesky"}
# chainrule.scipy.linalg's factorizations hold triangle masks and identities in their rules too.
CONSTANT_ARRAYS |= {"scipy_cholesky", "cho_factor", "lu_factor", "scipy_eigh",
                    "scipy_eigvalsh"} & set(REGISTRY)


def recorded(case):
    wrt = [i for i, arg in enumerate(case.args) if np.asarray(arg).dtype.kind == "f"]
    names = [f"a{i}" for i in range(len(case.args))]
    try:
        with np.errstate(all="ignore"):
            return Recording(case.fn, case.args, names, wrt)
    except ValueError:  # the output does not depend on the inputs: nothing is explained
        return None


def engine_value(node, i, mode, seed):
    """What the engine computes for input i: the rule's contribution, fitted as it fits it."""
    # The rule of one output of several reads them all (the node's ``out``).
    out = node.out if isinstance(node.out, tuple) else np.asarray(node.out)[()]
    inputs = saved_inputs(node)
    with no_grad(), np.errstate(all="ignore"):
        if mode == "reverse":
            found = node.prim.vjps[i](seed, out, *inputs, **node.params)
            return fit.fit_gradient(np.asarray(found), np.asarray(inputs[i]))
        found = node.prim.jvps[i](seed, out, *inputs, **node.params)
        return fit.fit_tangent(np.asarray(found), np.asarray(node.value))


def printed_value(formula, seed_value):
    values = leaf_values(formula.term)
    if formula.seed is not None:
        values[formula.seed] = seed_value
    text = formula.text.split(" ↦ ", 1)[-1]
    try:
        return evaluate_text(text, values), "text"
    except Unreadable:
        return evaluate_term(formula.term, values), "term"


def seed_for(node, i, mode, rng):
    like = np.asarray(
        node.value
        if mode == "reverse"
        else node.inputs[i]._data
        if hasattr(node.inputs[i], "_data")
        else node.inputs[i]
    )
    return rng.standard_normal(like.shape).astype(like.dtype if like.dtype.kind == "f" else float)


def check_step(recording, node, i, mode, rng):
    formula = recording.formula(node, i, mode)
    assert formula.term is not None, formula.text
    if formula.scalar:
        local = adjoints.local_derivative if mode == "reverse" else tangents.local_derivative
        expected, seed = local(node, i), None
    else:
        seed = seed_for(node, i, mode, rng)
        expected = engine_value(node, i, mode, seed)
    got, how = printed_value(formula, seed)
    np.testing.assert_allclose(
        np.asarray(got, dtype=complex),
        np.asarray(expected, dtype=complex),
        rtol=1e-6,
        atol=1e-9,
        err_msg=f"{node.prim.name}, input {i}, {mode}: {formula.text}",
    )
    return how


def check_case(case):
    """Check every printed formula of the case; return what was checked, by primitive:
    (input, mode, whether it was read back from the "text" or, where the text holds an array
    written by its shape, from the "term")."""
    recording = recorded(case)
    checked = {}
    if recording is None:
        return checked
    rng = np.random.default_rng(0)
    for node in recording.nodes:
        for i in differentiable_inputs(recording, node):
            for mode in MODES:
                how = check_step(recording, node, i, mode, rng)
                # One output of several is checked as part of its op.
                name = getattr(node.prim, "joint", node.prim).name
                checked.setdefault(name, set()).add((i, mode, how))
    return checked


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_each_printed_local_derivative_agrees_with_the_engines_number(case):
    if not check_case(case):
        pytest.skip("the output does not depend on a floating input")


def test_every_differentiable_primitive_has_its_formulas_checked():
    checked = {}
    for case in CASES:
        for name, seen in check_case(case).items():
            checked.setdefault(name, set()).update(seen)
    differentiable = {name for name, prim in REGISTRY.items()
                      if prim.differentiable and name not in NOT_EXPLAINED
                      and prim.__module__.startswith("chainrule.")}  # chainrule's own
    assert sorted(differentiable - set(checked)) == []
    inputs = {(name, i) for name, seen in checked.items() for i, _, _ in seen}
    assert len(inputs) >= 100
    # Each op's formulas are read back from the printed text, except where every case's rule
    # holds a constant array too large to print (written by its shape): there the term printed
    # is computed again, op by op.
    read_back = {name for name, seen in checked.items() if any(h == "text" for _, _, h in seen)}
    assert set(checked) - read_back == CONSTANT_ARRAYS


def test_a_formula_that_the_rule_cannot_write_says_so():
    op = cr.primitive(
        "numpy_rule_example",
        np.sin,
        vjp=lambda grad_out, out, x: grad_out * np.cos(x),  # NumPy on the input: no terms
        jvp=lambda x_dot, out, x: x_dot * np.cos(x),
    )
    try:
        steps = cr.explain(lambda x: op(x), 0.5).to_dict()["steps"]
    finally:
        REGISTRY.pop("numpy_rule_example")
    assert steps[1]["local"][0]["formula"].startswith(
        "(no formula: numpy_rule_example's VJP rule does not run on formula terms"
    )
