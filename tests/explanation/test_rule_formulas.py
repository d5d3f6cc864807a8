"""Printed local derivatives are written by the rules the engine runs: the same names as the
step, the engine's conventions at kinks, and formulas for users' own primitives too."""

import pathlib
import re
import sys

import numpy as np
import pytest

import chainrule as cr
from chainrule.primitive import REGISTRY

PACKAGE = pathlib.Path(cr.__file__).parent


def local_derivatives(explanation):
    """(formula, number) of each contribution of the reverse trace, by (from, to)."""
    return {
        (event["from"], event["to"]): (event["formula"], event["derivative"])
        for event in explanation.to_dict()["reverse"]["steps"]
        if event["kind"] == "contribution"
    }


def test_arctan2_partials_name_y_and_x_as_the_step_passes_them():
    # arctan2(y, x) at x = 1, y = 2: ∂/∂y = x/(x² + y²) = 0.2 and ∂/∂x = -y/(x² + y²) = -0.4.
    # The formula once printed beside 0.2 was v2/(v2**2 + v1**2), which is 0.4 there.
    found = local_derivatives(cr.explain("arctan2(y, x)", 1.0, 2.0))
    assert found[("v3", "v2")] == ("v1/(v1**2 + v2**2)", 0.2)
    assert found[("v3", "v1")] == ("-v2/(v1**2 + v2**2)", -0.4)
    values = {"v1": 1.0, "v2": 2.0}
    for formula, number in found.values():
        assert eval(formula, {}, values) == pytest.approx(number)


def test_relu_at_zero_prints_the_engines_derivative_zero():
    found = local_derivatives(cr.explain(lambda x: cr.relu(x), 0.0))
    assert found[("v2", "v1")] == ("[v1 > 0]", 0.0)  # 1 where v1 > 0, else 0: here 0
    found = local_derivatives(cr.explain(lambda x: cr.relu(x), 2.0))
    assert found[("v2", "v1")] == ("1", 1.0)  # around x = 2, relu is x


def test_kinks_and_ties_print_as_the_rules_take_them():
    assert local_derivatives(cr.explain(lambda x: cr.abs(x), 0.0))[("v2", "v1")] == (
        "sign(v1)",
        0.0,
    )
    tie = local_derivatives(cr.explain(lambda x, y: cr.maximum(x, y), 1.0, 1.0))
    assert tie[("v3", "v1")] == ("[v1 == v2]/2 + [v1 > v2]", 0.5)
    assert tie[("v3", "v2")] == ("[v1 == v2]/2 + [v1 < v2]", 0.5)
    bound = local_derivatives(cr.explain(lambda x: cr.clip(x, -1.0, 1.0), 1.0))
    assert bound[("v2", "v1")] == ("[v1 <= 1]", 1.0)  # clip passes the gradient at its bound
    one_bound = local_derivatives(cr.explain(lambda x: cr.clip(x, None, 0.5), 0.5))
    assert one_bound[("v2", "v1")] == ("[v1 <= 1/2]", 1.0)


def test_a_users_primitive_gets_its_formula_from_its_rule():
    xsinx = cr.primitive(
        "xsinx_formula_example",
        lambda x: x * np.sin(x),
        vjp=lambda grad_out, out, x: grad_out * (cr.sin(x) + x * cr.cos(x)),
        jvp=lambda x_dot, out, x: x_dot * (cr.sin(x) + x * cr.cos(x)),
        symbolic="x*sin(x)",
    )
    grows = cr.primitive(  # its rule reads out, and it tells SymPy nothing: it stays by name
        "grows_formula_example",
        np.exp,
        vjp=lambda grad_out, out, x: grad_out * out,
        jvp=lambda x_dot, out, x: x_dot * out,
    )
    try:
        found = local_derivatives(cr.explain(lambda x: xsinx(x) + grows(x), 0.5))
    finally:
        REGISTRY.pop("xsinx_formula_example")
        REGISTRY.pop("grows_formula_example")
    slope = np.sin(0.5) + 0.5 * np.cos(0.5)
    assert found[("v2", "v1")] == ("v1*cos(v1) + sin(v1)", pytest.approx(slope))
    assert found[("v3", "v1")] == ("grows_formula_example(v1)", pytest.approx(np.exp(0.5)))


def test_without_sympy_formulas_are_the_rules_own_arithmetic(monkeypatch):
    monkeypatch.setitem(sys.modules, "sympy", None)

    def sigmoid(x):
        return 1 / (1 + cr.exp(-x))

    found = local_derivatives(cr.explain(sigmoid, 0.5))
    assert found[("v5", "v4")][0] == "-(1/v4)/v4"  # divide's rule: -out/y
    assert found[("v3", "v2")][0] == "exp(v2)"
    assert local_derivatives(cr.explain(lambda x: cr.relu(x), 0.0))[("v2", "v1")][0] == "[v1 > 0]"


def test_array_steps_show_the_map_their_rule_applies():
    found = local_derivatives(cr.explain(lambda x: cr.sum(cr.sin(x)), np.array([0.5, 1.0])))
    # A map is written in the adjoint of the step it belongs to (reverse) or in the tangent of
    # the input (forward).
    assert found[("v3", "v2")][0] == "v̄3 ↦ broadcast_to(v̄3, shape=(2,))"
    assert found[("v2", "v1")] == ("v̄2 ↦ v̄2*cos(v1)", None)
    data = cr.explain(lambda x: cr.sum(cr.sin(x)), np.array([0.5, 1.0]), mode="forward").to_dict()
    assert data["forward"][0]["steps"][0]["terms"][0]["formula"] == "v̇1 ↦ v̇1*cos(v1)"


def test_a_mean_shows_its_one_over_n_and_a_bias_its_broadcast_sum():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))

    def loss(w, b):
        return cr.mean((cr.tanh(x @ w + b) - y) ** 2)

    explanation = cr.explain(loss, rng.normal(size=(3, 2)), np.zeros(2), mode="both")
    data = explanation.to_dict()
    steps = {step["var"]: step for step in data["steps"]}
    assert steps["v8"]["local"][0]["formula"] == "v̄8 ↦ broadcast_to(v̄8, shape=(4, 2))/8"
    [bias] = [d for d in steps["v4"]["local"] if d["wrt"] == "v2"]
    assert bias["broadcast"] == [0] and "sum(v̄4, axis=(0,)" in bias["formula"]
    text = explanation.text()
    assert "contribution: shape 4×2: 0.125 at every entry" in text
    assert "(v2, shape 2, is broadcast to v4's shape 4×2 along axis 0)" in text
    assert "broadcast sum: v2 (shape 2) was broadcast along axis 0 to v4's shape 4×2, so v̄2" in text
    assert "broadcast: v̇2 (shape 2) is repeated along axis 0 to v4's shape 4×2" in text
    # v̄ is defined where a map first uses it (the text's lines wrap: read it as one line).
    words = " ".join(text.split())
    assert words.index("written as what it does to v̄ᵢ, the adjoint of vᵢ") > words.index("↦")
    assert words.index("written as what it does to v̄ᵢ") < words.index("reverse mode from")
    assert max(len(line) for line in text.splitlines()) <= 100


def test_no_formula_is_differentiated_by_sympy_or_looked_up_by_op_name():
    sources = "\n".join(path.read_text() for path in PACKAGE.rglob("*.py"))
    assert not re.search(r"\b(sympy|sp)\.diff\(|Heaviside|def forwards\(", sources)
