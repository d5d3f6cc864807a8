"""Rule-named symbolic steps (``explain(...).steps()``, ``chainrule diff --steps``): golden texts
for every seed example, and the steps' derivative is the engine's."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.cli import main
from chainrule.explanation.derivation.reading import formula_steps
from chainrule.explanation.derivation.vocabulary import derivative_name, rule_name

sympy = pytest.importorskip("sympy")

SIN_COS = """\
f(x) = sin(cos(x))
chain rule: outer sin(u), inner u = cos(x): df/dx = df/du · du/dx
  derivative of sin: df/du = cos(u)
  derivative of cos: du/dx = d/dx cos(x) = -sin(x)
  multiply: df/dx = cos(u) · (-sin(x))
  substitute u = cos(x): df/dx = -sin(x)*cos(cos(x))
df/dx = -sin(x)*cos(cos(x))
"""  # noqa: E501

SIN_SQUARED = """\
f(x) = sin(x)^2
chain rule: outer u**2, inner u = sin(x): df/dx = df/du · du/dx
  power rule: df/du = 2*u
  derivative of sin: du/dx = d/dx sin(x) = cos(x)
  multiply: df/dx = 2*u · cos(x)
  substitute u = sin(x): df/dx = 2*sin(x)*cos(x)
df/dx = 2*sin(x)*cos(x)
"""  # noqa: E501

LOG_SIN = """\
f(x) = log(sin(x))
chain rule: outer log(u), inner u = sin(x): df/dx = df/du · du/dx
  log rule: df/du = 1/u
  derivative of sin: du/dx = d/dx sin(x) = cos(x)
  multiply: df/dx = 1/u · cos(x)
  substitute u = sin(x): df/dx = cos(x)/sin(x)
df/dx = cos(x)/sin(x)
"""  # noqa: E501

SQUARE_PLUS_ONE_CUBED = """\
f(x) = (x^2 + 1)^3
chain rule: outer u**3, inner u = x**2 + 1: df/dx = df/du · du/dx
  power rule: df/du = 3*u**2
  sum rule: du/dx = d/dx (x**2 + 1) = dv/dx, where v = x**2
    power rule: dv/dx = d/dx (x**2) = 2*x
    so du/dx = 2*x
  multiply: df/dx = 3*u**2 · 2*x
  substitute u = x**2 + 1: df/dx = 6*x*(x**2 + 1)**2
df/dx = 6*x*(x**2 + 1)**2
"""  # noqa: E501

X_MINUS_TWO_SQUARED = """\
f(x) = (x - 2)^2
chain rule: outer u**2, inner u = x - 2: df/dx = df/du · du/dx
  power rule: df/du = 2*u
  sum rule: du/dx = d/dx (x - 2) = 1
  multiply: df/dx = 2*u · 1
  substitute u = x - 2: df/dx = 2*x - 4
df/dx = 2*x - 4
"""  # noqa: E501

COS_CUBE = """\
f(x) = cos((x - 2)^3)
chain rule: outer cos(u), inner u = (x - 2)**3: df/dx = df/du · du/dx
  derivative of cos: df/du = -sin(u)
  chain rule: outer v**3, inner v = x - 2: du/dx = du/dv · dv/dx
    power rule: du/dv = 3*v**2
    sum rule: dv/dx = d/dx (x - 2) = 1
    multiply: du/dx = 3*v**2 · 1
    substitute v = x - 2: du/dx = 3*(x - 2)**2
  multiply: df/dx = (-sin(u)) · 3*(x - 2)**2
  substitute u = (x - 2)**3: df/dx = -3*(x - 2)**2*sin((x - 2)**3)
df/dx = -3*(x - 2)**2*sin((x - 2)**3)
"""  # noqa: E501

SIGMOID_IN_STEPS = """\
S(x) = 1/(1 + exp(-1*x))
quotient rule: dS/dx = d/dx (1/u) = (-1/u**2)·du/dx, where u = 1 + exp(-1*x)
  sum rule: du/dx = d/dx (1 + exp(-1*x)) = dv/dx, where v = exp(-1*x)
    chain rule: outer exp(w), inner w = -1*x: dv/dx = dv/dw · dw/dx
      exponential rule: dv/dw = exp(w)
      constant multiple rule: dw/dx = d/dx (-1*x) = -1
      multiply: dv/dx = exp(w) · (-1)
      substitute w = -1*x: dv/dx = -exp(-x)
    so du/dx = -exp(-x)
  so dS/dx = (-1/u**2)·(-exp(-x))
  substitute u = 1 + exp(-1*x): dS/dx = exp(-x)/(1 + exp(-x))**2
  simplify: dS/dx = exp(x)/(exp(x) + 1)**2
dS/dx = exp(x)/(exp(x) + 1)**2
that is, in terms of the sigmoid itself: dS/dx = (1 - sigmoid(x))*sigmoid(x)
"""  # noqa: E501

WEATHER = """\
f(g(t)), with g(t) = (t, t**2, t**3) and f(x, y, z) = x**2 + 5*y + 10*z + x*y*z
multivariable chain rule, a sum over the paths through x, y, z:
  df/dt = ∂f/∂x·dx/dt + ∂f/∂y·dy/dt + ∂f/∂z·dz/dt
  sum rule: ∂f/∂x = ∂/∂x (x**2 + 5*y + 10*z + x*y*z) = ∂u/∂x + ∂v/∂x, where u = x**2, v = x*y*z
    power rule: ∂u/∂x = ∂/∂x (x**2) = 2*x
    constant multiple rule: ∂v/∂x = ∂/∂x (w*z) = z·∂w/∂x, where w = x*y
      constant multiple rule: ∂w/∂x = ∂/∂x (x*y) = y
      so ∂v/∂x = z·y
    so ∂f/∂x = 2*x + y*z
  dx/dt = 1
  sum rule: ∂f/∂y = ∂/∂y (x**2 + 5*y + 10*z + x*y*z) = ∂u/∂y + ∂v/∂y, where u = 5*y, v = x*y*z
    constant multiple rule: ∂u/∂y = ∂/∂y (5*y) = 5
    constant multiple rule: ∂v/∂y = ∂/∂y (w*z) = z·∂w/∂y, where w = x*y
      constant multiple rule: ∂w/∂y = ∂/∂y (x*y) = x
      so ∂v/∂y = z·x
    so ∂f/∂y = x*z + 5
  power rule: dy/dt = d/dt (t**2) = 2*t
  sum rule: ∂f/∂z = ∂/∂z (x**2 + 5*y + 10*z + x*y*z) = ∂u/∂z + ∂v/∂z, where u = 10*z, v = x*y*z
    constant multiple rule: ∂u/∂z = ∂/∂z (10*z) = 10
    constant multiple rule: ∂v/∂z = ∂/∂z (x*y*z) = x*y
    so ∂f/∂z = x*y + 10
  power rule: dz/dt = d/dt (t**3) = 3*t**2
  so df/dt = (2*x + y*z)·1 + (x*z + 5)·2*t + (x*y + 10)·3*t**2
  substitute x = t, y = t**2, z = t**3: df/dt = t**5 + 3*t**2*(t**3 + 10) + 2*t*(t**4 + 5) + 2*t
  simplify: df/dt = 6*t**5 + 30*t**2 + 12*t
df/dt = 6*t**5 + 30*t**2 + 12*t
"""  # noqa: E501

NETWORK = """\
J(W1, W2, X, Y) = Y - 1/(1 + exp(-(W2*(1/(1 + exp(-(W1*X)))))))
1/(1 + exp(-(W1*X))) is the sigmoid s1 = sigmoid(W1*X): sigmoid's own rule differentiates it
1/(1 + exp(-(W2*(1/(1 + exp(-(W1*X))))))) is the sigmoid s2 = sigmoid(W2*s1):
  sigmoid's own rule differentiates it
sum rule: ∂J/∂W1 = ∂/∂W1 (Y - s2) = -∂s2/∂W1
  chain rule: outer sigmoid(u), inner u = W2*s1: ∂s2/∂W1 = ∂s2/∂u · ∂u/∂W1
    derivative of sigmoid: ∂s2/∂u = (1 - sigmoid(u))*sigmoid(u)
    constant multiple rule: ∂u/∂W1 = ∂/∂W1 (W2*s1) = W2·∂s1/∂W1
      chain rule: outer sigmoid(v), inner v = W1*X: ∂s1/∂W1 = ∂s1/∂v · ∂v/∂W1
        derivative of sigmoid: ∂s1/∂v = (1 - sigmoid(v))*sigmoid(v)
        constant multiple rule: ∂v/∂W1 = ∂/∂W1 (W1*X) = X
        multiply: ∂s1/∂W1 = (1 - sigmoid(v))*sigmoid(v) · X
        substitute v = W1*X: ∂s1/∂W1 = X*s1*(1 - s1)
      so ∂u/∂W1 = W2·X*s1*(1 - s1)
    multiply: ∂s2/∂W1 = (1 - sigmoid(u))*sigmoid(u) · W2*X*s1*(1 - s1)
    substitute u = W2*s1: ∂s2/∂W1 = W2*X*s1*s2*(1 - s1)*(1 - s2)
  so ∂J/∂W1 = -W2*X*s1*s2*(1 - s1)*(1 - s2)
∂J/∂W1 = -W2*X*s1*s2*(1 - s1)*(1 - s2), where s1 = sigmoid(W1*X), s2 = sigmoid(W2*s1)
in full: ∂J/∂W1 =
  -W2*X*(1 - sigmoid(W1*X))*(1 - sigmoid(W2*sigmoid(W1*X)))*sigmoid(W1*X)*sigmoid(W2*sigmoid(W1*X))
"""  # noqa: E501

SEED_FORMULAS = {
    "sin(cos(x))": SIN_COS,  # seed 000: a common example of the chain rule
    "sin(x)^2": SIN_SQUARED,  # seed 000: inner sin(x), outer x²
    "log(sin(x))": LOG_SIN,  # seed 000: a transcendental composite
    "(x^2 + 1)^3": SQUARE_PLUS_ONE_CUBED,  # seed 001: y = u³, u = x² + 1
    "(x - 2)^2": X_MINUS_TWO_SQUARED,  # seed 002: h∘g with g(x) = x − 2
    "cos((x - 2)^3)": COS_CUBE,  # seed 002: i∘(h∘g)
}


@pytest.mark.parametrize("formula", SEED_FORMULAS)
def test_seed_formulas_are_derived_rule_by_rule(formula):
    assert formula_steps(formula).text() + "\n" == SEED_FORMULAS[formula]


def S(x):  # seed 002's sigmoid, one operation a step
    a = -1 * x
    b = cr.exp(a)
    c = 1 + b
    d = 1 / c
    return d


def test_the_sigmoid_in_four_steps_is_derived_as_seed_002_does():
    assert cr.explain(S, 0.5).steps().text() + "\n" == SIGMOID_IN_STEPS


def g(t):
    return t, t**2, t**3


def f(x, y, z):
    return x**2 + 5 * y + 10 * z + x * y * z


def test_the_weather_example_is_a_sum_over_paths_along_g():
    derivation = cr.explain([g, f], 2.0).steps()
    assert derivation.text() + "\n" == WEATHER
    assert derivation.derivatives == {"t": "6*t**5 + 30*t**2 + 12*t"}


def sigmoid(x):
    return 1 / (1 + cr.exp(-x))


def network(W1, W2, X):
    h = sigmoid(W1 * X)
    return sigmoid(W2 * h), h


def J(W1, W2, X, Y):
    Y_hat, _ = network(W1, W2, X)
    return Y - Y_hat


def test_the_seed_network_derivative_is_written_with_sigmoid_factors():
    derivation = cr.explain(J, 0.3, -1.2, 0.8, 1.0, wrt="W1").steps()
    assert derivation.text() + "\n" == NETWORK
    assert "exp" not in derivation.derivatives["W1"]
    # The formula gives the engine's number.
    s1 = 1 / (1 + np.exp(-0.3 * 0.8))
    s2 = 1 / (1 + np.exp(1.2 * s1))
    W2, X = -1.2, 0.8
    by_steps = -W2 * X * s1 * (1 - s1) * s2 * (1 - s2)
    assert by_steps == pytest.approx(float(cr.grad(J)(0.3, -1.2, 0.8, 1.0)))


AGREEING = [
    "sin(cos(x))",
    "(x^2 + 1)^3",
    "x*sin(x)",
    "exp(x)*sin(x)/x",
    "1/(1 + exp(-x))",
    "x^x",
    "2^x",
    "sqrt(1 + tan(x)^2)",
    "log(x^2 + 1) - 3*x + 7",
    "tanh(sigmoid(x))*x",
    "arctan(x/2)^2",
]


@pytest.mark.parametrize("formula", AGREEING)
def test_the_steps_end_at_the_engines_derivative(formula):
    from chainrule.explanation.formulas.derivatives import symbolic_derivative
    from chainrule.explanation.formulas.symbolic import exact_floats

    found = sympy.sympify(
        formula_steps(formula).derivatives["x"],
        locals={"x": sympy.Symbol("x", real=True), "sigmoid": lambda u: 1 / (1 + sympy.exp(-u))},
    )
    assert sympy.simplify(found - exact_floats(symbolic_derivative(formula))) == 0


def test_each_rule_is_named_from_the_op_kind():
    assert rule_name("add", [0, 1], 2) == "sum rule"
    assert rule_name("multiply", [0], 2) == "constant multiple rule"
    assert rule_name("multiply", [0, 1], 2) == "product rule"
    assert rule_name("divide", [0, 1], 2) == "quotient rule"
    assert rule_name("divide", [0], 2) == "constant multiple rule"
    assert rule_name("power", [0], 2) == "power rule"
    assert rule_name("power", [1], 2) == "exponential rule"
    assert rule_name("log", [0], 1) == "log rule"
    assert rule_name("maximum", [0, 1], 2) == "multivariable chain rule"
    text = formula_steps("x*sin(x) + x^2/cos(x)").text()
    for rule in ("sum rule", "product rule", "quotient rule", "power rule"):
        assert rule in text


def test_a_function_of_several_variables_gets_partial_derivatives_in_the_users_names():
    derivation = formula_steps("x^2*y")
    assert derivation.derivatives == {"x": "2*x*y", "y": "x**2"}
    assert "∂f/∂x = 2*x*y" in derivation.text().splitlines()
    assert derivative_name("J", "W1", single=False) == "∂J/∂W1"


def test_steps_of_a_function_of_arrays_are_refused_with_the_reason():
    with pytest.raises(ValueError, match="single numbers"):
        cr.explain(lambda x: cr.sum(x**2), np.ones(3)).steps()


def test_the_steps_as_data():
    data = formula_steps("sin(x)^2").to_dict()
    assert data["derivatives"] == {"x": "2*sin(x)*cos(x)"}
    assert data["steps"][1] == {
        "depth": 0,
        "text": "chain rule: outer u**2, inner u = sin(x): df/dx = df/du · du/dx",
    }


def test_diff_steps_on_the_command_line(capsys):
    assert main(["diff", "(x^2 + 1)^3", "--steps"]) == 0
    assert capsys.readouterr().out == SQUARE_PLUS_ONE_CUBED


def test_diff_steps_with_a_point_also_gives_the_value(capsys):
    assert main(["diff", "x^2*y", "--steps", "--wrt", "y", "--at", "x=1,y=2"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "  ∂f/∂y = 1"


def test_diff_steps_of_a_higher_order_is_one_line_and_exit_two(capsys):
    assert main(["diff", "sin(x)", "--steps", "--order", "2"]) == 2
    captured = capsys.readouterr()
    assert captured.err.strip() == (
        "chainrule diff: --steps derives first derivatives; leave out --order"
    )


def test_docs_show_the_steps_explain_prints():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "explain.md").read_text("utf-8")
    section = text.split("## Rule-named steps", 1)[1]
    shown = section.split("```text\n", 1)[1].split("```", 1)[0]
    assert cr.explain("(x**2 + 1)**3", 0.5).steps().text() + "\n" == shown


def test_explain_graph_and_steps_name_the_derivative_alike():
    point = (0.3, -1.2, 0.8, 1.0)
    text = cr.explain(J, *point, wrt="W1").text()
    assert "  ∂J/∂W1      reverse  " in text
    assert '= ∂J/∂W1"' in cr.draw_graph(J, *point).dot
    assert (
        "∂J/∂W1 = -W2*X*s1*s2*(1 - s1)*(1 - s2)" in cr.explain(J, *point, wrt="W1").steps().text()
    )
    formula = cr.explain("x1*x2 + sin(x1)", 2.0, 5.0)
    assert [d["name"] for d in formula.to_dict()["derivatives"]] == ["∂f/∂x1", "∂f/∂x2"]
