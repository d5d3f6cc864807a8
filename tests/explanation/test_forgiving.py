"""Honest answers at bad points, forgiving input, pasteable output, and functions that never
reach chainrule: each command of the issue's "Why" list, and the round trip of every printed
derivative through ``check``."""

import contextlib
import io
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import chainrule as cr
from chainrule.cli import main
from chainrule.explanation.bad_points import PointWarning, point_notes
from chainrule.explanation.formulas.expression import ARGUMENTS, FUNCTIONS, ExpressionError, parse
from chainrule.explanation.mistakes.checker import check_derivative
from chainrule.explanation.untraced import UntracedError

sympy = pytest.importorskip("sympy")


def run(capsys, *args):
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def refused(capsys, *args):
    status, out, err = run(capsys, *args)
    assert status == 2 and out == "" and err.count("\n") == 1, (status, out, err)
    assert "Traceback" not in err and "zoo" not in err
    return err


# Honest answers at bad points.


@pytest.mark.parametrize(
    "args, expected",
    [
        (("diff", "log(x)", "--at", "x=-1"),
         "chainrule diff: undefined at x = -1: log(x) is the log of a negative number (-1)\n"),
        (("diff", "log(x)", "--at", "x=0"),
         "chainrule diff: undefined at x = 0: log(x) is the log of 0\n"),
        (("diff", "1/x", "--at", "x=0"),
         "chainrule diff: undefined at x = 0: 1 / x is a division by 0\n"),
        (("diff", "x + 0/0"),
         "chainrule diff: undefined for every value: 0 / 0 is 0/0, which has no value\n"),
        (("diff", "1/0*x"),
         "chainrule diff: undefined for every value: 1 / 0 is a division by 0\n"),
        (("diff", "x + 0/0", "--at", "x=1"),
         "chainrule diff: undefined at x = 1: 0 / 0 is 0/0, which has no value\n"),
        (("diff", "sqrt(x)", "--at", "x=-1"),
         "chainrule diff: undefined at x = -1: sqrt(x) is the square root of a negative number "
         "(-1)\n"),
        (("diff", "sqrt(x)", "--at", "x=0"),
         "chainrule diff: the derivative is undefined at x = 0: sqrt(x) has an infinite slope (a "
         "vertical tangent)\n"),
        (("diff", "exp(x) - exp(x)", "--at", "x=1000"),
         "chainrule diff: undefined at x = 1000: exp(x) is too large for a float (an overflow)\n"),
        (("explain", "log(x)", "--at", "x=-1"),
         "chainrule explain: undefined at x = -1: log(x) is the log of a negative number (-1)\n"),
    ],
)
def test_an_undefined_step_is_named_in_one_line_with_status_2(capsys, args, expected):
    assert refused(capsys, *args) == expected


@pytest.mark.parametrize(
    "formula, at, value, note",
    [
        ("abs(x)", "x=0", "0",
         "note: abs(x) is at a kink, a corner at 0 (slopes -1 and 1); chainrule takes the "
         "derivative 0"),
        ("relu(x)", "x=0", "0",
         "note: relu(x) is at a kink, a corner at 0 (slopes 0 and 1); chainrule takes the "
         "derivative 0"),
        ("max(x, 1)", "x=1", "0.5",
         "note: maximum(x, 1) is at a kink, a tie (both arguments are equal); chainrule takes "
         "the derivative 0.5"),
        ("clip(x, 0, 1)", "x=1", "1",
         "note: clip(x, 0, 1) is at a kink, a corner at its bound; chainrule takes the "
         "derivative 1"),
    ],
)
def test_a_kink_gives_the_value_and_names_the_convention(capsys, formula, at, value, note):
    status, out, err = run(capsys, "diff", formula, "--at", at)
    assert status == 0 and err == ""
    assert out.splitlines()[2:] == [f"  df/dx = {value}", note]


def test_away_from_bad_points_there_is_no_note(capsys):
    status, out, _ = run(capsys, "diff", "abs(x) + relu(x)", "--at", "x=0.5")
    assert status == 0 and "note" not in out


def test_explain_names_a_kink_below_its_tables(capsys):
    status, out, _ = run(capsys, "explain", "relu(x)", "--at", "x=0")
    assert status == 0
    assert out.splitlines()[-1].startswith("note: relu(x) is at a kink, a corner at 0")


def test_inf_minus_inf_is_named():
    x = cr.tensor(np.inf, requires_grad=True)
    with np.errstate(all="ignore"):
        out = x - x
    assert [str(note) for note in point_notes([out], {x.node: "x"})] == [
        "x - x is undefined here: inf - inf, which has no value"
    ]


def test_the_python_api_gives_the_notes_as_a_field_and_a_warning():
    with pytest.warns(PointWarning, match=r"log\(x\) is undefined here: the log of a negative"):
        with np.errstate(all="ignore"):
            explanation = cr.explain(lambda x: cr.log(x), -1.0)
    assert [(note.kind, note.step) for note in explanation.notes] == [("undefined", "log(x)")]
    with pytest.warns(PointWarning, match=r"abs\(x\) is at a kink, a corner at 0"):
        explanation = cr.explain(lambda x: cr.abs(x) * 3, 0.0)
    assert [(note.kind, note.step) for note in explanation.notes] == [("kink", "abs(x)")]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cr.explain(lambda x: cr.abs(x) * 3, 1.0).notes == []


def test_array_steps_are_read_too():
    rows = np.array([[1.0, 2.0], [1.0, 0.0]])
    with pytest.warns(PointWarning):
        explanation = cr.explain(lambda x: cr.sum(cr.max(x, axis=0)), rows)
    assert [(note.kind, note.step) for note in explanation.notes] == [
        ("kink", "max(x, axis=(0,))")
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error", PointWarning)
        assert cr.explain(lambda x: cr.sum(cr.max(x, axis=1)), rows).notes == []
    with pytest.warns(PointWarning), np.errstate(all="ignore"):
        explanation = cr.explain(lambda x: cr.sum(cr.sqrt(x)), np.array([0.0, 1.0]))
    assert [(note.kind, note.step) for note in explanation.notes] == [("no derivative", "sqrt(x)")]


# Forgiving input.


@pytest.mark.parametrize(
    "args, expected",
    [
        (("diff", "-x^2"), "df/dx = -2*x\n"),
        (("diff", "-x^2", "--at", "x=-1"), "f(x) = -x^2\nat x = -1:\n  df/dx = 2\n"),
        (("diff", "--at", "x=1", "-x^2"), "f(x) = -x^2\nat x = 1:\n  df/dx = -2\n"),
        (("diff", "sin(π*x)"), "df/dx = pi*cos(pi*x)\n"),
        (("diff", "sin(pi*x) + e^x"), "df/dx = exp(x) + pi*cos(pi*x)\n"),
        (("diff", "2x"), "df/dx = 2\n"),
        (("diff", "3sin(x)"), "df/dx = 3*cos(x)\n"),
        (("diff", "(x+1)(x-1)"), "df/dx = 2*x\n"),
        (("diff", "2πx"), "df/dx = 2*pi\n"),
        (("diff", "sec(x)"), "df/dx = sin(x)/cos(x)**2\n"),
        (("diff", "arccot(x)"), "df/dx = -1/(x**2 + 1)\n"),
        (("diff", "+".join(["x"] * 66)), "df/dx = 66\n"),
        (("diff", "*".join(["x"] * 66), "--at", "x=1"),
         f"f(x) = {'*'.join(['x'] * 66)}\nat x = 1:\n  df/dx = 66\n"),
    ],
)
def test_ordinary_input_is_read(capsys, args, expected):
    status, out, err = run(capsys, *args)
    assert (status, err) == (0, "")
    assert out == expected


@pytest.mark.parametrize(
    "claim", [["--claim", "-cos(cos(x))*sin(x)"], ["--claim=-sin(x)*cos(cos(x))"]]
)
def test_a_claim_may_start_with_a_minus(capsys, claim):
    status, out, _ = run(capsys, "check", "sin(cos(x))", *claim)
    assert status == 0 and out.startswith("correct: ")


def test_a_leading_minus_still_leaves_options_and_their_errors_alone(capsys):
    err = refused(capsys, "diff", "x^2", "--order", "-1")
    assert "argument --order: expected an integer from 1 to 10, got '-1'" in err
    status, out, _ = run(capsys, "explain", "-x^2", "--at", "x=2")
    assert status == 0 and out.startswith("-x^2 at x = 2: primal trace")


@pytest.mark.parametrize(
    "name, same",
    [
        ("sec", lambda x: 1 / np.cos(x)),
        ("csc", lambda x: 1 / np.sin(x)),
        ("cot", lambda x: np.cos(x) / np.sin(x)),
        ("sech", lambda x: 1 / np.cosh(x)),
        ("csch", lambda x: 1 / np.sinh(x)),
        ("coth", lambda x: np.cosh(x) / np.sinh(x)),
        ("arcsec", lambda x: np.arccos(1 / x)),
        ("arccsc", lambda x: np.arcsin(1 / x)),
        ("arccot", lambda x: np.pi / 2 - np.arctan(x)),
    ],
)
def test_the_common_names_are_their_compositions(name, same):
    for x in (1.3, -2.5):
        assert float(parse(f"{name}(x)")(x)) == pytest.approx(same(x), rel=1e-14)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2x^2", "2*x**2"),
        ("3sin(πx)", "3*sin(pi*x)"),
        ("x sin(x)", "x *sin(x)"),
        ("π cos(πx)", "pi *cos(pi*x)"),
        ("π(x+1)", "pi*(x+1)"),
        ("x 2", None),  # a number after a name stays a syntax error
        ("sin(x)cos(x)", "sin(x)*cos(x)"),
        ("2(x+1)(x-1)", "2*(x+1)*(x-1)"),
        ("2e", "2*e"),
        ("2e3x", "2e3*x"),
        ("x2", "x2"),
        ("1 if x > 0 else 2", "1 if x > 0 else 2"),
        ("−x × 2 · y ÷ 3", "-x * 2 * y / 3"),
    ],
)
def test_implicit_products_and_typed_symbols_are_written_out(text, expected):
    if expected is None:
        with pytest.raises(ExpressionError, match="write products with \\*"):
            parse(text)
    else:
        assert parse(text).source == expected


@pytest.mark.parametrize(
    "text, column, words",
    [
        ("1/2x", 4, "right after '/'"),
        ("x/2 y", 5, "right after '/'"),
        ("1/(x+1)(x-1)", 8, "right after '/'"),
        ("x^2y", 4, "in an exponent"),
    ],
)
def test_an_ambiguous_implicit_product_is_refused_with_its_column(text, column, words):
    with pytest.raises(ExpressionError, match=f"is ambiguous: .*{words}.*at column {column}"):
        parse(text)


def test_a_function_without_brackets_is_refused_with_the_fix():
    with pytest.raises(ExpressionError, match=r"sin needs brackets .* sin\(x\) \(at column 5\)"):
        parse("sin x")


def test_a_variable_called_like_a_function_suggests_the_product():
    with pytest.raises(ExpressionError, match=r"x is not a function; .* x\*\(\.\.\.\) \(at col"):
        parse("x(x+1)")


def test_conditions_read_back_as_chainrule_prints_them():
    assert float(parse("[x > 0]")(2.0)) == 1.0
    assert float(parse("[(x >= 0) & (x <= 1)]")(2.0)) == 0.0
    assert float(parse("1 if x > 0 else 1/10")(-1.0)) == 0.1
    assert float(parse("[x == y]/2 + [x > y]")(1.0, 1.0)) == 0.5
    with pytest.raises(ExpressionError, match="a condition is not a number; write \\[x > 0\\]"):
        parse("x > 0")


# Pasteable output: every derivative chainrule prints reads back, and check agrees with it.


def _formulas():
    for name in sorted(FUNCTIONS):
        fewest, most = ARGUMENTS.get(name, (1, 1))
        for count in sorted({fewest, most}):
            if name == "clip":
                yield "clip(x, -1, 1)"
            elif count == 2 and name in ("leaky_relu", "elu", "softplus"):
                yield f"{name}(x, 0.5)"
            else:
                yield f"{name}({', '.join('xy'[:count])})"
    yield from ["sin(x)^2*exp(-x)", "x^x", "abs(x)*e", "sigmoid(relu(x))", "sec(x)*tan(x)"]


@pytest.mark.parametrize("formula", list(_formulas()))
def test_every_printed_derivative_is_checked_right_when_pasted_back(capsys, formula):
    status, out, err = run(capsys, "diff", formula)
    assert status == 0, err
    for line in out.splitlines():
        label, _, derivative = line.partition(" = ")
        assert not any(word in derivative for word in ("Abs", "Max", "Min", "zoo", "E*", "E)"))
        wrt = label.split("/")[-1].lstrip("∂d")
        status, verdict, err = run(capsys, "check", formula, "--claim", derivative, "--wrt", wrt)
        assert status == 0, (formula, derivative, verdict, err)


def test_formulas_are_printed_in_the_input_language(capsys):
    assert run(capsys, "diff", "abs(x)*e")[1] == "df/dx = e*sign(x)\n"
    out = run(capsys, "diff", "arctan2(y, x)")[1]
    assert "max(abs(x), abs(y))" in out


def test_local_derivatives_are_simplified(capsys):
    status, out, _ = run(capsys, "explain", "x^2", "--at", "x=3")
    assert status == 0 and "∂v2/∂v1 = 2*v1" in out


# Functions that never reach chainrule.


def test_explain_of_a_math_function_says_it_never_reached_chainrule():
    with pytest.raises(UntracedError, match=r"never reached chainrule.*math\.sin.*cr\.sin\(x\)"):
        cr.explain(lambda x: math.sin(x), 0.5)


def test_check_derivative_of_a_math_function_says_it_never_reached_chainrule():
    with pytest.raises(UntracedError, match=r"never reached chainrule.*np\.sin\(x\)"):
        check_derivative(lambda x: math.sin(x), "cos(x)")


def test_a_traced_function_is_still_checked():
    assert check_derivative(lambda x: cr.sin(x), "cos(x)").correct


UNARY = ["sin", "cos", "exp", "tanh", "sigmoid", "abs", "relu", "sec", "arctan", "softplus"]


@st.composite
def formulas(draw, depth=2):
    if depth == 0:
        return draw(st.sampled_from(["x", "2x", "x^2", "π*x", "e^x", "-x"]))
    kind = draw(st.sampled_from(["call", "sum", "product", "leaf"]))
    if kind == "leaf":
        return draw(formulas(0))
    if kind == "call":
        return f"{draw(st.sampled_from(UNARY))}({draw(formulas(depth - 1))})"
    left, right = draw(formulas(depth - 1)), draw(formulas(depth - 1))
    return f"{left} + {right}" if kind == "sum" else f"({left})({right})"


@settings(max_examples=25, deadline=None, derandomize=True)
@given(formulas())
def test_random_compositions_read_back_as_right(formula):
    status, out, err = _run_quietly("diff", formula)
    assert status == 0, err
    derivative = out.partition(" = ")[2].strip()
    status, verdict, err = _run_quietly("check", formula, "--claim", derivative)
    assert status == 0, (formula, derivative, verdict, err)


def _run_quietly(*args):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()
