"""The mistake checker, the ``chainrule check`` command, and the formula parser's defences."""

import sys
import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule.cli import main
from chainrule.explanation.formulas.expression import ExpressionError, parse
from chainrule.explanation.mistakes.checker import check_derivative
from tests.work import counted_operations

HAS_SYMPY = True
try:
    import sympy  # noqa: F401
except ImportError:
    HAS_SYMPY = False


@pytest.mark.parametrize(
    "f, claim, kind, site",
    [
        ("sin(x**2)", "cos(x**2)", "inner derivative forgotten", "sin(x**2)"),
        ("exp(x**3)", "exp(x**3)", "inner derivative forgotten", "exp(x**3)"),
        ("(x**2 + 1)**3", "3*(x**2 + 1)**2", "inner derivative forgotten", "(x**2 + 1)**3"),
        ("sin(cos(x))", "cos(cos(x))", "inner derivative forgotten", "sin(cos(x))"),
        ("log(x**2 + 1)", "1/(x**2 + 1)", "inner derivative forgotten", "log(x**2 + 1)"),
        ("sin(x**2)", "cos(2*x)*2*x", "outer derivative at the inner derivative", "sin(x**2)"),
        ("sin(x**2)", "cos(2*x)", "outer derivative at the inner derivative", "sin(x**2)"),
        (
            "exp(sin(x))",
            "exp(cos(x))*cos(x)",
            "outer derivative at the inner derivative",
            "exp(sin(x))",
        ),
        ("sin(x)**2", "cos(x**2)*2*x", "inner and outer swapped", "sin(x)**2"),
        ("exp(x)**2", "exp(x**2)*2*x", "inner and outer swapped", "exp(x)**2"),
        ("sqrt(sin(x))", "cos(sqrt(x))/(2*sqrt(x))", "inner and outer swapped", "sqrt(sin(x))"),
        ("x*sin(x)", "cos(x)", "product rule", "x*sin(x)"),
        ("x*sin(x)", "sin(x)", "product rule", "x*sin(x)"),
        ("x**2*exp(x)", "2*x*exp(x)", "product rule", "x**2*exp(x)"),
        ("x/(x**2 + 1)", "(2*x**2 - (x**2 + 1))/(x**2 + 1)**2", "quotient rule", "x/(x**2 + 1)"),
        ("cos(x)", "sin(x)", "sign", "cos(x)"),
        ("cos(x**2)", "2*x*sin(x**2)", "sign", "cos(x**2)"),
        ("1/x", "1/x**2", "sign", "1/x"),
        ("-cos(x)", "-sin(x)", "dropped minus", "-cos(x)"),
        ("x - cos(x)", "1 - sin(x)", "dropped minus", "x - cos(x)"),
        ("1 - x**2", "2*x", "dropped minus", "1 - x**2"),
    ],
)
def test_each_classic_mistake_is_named_with_its_place(f, claim, kind, site):
    result = check_derivative(f, claim)
    assert not result.correct
    assert (result.mistake.kind, result.mistake.site) == (kind, site)
    assert result.mistake.explanation.startswith(f"at {site}: ")


def test_the_message_says_what_was_not_multiplied_and_the_correct_result():
    result = check_derivative("sin(x**2)", "cos(x**2)")
    assert "at sin(x**2): the inner derivative 2*x was not multiplied" in result.message
    assert result.message.startswith("wrong: d/dx sin(x**2) is not cos(x**2)\n")
    if HAS_SYMPY:
        assert result.message.endswith("correct: d/dx sin(x**2) = 2*x*cos(x**2)")
        assert result.derivative == "2*x*cos(x**2)"


def test_swapped_functions_say_which_function_was_differentiated():
    result = check_derivative("sin(x)^2", "cos(x^2)*2*x")
    assert "that is the derivative of sin(x**2)" in result.mistake.explanation


def test_a_sign_mistake_quotes_the_primitives_own_formula():
    result = check_derivative("cos(x)", "sin(x)")
    assert result.mistake.explanation == (
        "at cos(x): the derivative of cos has the wrong sign (cos′(x) = -sin(x))"
    )


@pytest.mark.parametrize(
    "f, claim",
    [
        ("sin(x)^2", "2*sin(x)*cos(x)"),
        ("sin(x)^2", "sin(2*x)"),
        ("sin(x)*cos(x)", "cos(x)^2 - sin(x)^2"),
        ("sin(x)*cos(x)", "cos(2*x)"),
        ("tan(x)", "1/cos(x)^2"),
        ("sigmoid(x)", "sigmoid(x)*(1 - sigmoid(x))"),
        ("log(x^2)", "2/x"),
        ("sqrt(x)", "1/(2*sqrt(x))"),
        ("arcsin(x)", "1/sqrt(1 - x^2)"),
        ("x^2*y", "2*x*y"),
    ],
)
def test_correct_answers_written_differently_are_accepted(f, claim):
    result = check_derivative(f, claim)
    assert result.correct, result.message
    assert result.mistake is None
    assert result.max_error < 1e-9
    assert result.message.startswith("correct: ")


def test_a_partial_derivative_by_another_variable():
    assert check_derivative("x^2*y", "x^2", wrt="y").correct
    assert not check_derivative("x^2*y", "2*x", wrt="y").correct


@pytest.mark.skipif(not HAS_SYMPY, reason="SymPy is not installed")
def test_sympy_confirms_and_catches_what_the_numbers_cannot_see():
    assert check_derivative("sin(x)^2", "sin(2*x)").symbolic is True
    result = check_derivative("exp(x)", "exp(x) + 1e-12")
    assert not result.correct
    assert result.symbolic is False
    assert "SymPy finds claim − derivative = 1/1000000000000" in result.message


def test_points_can_be_given_and_only_points_inside_the_domain_count():
    result = check_derivative("log(x)", "1/x", points=[-1.0, 0.5, 2.0])
    assert result.correct
    assert result.points == {"x": (0.5, 2.0)}
    np.testing.assert_allclose(result.derivative_values, [2.0, 0.5])


def test_a_function_defined_nowhere_near_the_points_is_bad_input():
    with pytest.raises(ExpressionError, match="not finite at 64 of 64 sample points"):
        check_derivative("log(-x^2 - 1)", "1")


def test_a_claim_with_another_variable_is_bad_input():
    with pytest.raises(ExpressionError, match="the claim: 'cos\\(y\\)' uses y"):
        check_derivative("sin(x)", "cos(y)")


def test_mistaken_derivatives_outside_the_domain_raise_no_numpy_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = check_derivative("(y/(x/x))/(relu(3) + 2**x) + 3", "1")
        assert not result.correct
        check_derivative("expm1(erfc(pi/x)**-1)", "1")


def test_python_functions_are_checked_too():
    assert check_derivative(lambda x: cr.sin(x**2), lambda x: 2 * x * cr.cos(x**2)).correct
    result = check_derivative(lambda x: cr.sin(x**2), "cos(x**2)")
    assert not result.correct
    assert "give the function as a formula" in result.message
    assert check_derivative("sin(x**2)", lambda x: np.cos(x**2)).mistake.kind == (
        "inner derivative forgotten"
    )


def test_without_sympy_the_check_runs_on_numbers_and_says_how_to_get_formulas(monkeypatch):
    monkeypatch.setitem(sys.modules, "sympy", None)
    result = check_derivative("sin(x^2)", "cos(x^2)")
    assert (result.derivative, result.symbolic) == (None, None)
    assert result.mistake.explanation == (
        "at sin(x**2): the inner derivative d/dx(x**2) was not multiplied"
    )
    assert "pip install chainrule[formulas]" in result.message
    assert check_derivative("sin(x)^2", "sin(2*x)").correct


def run_check(capsys, *args):
    """Status, stdout, stderr and the chainrule operations ``chainrule check ARGS`` did."""
    with counted_operations() as operations:
        status = main(["check", *args])
    out, err = capsys.readouterr()
    return status, out, err, operations[0]


def test_check_command_exits_0_when_right_and_1_when_wrong(capsys):
    status, out, err, _ = run_check(capsys, "sin(x**2)", "--claim", "2*x*cos(x**2)")
    assert (status, err) == (0, "")
    assert out.startswith("correct: d/dx sin(x**2) = 2*x*cos(x**2)\n")
    status, out, err, _ = run_check(capsys, "x^2*y", "--claim", "cos(x**2)", "--wrt", "y")
    assert (status, err) == (1, "")
    assert out.startswith("wrong: d/dy (x^2*y) is not cos(x**2)\n")


HOSTILE = [
    "__import__('os').system('ls')",
    "x.real",
    "(1).__class__",
    "lambda x: x",
    "[x for x in y]",
    "{'a': 1}",
    "'text'",
    "x if y else z",
    "+".join(["x"] * 20_000),
    "9**9**9**9",
    "9^9^9^9",
    "x**(9**9)",
    "(" * 200 + "x" + ")" * 200,
    "-" * 900 + "x",
    "1" * 400,
    "sin(x",
    "sin(x, y, z)",
    "",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize("place", ["expression", "claim"])
def test_hostile_input_is_refused_at_once_in_one_line_with_status_2(capsys, text, place):
    args = [text, "--claim", "1"] if place == "expression" else ["x", "--claim", text]
    status, out, err, operations = run_check(capsys, *args)
    assert status == 2
    assert operations == 0  # at once: refused as it is read, before any evaluation
    assert out == ""
    assert err.startswith("chainrule check: ") and err.count("\n") == 1
    assert "Traceback" not in err


def test_check_needs_a_claim(capsys):
    status, _, err, _ = run_check(capsys, "sin(x)")
    assert status == 2
    assert "the following arguments are required: --claim" in err


def test_parse_errors_give_the_column_as_typed():
    with pytest.raises(ExpressionError, match="at column 4"):
        parse("sin(x")
    with pytest.raises(ExpressionError, match="unknown function 'foo'.*at column 7"):
        parse("x^2 + foo(x)")
    with pytest.raises(ExpressionError, match="not allowed in a formula.*at column 5"):
        parse("  x*y.z")


def test_caret_is_a_power_with_the_precedence_of_a_power():
    assert float(parse("x^2 + 1")(3.0)) == 10.0
    assert float(parse("-x^2")(3.0)) == -9.0
    assert float(parse("2^3^2")()) == 512.0


def test_constant_exponents_and_numbers_are_bounded():
    with pytest.raises(
        ExpressionError, match="the exponent 9 \\*\\* 9 = 3.8742e\\+08 is too large"
    ):
        parse("9**9**9**9")
    with pytest.raises(ExpressionError, match="a number in the formula is too large"):
        parse("1e999*x")
    assert parse("x**10000").variables == ("x",)


@pytest.mark.parametrize(
    "text, message",
    [
        ("gelu(x, 2)", "gelu\\(\\) takes 1 argument, got 2 \\(at column 1\\)"),
        ("x**clip(2)", "clip\\(\\) takes 3 arguments, got 1 \\(at column 4\\)"),
        ("max(x)", "max\\(\\) takes 2 arguments, got 1"),
    ],
)
def test_function_calls_with_the_wrong_number_of_arguments_are_refused(text, message):
    with pytest.raises(ExpressionError, match=message):
        parse(text)


def test_an_argument_the_op_refuses_is_bad_input_too():
    with pytest.raises(ExpressionError, match="softplus\\(\\): softplus needs a nonzero beta"):
        parse("softplus(x, 0)")(1.0)


@pytest.mark.parametrize("text", ["2in x", "0b1or x", "1if x else 2"])
def test_reading_odd_input_never_warns(text):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ExpressionError, match="is not allowed in a formula"):
            parse(text)


def test_python_numbers_are_evaluated_as_numpy_floats():
    with np.errstate(all="ignore"):
        assert parse("reciprocal(x)")(0.0) == np.inf
        assert np.isnan(parse("(-pi)^pi * x")(1.0))
