"""``explain``: golden texts for the seeds' examples, and the behaviour around them."""

import re
from pathlib import Path

import numpy as np
import pytest

import chainrule as cr

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "explain.md"


def sigmoid(x):
    a = -x
    b = cr.exp(a)
    c = 1 + b
    d = 1 / c
    return d


def g(t):
    return t, t**2, t**3


def f(x, y, z):
    return x**2 + 5 * y + 10 * z + x * y * z


SIGMOID_TEXT = """\
sigmoid(x) at x = 0.5: primal trace (Wengert list)
  var  definition  value     local derivatives
  v1   x           0.5
  v2   -v1         -0.5      ∂v2/∂v1 = -1
  v3   exp(v2)     0.606531  ∂v3/∂v2 = exp(v2)
  v4   1 + v3      1.60653   ∂v4/∂v3 = 1
  v5   1 / v4      0.622459  ∂v5/∂v4 = -1/v4**2
output: v5

forward mode along ẋ = 1: v̇ᵢ = Σ ∂vᵢ/∂vⱼ · v̇ⱼ, in recording order
  tangent  term          local derivative      contribution
  v̇1 = ẋ = 1 (seed)
  v̇2       ∂v2/∂v1 · v̇1  -1                    (-1) · 1 = -1
  v̇3       ∂v3/∂v2 · v̇2  exp(v2) = 0.606531    0.606531 · (-1) = -0.606531
  v̇4       ∂v4/∂v3 · v̇3  1                     1 · (-0.606531) = -0.606531
  v̇5       ∂v5/∂v4 · v̇4  -1/v4**2 = -0.387456  (-0.387456) · (-0.606531) = 0.235004

reverse mode from v̄5 = 1: v̄ⱼ += v̄ᵢ · ∂vᵢ/∂vⱼ, in the order the engine ran
  adjoint  term             local derivative      contribution                        sum so far
  v̄5 = 1 (seed)
  v̄4       += v̄5 · ∂v5/∂v4  -1/v4**2 = -0.387456  1 · (-0.387456) = -0.387456         -0.387456
  v̄3       += v̄4 · ∂v4/∂v3  1                     (-0.387456) · 1 = -0.387456         -0.387456
  v̄2       += v̄3 · ∂v3/∂v2  exp(v2) = 0.606531    (-0.387456) · 0.606531 = -0.235004  -0.235004
  v̄1       += v̄2 · ∂v2/∂v1  -1                    (-0.235004) · (-1) = 0.235004       0.235004

derivatives
  derivative   mode     value
  dsigmoid/dx  reverse  0.235004
  dsigmoid/dx  forward  0.235004
"""

SIN_COS_TEXT = """\
sin(cos(x)) at x = 0.5: primal trace (Wengert list)
  var  definition  value     local derivatives
  v1   x           0.5
  v2   cos(v1)     0.877583  ∂v2/∂v1 = -sin(v1)
  v3   sin(v2)     0.769196  ∂v3/∂v2 = cos(v2)
output: v3

reverse mode from v̄3 = 1: v̄ⱼ += v̄ᵢ · ∂vᵢ/∂vⱼ, in the order the engine ran
  adjoint  term             local derivative      contribution                        sum so far
  v̄3 = 1 (seed)
  v̄2       += v̄3 · ∂v3/∂v2  cos(v2) = 0.639012    1 · 0.639012 = 0.639012             0.639012
  v̄1       += v̄2 · ∂v2/∂v1  -sin(v1) = -0.479426  0.639012 · (-0.479426) = -0.306359  -0.306359

derivatives
  derivative  mode     value
  df/dx       reverse  -0.306359
"""

WEATHER_CHAIN_TEXT = """\
Jacobian chain
  factor            shape  value
  Dg(t)             3×1    [[1], [4], [12]]
  Df(g(t))          1×3    [[36, 21, 18]]
  Df(g(t)) · Dg(t)  1×1    [[336]]
cost: n = 1 input entry, m = 1 output entry: forward mode takes n = 1 sweep (one per input entry),
  reverse mode m = 1 (one per output entry): the same
forward mode multiplies the chain from the input side (Dg(t) first), reverse mode from the output
  side (Df(g(t)) first)
"""


def last_section(text):
    return text.split("\n\n")[-1]


def test_sigmoid_steps_are_explained_link_by_link_in_both_modes():
    assert cr.explain(sigmoid, 0.5, mode="both").text() == SIGMOID_TEXT


def test_sigmoid_derivative_is_sigma_times_one_minus_sigma():
    data = cr.explain(sigmoid, 0.5, mode="both").to_dict()
    s = 1 / (1 + np.exp(-0.5))
    values = [found["value"] for found in data["derivatives"]]
    assert values == pytest.approx([s * (1 - s)] * 2, rel=1e-15)
    assert data["steps"][-1]["value"] == pytest.approx(s, rel=1e-15)


def test_sigmoid_local_derivatives_are_the_seed_chain_links():
    data = cr.explain(sigmoid, 0.5).to_dict()
    a, b, c = -0.5, np.exp(-0.5), 1 + np.exp(-0.5)
    links = {
        event["to"]: event["derivative"]
        for event in data["reverse"]["steps"]
        if event["kind"] == "contribution"
    }
    # da/dx = -1, db/da = exp(a), dc/db = 1, dd/dc = -1/c²
    assert links == pytest.approx({"v1": -1.0, "v2": np.exp(a), "v3": 1.0, "v4": -1 / c**2})
    assert b == pytest.approx(data["steps"][2]["value"])


def test_sin_of_cos_from_formula_text_explains_the_chain():
    assert cr.explain("sin(cos(x))", 0.5).text() == SIN_COS_TEXT


def test_weather_along_a_path_shows_the_jacobian_chain():
    explanation = cr.explain([g, f], 2.0, mode="both")
    assert last_section(explanation.text()) == WEATHER_CHAIN_TEXT
    t = 2.0
    product = explanation.to_dict()["jacobian"]["product"]["value"]["entries"][0][0]
    assert product == pytest.approx(12 * t + 6 * t**5 + 30 * t**2)


@pytest.mark.parametrize("t", [-1.5, 0.7])
def test_jacobian_chain_factors_are_dg_and_df_of_the_weather(t):
    chain = cr.explain([g, f], t).to_dict()["jacobian"]
    dg, df = (factor["value"]["entries"] for factor in chain["factors"])
    assert np.array(dg) == pytest.approx(np.array([[1], [2 * t], [3 * t**2]]))
    assert np.array(df) == pytest.approx(np.array([[2 * t + t**5, t**4 + 5, t**3 + 10]]))
    assert [factor["shape"] for factor in chain["factors"]] == [[3, 1], [1, 3]]
    found = cr.explain([g, f], t).to_dict()["derivatives"][0]["value"]
    assert found == pytest.approx(12 * t + 6 * t**5 + 30 * t**2)


def test_fan_out_shows_the_sum_over_paths():
    text = cr.explain(lambda x: x * cr.sin(x), 0.5).text()
    assert "  v̄1 = 0.479426 (from v3) + 0.438791 (from v2) = 0.918217\n" in text


def test_forward_step_with_two_inputs_shows_the_sum_of_its_terms():
    text = cr.explain(lambda x, y: x * y, 2.0, 3.0, mode="forward", direction=(1.0, 1.0)).text()
    assert "  v̇3 = 3 (via v1) + 2 (via v2) = 5\n" in text


def test_docs_show_the_text_explain_prints():
    blocks = re.findall(r"```text\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.S)
    assert blocks[0] == SIGMOID_TEXT
    assert blocks[1] == WEATHER_CHAIN_TEXT


def test_readme_shows_the_text_explain_prints():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Explanations\n", 1)[1]
    shown = re.search(r"```text\n(.*?)```", section, flags=re.S).group(1)
    assert shown == cr.explain(sigmoid, 0.5).text()


def test_vector_function_has_a_jacobian_and_the_cost_of_each_mode():
    explanation = cr.explain(lambda x: cr.sin(x) * 2, np.array([0.1, 0.2, 0.3]))
    chain = explanation.to_dict()["jacobian"]
    assert chain["factors"][0]["shape"] == [3, 3]
    assert np.array(chain["factors"][0]["value"]["entries"]) == pytest.approx(
        np.diag(2 * np.cos([0.1, 0.2, 0.3]))
    )
    assert chain["cost"] == {
        "inputs": 3,
        "outputs": 3,
        "forward_sweeps": 3,
        "reverse_sweeps": 3,
        "cheaper": "same",
    }
    text = explanation.text()
    # Three output entries: one reverse sweep per entry, each a row of the Jacobian.
    assert "reverse mode, sweep 2 of 3 (row v3[1] of the Jacobian) from v̄3 = [0, 1, 0]" in text
    assert "∂f[1]/∂x    reverse  [0, 1.96013, 0]" in text
    rows = explanation.to_dict()["reverse_rows"]
    assert np.array([r["gradients"][0]["gradient"]["entries"] for r in rows]) == pytest.approx(
        np.diag(2 * np.cos([0.1, 0.2, 0.3]))
    )


def test_a_long_vector_output_says_one_sweep_finds_the_gradient_of_the_sum():
    x = np.arange(6.0)
    explanation = cr.explain(lambda x: cr.sin(x) * x, x)
    assert "reverse_rows" not in explanation.to_dict()
    text = explanation.text()
    assert "reverse mode from v̄3 = [1, 1, 1, 1, 1, 1]" in text
    assert "one sweep from v̄ = 1 at every output entry finds v̄ᵀJ" in text
    assert "∂(Σ v3)/∂x" in text
    [derivative] = explanation.to_dict()["derivatives"]
    assert derivative["value"]["entries"] == pytest.approx(np.sin(x) + x * np.cos(x))


def test_a_chosen_cotangent_gives_its_vector_jacobian_product():
    x, v = np.arange(6.0), np.array([1.0, -2.0, 0.5, 0.0, 3.0, 1.0])
    explanation = cr.explain(lambda x: cr.sin(x) * x, x, cotangent=v)
    [derivative] = explanation.to_dict()["derivatives"]
    assert derivative["name"] == "∂(v̄3 · v3)/∂x"
    assert derivative["value"]["entries"] == pytest.approx(v * (np.sin(x) + x * np.cos(x)))
    assert "one sweep from the given v̄ finds v̄ᵀJ" in explanation.text()
    with pytest.raises(ValueError, match="the cotangent has shape \\(2,\\)"):
        cr.explain(lambda x: cr.sin(x) * x, x, cotangent=np.ones(2))
    with pytest.raises(ValueError, match="cotangent= is for reverse mode"):
        cr.explain(lambda x: cr.sin(x) * x, x, mode="forward", cotangent=v)


def test_few_inputs_many_outputs_make_forward_mode_cheaper():
    cost = cr.explain(lambda x: cr.stack([x, x**2, x**3, x**4]), 1.5).to_dict()["jacobian"]["cost"]
    assert (cost["forward_sweeps"], cost["reverse_sweeps"], cost["cheaper"]) == (1, 4, "forward")


def test_large_array_values_are_summarized_by_shape_and_statistics():
    x = np.arange(200.0)
    text = cr.explain(lambda x: cr.sum(x * x), x).text()
    assert "  v1 = x\n      value: shape 200: min 0, max 199, mean 99.5\n" in text
    assert "contribution: shape 200: 1 at every entry" in text
    assert "(too large to show)" not in text


def test_constant_inputs_and_array_constants_are_named():
    w = np.array([[1.0, 2.0], [3.0, 4.0]])
    data = cr.explain(lambda x, y: cr.sum(w @ x) * y, np.ones(2), 3.0, wrt="x").to_dict()
    assert [step["expression"] for step in data["steps"]] == ["x", "k1 @ v1", "sum(v2)", "v3 * y"]
    assert data["inputs"][1] == {"name": "y", "var": None, "value": 3.0}
    assert [c["name"] for c in data["constants"]] == ["k1"]


def test_float32_values_keep_their_dtype_in_the_record():
    data = cr.explain(lambda x: x * x, np.ones(2, dtype=np.float32)).to_dict()
    assert data["steps"][1]["value"]["dtype"] == "float32"
    assert data["reverse"]["gradients"][0]["gradient"]["dtype"] == "float32"


def test_non_finite_values_become_strings_in_the_data():
    with np.errstate(all="ignore"):
        data = cr.explain("log(x)", -1.0).to_dict()
    assert data["steps"][1]["value"] == "nan"


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="mode must be 'reverse', 'forward' or 'both'"):
        cr.explain(sigmoid, 0.5, mode="sideways")


def test_unknown_wrt_names_the_inputs():
    with pytest.raises(ValueError, match=r"wrt='q' names no input of f; its inputs are x, y"):
        cr.explain(lambda x, y: x * y, 1.0, 2.0, wrt="q")


def test_direction_of_the_wrong_shape_is_refused():
    with pytest.raises(ValueError, match=r"the direction for x has shape \(3,\), but that input"):
        cr.explain(lambda x: x * 2, np.ones(2), mode="forward", direction=np.ones(3))


def test_missing_point_is_refused():
    with pytest.raises(ValueError, match="explain needs the point"):
        cr.explain(sigmoid)


def test_output_that_does_not_depend_on_the_inputs_is_refused():
    with pytest.raises(ValueError, match="the output does not depend on x"):
        cr.explain(lambda x: cr.tensor(3.0), 1.0)


def test_not_a_function_is_refused():
    with pytest.raises(TypeError, match="f must be a function"):
        cr.explain(3.0, 1.0)


def test_direction_without_forward_mode_is_refused():
    with pytest.raises(ValueError, match="direction= is for forward mode"):
        cr.explain(sigmoid, 0.5, direction=1.0)
