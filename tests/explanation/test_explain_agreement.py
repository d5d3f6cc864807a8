"""The traces ``explain`` shows agree with the engine's numbers (cr.grad, cr.jvp, cr.jacobian)
on random formulas, and every row is consistent: contribution = local derivative × incoming."""

import random

import numpy as np
import pytest

import chainrule as cr
from chainrule.explanation.formulas.expression import parse

UNARY = ("sin", "cos", "tanh", "sigmoid", "exp", "softplus", "arctan")
BINARY = ("+", "-", "*", "/")


def random_formula(rng, depth):
    """A formula in x and y that is finite and smooth everywhere (denominators are 1 + u²)."""
    if depth == 0 or rng.random() < 0.2:
        return rng.choice(["x", "y", "x", "y", "0.5", "3"])
    if rng.random() < 0.4:
        name = rng.choice(UNARY)
        inner = random_formula(rng, depth - 1)
        return f"{name}(sin({inner}))" if name == "exp" else f"{name}({inner})"
    left, right = random_formula(rng, depth - 1), random_formula(rng, depth - 1)
    op = rng.choice(BINARY)
    if op == "/":
        return f"({left}) / (1 + ({right})**2)"
    return f"({left}) {op} ({right})"


def formulas(count, seed=5):
    rng = random.Random(seed)
    found = []
    while len(found) < count:
        text = random_formula(rng, 4)
        if "x" in text and "y" in text:
            found.append(parse(text, variables=("x", "y")))
    return found


FORMULAS = formulas(12)
POINT = (0.7, -1.3)


@pytest.mark.parametrize("formula", FORMULAS, ids=[f.text for f in FORMULAS])
def test_reverse_trace_gradients_are_cr_grad(formula):
    data = cr.explain(formula, *POINT).to_dict()
    expected = cr.grad(formula.__call__, argnums=(0, 1))(*POINT)
    found = [g["gradient"] for g in data["reverse"]["gradients"]]
    assert found == pytest.approx([float(e) for e in expected], rel=1e-12, abs=1e-15)
    assert [d["value"] for d in data["derivatives"]] == found


@pytest.mark.parametrize("formula", FORMULAS, ids=[f.text for f in FORMULAS])
def test_forward_traces_are_cr_jvp_along_each_input(formula):
    data = cr.explain(formula, *POINT, mode="forward").to_dict()
    for trace, direction in zip(data["forward"], [(1.0, 0.0), (0.0, 1.0)]):
        _, expected = cr.jvp(formula.__call__, POINT, direction)
        assert trace["outputs"][0]["tangent"] == pytest.approx(
            float(expected), rel=1e-12, abs=1e-15
        )


@pytest.mark.parametrize("formula", FORMULAS, ids=[f.text for f in FORMULAS])
def test_every_row_is_local_derivative_times_incoming(formula):
    data = cr.explain(formula, *POINT, mode="both").to_dict()
    for trace in data["forward"]:
        for step in trace["steps"]:
            for term in step["terms"]:
                assert term["contribution"] == pytest.approx(
                    term["derivative"] * term["tangent_in"], rel=1e-12, abs=1e-15
                )
            total = sum(term["contribution"] for term in step["terms"])
            assert step["tangent"] == pytest.approx(total, rel=1e-12, abs=1e-15)
    for event in data["reverse"]["steps"]:
        if event["kind"] == "contribution":
            assert event["contribution"] == pytest.approx(
                event["adjoint_in"] * event["derivative"], rel=1e-12, abs=1e-15
            )


@pytest.mark.parametrize("formula", FORMULAS[:4], ids=[f.text for f in FORMULAS[:4]])
def test_fan_out_sums_equal_the_adjoint_the_engine_completed(formula):
    for event in cr.explain(formula, *POINT).to_dict()["reverse"]["steps"]:
        if event["kind"] == "adjoint" and len(event["sources"]) > 1:
            total = sum(source["contribution"] for source in event["sources"])
            assert event["adjoint"] == pytest.approx(total, rel=1e-12, abs=1e-15)


def test_reverse_trace_runs_in_the_order_of_the_engine_sweep():
    # The sweep goes by decreasing recording number: an adjoint is complete before it is used.
    events = cr.explain(FORMULAS[0], *POINT).to_dict()["reverse"]["steps"]
    numbers = [int(e["from"][1:]) for e in events if e["kind"] == "contribution"]
    assert numbers == sorted(numbers, reverse=True)


def test_array_function_jacobian_is_cr_jacobian():
    x = np.array([0.3, -0.8, 1.1])
    data = cr.explain(lambda v: cr.tanh(v) * v[0], x, mode="both").to_dict()
    matrix = np.array(data["jacobian"]["factors"][0]["value"]["entries"])
    assert matrix == pytest.approx(cr.jacobian(lambda v: cr.tanh(v) * v[0])(x), rel=1e-12)
    ones = cr.jvp(lambda v: cr.tanh(v) * v[0], (x,), (np.ones(3),))[1]
    assert data["forward"][0]["outputs"][0]["tangent"]["entries"] == pytest.approx(ones)
    gradient = cr.grad(lambda v: cr.sum(cr.tanh(v) * v[0]))(x)
    assert data["reverse"]["gradients"][0]["gradient"]["entries"] == pytest.approx(gradient)


def test_given_direction_is_the_directional_derivative():
    formula = FORMULAS[1]
    data = cr.explain(formula, *POINT, mode="forward", direction=(0.3, -2.0)).to_dict()
    _, expected = cr.jvp(formula.__call__, POINT, (0.3, -2.0))
    assert data["derivatives"] == [
        {
            "mode": "forward",
            "of": data["outputs"][0]["var"],
            "wrt": None,
            "value": pytest.approx(float(expected)),
        }
    ]


def test_wrt_one_input_holds_the_other_constant():
    formula = parse("x*y + sin(x*y)")
    data = cr.explain(formula, *POINT, wrt="y", mode="both").to_dict()
    expected = float(cr.grad(formula.__call__, argnums=1)(*POINT))
    assert [d["value"] for d in data["derivatives"]] == pytest.approx([expected, expected])
    assert [step["expression"] for step in data["steps"]] == [
        "y",
        "x * v1",
        "x * v1",
        "sin(v3)",
        "v2 + v4",
    ]
