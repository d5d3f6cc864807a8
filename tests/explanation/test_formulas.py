"""Derivatives as formulas: the engine's own rules run on formula terms, tidied by SymPy."""

import sys

import numpy as np
import pytest

import chainrule as cr
from chainrule.explanation.formulas.expression import ExpressionError, parse
from chainrule.primitive import Primitive
from tests.work import in_start_ups

sympy = pytest.importorskip("sympy")

from chainrule.explanation.formulas import symbolic, terms  # noqa: E402
from chainrule.explanation.formulas.derivatives import (  # noqa: E402
    derivative_formula, symbolic_derivative, symbolic_value,
)

x, y = sympy.symbols("x y", real=True)


def equal(formula, expected):
    return sympy.simplify(sympy.sympify(formula, locals={"x": x, "y": y}) - expected) == 0


@pytest.mark.parametrize(
    "text, expected",
    [
        ("sin(cos(x))", "-sin(x)*cos(cos(x))"),
        ("(x^2 + 1)^3", "6*x*(x**2 + 1)**2"),
        ("cos((x - 2)**3)", "-3*(x - 2)**2*sin((x - 2)**3)"),
        ("x**2", "2*x"),
        ("sqrt(x)", "1/(2*sqrt(x))"),
        ("erf(x)", "2*exp(-x**2)/sqrt(pi)"),
        ("log2(x)", "1/(x*log(2))"),
        ("arctan(x)", "1/(x**2 + 1)"),
    ],
)
def test_formulas_of_the_seed_examples_read_as_in_a_textbook(text, expected):
    assert derivative_formula(text) == expected


def test_sin_squared_gives_a_form_of_2_sin_cos():
    assert equal(derivative_formula("sin(x)^2"), 2 * sympy.sin(x) * sympy.cos(x))


def test_sigmoid_derivative_is_sigma_times_one_minus_sigma_without_new_functions():
    formula = derivative_formula("sigmoid(x)")
    sigma = 1 / (1 + sympy.exp(-x))
    assert equal(formula, sigma * (1 - sigma))
    assert "cosh" not in formula


def test_the_rules_that_run_are_the_engines_not_sympys():
    # A primitive named sin whose rule says 7: the formula follows the rule, not calculus.
    odd_sin = Primitive(
        "sin", np.sin, (lambda grad_out, out, x: grad_out * 7,), (None,), symbolic="sin(x)",
        register=False,
    )
    assert derivative_formula(lambda t: odd_sin(t)) == "7"


def test_ops_take_formula_terms_and_sympy_reads_them_by_their_declarations():
    t = terms.variable("x", np.float64(0.5))
    assert symbolic.to_sympy(cr.sin(t)) == sympy.sin(x)
    assert symbolic.to_sympy(cr.maximum(t, 0)) == sympy.Max(x, 0)
    assert symbolic.to_sympy(cr.sigmoid(t)) == 1 / (1 + sympy.exp(-x))
    assert cr.sin(t).value == np.sin(0.5)


def test_numpy_inputs_keep_the_plain_path_and_its_errors():
    assert cr.sin(np.float64(0.0)) == 0.0
    with pytest.raises(TypeError):
        cr.sin("a")


def test_kinks_read_as_the_rules_take_them():
    assert derivative_formula("relu(x)") == "[x > 0]"  # 1 where x > 0, else 0: relu′(0) = 0
    assert derivative_formula("abs(x)") == "sign(x)"  # sign(0) = 0
    assert derivative_formula("leaky_relu(x, 0.1)") == "1 if x > 0 else 1/10"
    assert derivative_formula("maximum(x, y)") == "[x == y]/2 + [x > y]"  # a tie shares
    assert derivative_formula("clip(x, -1, 1)") == "[(x >= -1) & (x <= 1)]"  # bounds pass


def test_guards_that_no_sample_reaches_are_read_away():
    # erf's rule holds x at 40 beyond ±40 (x² would overflow); the samples never get there.
    assert derivative_formula("erf(x)") == "2*exp(-x**2)/sqrt(pi)"
    assert derivative_formula("logaddexp(x, y)") == "sigmoid(x - y)"  # 1/(1 + exp(y - x))


def test_arctan2_partials_name_each_argument_as_it_is_passed():
    assert derivative_formula("arctan2(y, x)", wrt="y").endswith("else x/(x**2 + y**2)")
    assert derivative_formula("arctan2(y, x)", wrt="x").endswith("else -y/(x**2 + y**2)")


@pytest.mark.parametrize(
    "text, order, expected",
    [("x**3", 2, "6*x"), ("sin(x)", 3, "-cos(x)"), ("log(x)", 4, "-6/x**4"), ("x", 2, "0")],
)
def test_higher_orders_sweep_the_engines_recorded_sweeps(text, order, expected):
    assert derivative_formula(text, order=order) == expected


def test_partial_derivatives_keep_the_other_variables_as_symbols():
    assert derivative_formula("x**2*y", wrt="y") == "x**2"
    assert derivative_formula("sin(x)*y", wrt="x") == "y*cos(x)"


def test_numbers_stay_exact():
    assert derivative_formula("0.1*x") == "1/10"
    assert derivative_formula("pi*x + e") == "pi"
    assert derivative_formula("sin(2)*x") == "sin(2)"
    assert symbolic_value("x/3 + 0.25") == x / 3 + sympy.Rational(1, 4)


def test_python_functions_are_recorded_like_formulas():
    assert equal(derivative_formula(lambda t: cr.sin(t) ** 2), sympy.sin(2 * x))
    assert symbolic_derivative(lambda t: 3.0 * t) == 3


def test_an_expression_object_is_accepted():
    assert derivative_formula(parse("exp(2*x)")) == "2*exp(2*x)"


@pytest.mark.parametrize("order", [0, 11, 1.5, True])
def test_orders_outside_one_to_ten_are_refused(order):
    with pytest.raises(ExpressionError, match="order must be an integer from 1 to 10"):
        derivative_formula("x**2", order=order)


def test_a_variable_the_formula_does_not_have_is_refused():
    with pytest.raises(ExpressionError, match="does not depend on z: its variables are x"):
        derivative_formula("sin(x)", wrt="z")


def test_high_orders_of_growing_formulas_are_refused_quickly():
    # Quickly: in a few start-ups of the interpreter, however busy the machine.
    refusal, start_ups = in_start_ups(lambda: derivative_formula("sigmoid(x)", order=10))
    assert isinstance(refusal, ExpressionError) and "too large" in str(refusal)
    assert start_ups < 10


@pytest.mark.parametrize("text", ["x*(9**999)**9", "x*2**10000", "x**10000"])
def test_huge_constant_powers_do_not_hang_the_symbolic_path(text):
    answer, start_ups = in_start_ups(derivative_formula, text)
    assert isinstance(answer, str) and len(answer) < 200
    assert start_ups < 5


def test_without_sympy_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "sympy", None)
    with pytest.raises(ModuleNotFoundError, match=r"pip install chainrule\[formulas\]"):
        derivative_formula("sin(x)")
