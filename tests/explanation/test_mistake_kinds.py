"""The mistake checker names every classic mistake: the new kinds on several functions, the
ranking, which occurrence, claims right on part of the domain, two mistakes at once,
multivariable chains, ``check --points/--domain/--where``, and the corpus figures."""

import shlex

import pytest

from chainrule.cli import main
from chainrule.explanation.mistakes.checker import check_derivative
from tests.explanation import mistake_corpus_report

WEATHER = {"x": "t", "y": "t^2", "z": "t^3"}


@pytest.mark.parametrize(
    "f, claim, wrt, kind, site",
    [
        ("sin(x^2)", "2*x", "x", "inner function only", "sin(x**2)"),
        ("(3*x^2+1)^5", "6*x", "x", "inner function only", "(3*x**2+1)**5"),
        ("exp(sin(x))", "cos(x)", "x", "inner function only", "exp(sin(x))"),
        ("sigmoid(3*x+1)", "3", "x", "skipped activation derivative", "sigmoid(3*x+1)"),
        ("tanh(2*x)", "2", "x", "skipped activation derivative", "tanh(2*x)"),
        (
            "(sigmoid(w*x + b) - y)^2/2",
            "(sigmoid(w*x + b) - y)*x",
            "w",
            "skipped activation derivative",
            "sigmoid(w*x + b)",
        ),
        (
            "(sigmoid(w*x+b)-y)^2/2",
            "sigmoid(w*x+b)-y",
            "b",
            "skipped activation derivative",
            "sigmoid(w*x+b)",
        ),
        ("x^x", "x*x^(x-1)", "x", "power rule on a variable exponent", "x**x"),
        ("2^x", "x*2^(x-1)", "x", "power rule on a variable exponent", "2**x"),
        ("3^(x^2)", "x^2*3^(x^2-1)*2*x", "x", "power rule on a variable exponent", "3**(x**2)"),
        ("x^x", "x^x*log(x)", "x", "exponential rule on a variable base", "x**x"),
        (
            "x^sin(x)",
            "x^sin(x)*log(x)*cos(x)",
            "x",
            "exponential rule on a variable base",
            "x**sin(x)",
        ),
        ("x^3 + sin(x) + exp(2*x)", "3*x^2 + 2*exp(2*x)", "x", "dropped term", "sin(x)"),
        ("x^4 - 3*x^2 + x", "4*x^3 - 6*x", "x", "dropped term", "x"),
        ("cos(x)/x", "-sin(x)/x", "x", "dropped path", "x"),
    ],
)
def test_each_new_mistake_is_named_with_its_place(f, claim, wrt, kind, site):
    result = check_derivative(f, claim, wrt=wrt)
    assert not result.correct
    assert (result.mistake.kind, result.mistake.site) == (kind, site)


def test_no_dropped_minus_for_a_constant(capsys):
    status = main(["check", "x^2-3", "--claim=-2*x"])
    out = capsys.readouterr().out
    assert status == 1
    assert out == (
        "wrong: d/dx (x^2-3) is not -2*x\n"
        "  at x = 0.8251 the claim gives -1.65012, the derivative is 1.65012 (they differ at 64 "
        "of 64 points)\n"
        "likely mistake (sign): the whole derivative has the wrong sign\n"
        "  or (sign): at x**2: the derivative of (u**2) has the wrong sign\n"
        "correct: d/dx (x^2-3) = 2*x\n"
    )
    assert "dropped minus" not in out


def test_the_likely_slip_ranks_first_cos_sign_before_exp_sign():
    result = check_derivative("exp(cos(x))", "exp(cos(x))*sin(x)")
    assert (result.mistake.kind, result.mistake.site) == ("sign", "cos(x)")
    assert result.mistake.explanation == (
        "at cos(x): the derivative of cos has the wrong sign (cos′(x) = -sin(x))"
    )
    assert [(m.kind, m.site) for m in result.also] == [("sign", "exp(cos(x))")]


def test_the_weather_example_with_a_dropped_term_is_not_a_sign_error():
    f = "t^2 + 5*t^2 + 10*t^3 + t*t^2*t^3"
    result = check_derivative(f, "12*t + 30*t^2", wrt="t")
    assert (result.mistake.kind, result.mistake.site) == ("dropped term", "t*t**2*t**3")
    assert result.mistake.explanation == "at t*t**2*t**3: the term's derivative 6*t**5 was left out"


@pytest.mark.parametrize(
    "claim, variable",
    [("2*t + 30*t^2 + 4*t^5", "y"), ("12*t + 3*t^5", "z"), ("10*t + 30*t^2 + 5*t^5", "x")],
)
def test_a_path_left_out_of_the_weather_chain_is_named_by_its_variable(claim, variable):
    result = check_derivative("x^2 + 5*y + 10*z + x*y*z", claim, wrt="t", where=WEATHER)
    assert result.mistake.kind == "dropped path"
    assert result.mistake.site == f"{variable} = {WEATHER[variable].replace('^', '**')}"
    assert f"the path through {variable}, ∂f/∂{variable}·d{variable}/dt" in result.message


def test_which_occurrence_is_said():
    result = check_derivative("sin(x) + sin(2*x)", "cos(x) + cos(2*x)")
    assert result.mistake.explanation == (
        "at sin(2*x) (the second sin): the inner derivative 2 was not multiplied"
    )
    result = check_derivative("sigmoid(v*sigmoid(w*x))", "v*sigmoid(w*x)*(1-sigmoid(w*x))*x", "w")
    assert result.mistake.explanation.startswith(
        "at sigmoid(v*sigmoid(w*x)) (the first sigmoid): the activation's derivative sigmoid′"
    )


def test_two_mistakes_at_once_name_the_best_pair():
    result = check_derivative("sin(x^2) + cos(3*x)", "cos(x^2) + 3*sin(3*x)")
    assert result.mistake.kind == "two mistakes"
    assert [(m.kind, m.site) for m in result.mistake.parts] == [
        ("inner derivative forgotten", "sin(x**2)"),
        ("sign", "cos(3*x)"),
    ]
    assert result.mistake.explanation == (
        "(inner derivative forgotten) at sin(x**2): the inner derivative 2*x was not "
        "multiplied; and (sign) at cos(3*x): the derivative of cos has the wrong sign "
        "(cos′(x) = -sin(x))"
    )
    nested = check_derivative("cos(x^2)^3", "3*cos(x^2)^2*sin(x^2)")
    assert sorted(m.kind for m in nested.mistake.parts) == ["inner derivative forgotten", "sign"]


@pytest.mark.parametrize(
    "f, claim, where",
    [
        (
            "sqrt(1+tan(x)^2)",
            "tan(x)/cos(x)",
            "right for -pi/2 < x < pi/2, but not for x < -pi/2 or x > pi/2",
        ),
        ("abs(x)", "1", "right for x > 0, but not for x < 0"),
        ("relu(x)", "1", "right for x > 0, but not for x < 0"),
        ("sqrt(x^2+2*x+1)", "1", "right for x > -1, but not for x < -1"),
        ("arcsin(sin(x))", "1", "right for -pi/2 < x < pi/2, but not for x < -pi/2 or x > pi/2"),
    ],
)
def test_a_claim_right_on_part_of_the_domain_says_where(f, claim, where):
    result = check_derivative(f, claim)
    assert not result.correct
    assert result.mistake.kind == "right only on part of the domain"
    assert where in result.mistake.explanation


def test_a_claim_agreeing_only_where_the_derivative_is_nearly_0_is_not_partly_right():
    result = check_derivative("exp(x^3)", "x^3*exp(x^3)")
    assert result.mistake is None


def test_a_mistake_undefined_where_the_claim_is_defined_does_not_give_it():
    # sqrt(x)**2's derivative is 1 only for x > 0: not the claim 1 for sqrt(x**2) everywhere.
    result = check_derivative("sqrt(x^2)", "1")
    assert result.mistake.kind == "right only on part of the domain"
    assert all(m.kind != "inner and outer swapped" for m in result.also)


def test_points_and_domain_choose_where_to_look(capsys):
    assert main(["check", "sqrt(x^2)", "--claim=1", "--domain=0,5"]) == 0
    assert "agrees with the derivative at 64 points" in capsys.readouterr().out
    assert main(["check", "sqrt(x^2)", "--claim=1", "--domain=0.5,5", "--points", "16"]) == 0
    assert "agrees with the derivative at 16 points" in capsys.readouterr().out
    assert main(["check", "sin(x)", "--claim", "cos(x)", "--points", "10"]) == 0
    assert "at 10 points" in capsys.readouterr().out
    assert check_derivative("log(x)", "1/x", domain=(1, 2)).points["x"][0] > 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["--domain=1,0"], "a domain is two finite numbers a < b, got 1, 0"),
        (["--domain=a"], "--domain takes two numbers A,B such as 0,3.5; got 'a'"),
        (["--points", "3"], "points= must be from 8 to 100,000 points, got 3"),
        (["--where", "x"], "--where takes NAME=EXPR such as y=t^2; got 'x'"),
        (["--where", "q=t"], "where= gives q, which is not a variable of 'x'"),
        (["--where", "x=sin("], "where= x:"),
    ],
)
def test_bad_points_domains_and_chains_are_one_line_with_status_2(capsys, args, message):
    status = main(["check", "x", "--claim", "1", *args])
    out, err = capsys.readouterr()
    assert (status, out) == (2, "")
    assert err.startswith("chainrule check: ") and err.count("\n") == 1
    assert message in err


def test_check_where_on_the_command_line(capsys):
    args = ["x*y", "--where", "x=t", "--where", "y=t^2", "--wrt", "t", "--claim", "t^2"]
    assert main(["check", *args]) == 1
    out = capsys.readouterr().out
    assert out.startswith("wrong: d/dt (x*y) with x = t, y = t^2 is not t^2\n")
    assert "likely mistake (dropped path): at y = t**2: the path through y" in out


def test_the_corpus_has_150_cases_or_more_and_the_page_has_its_current_figures():
    cases = mistake_corpus_report.cases()
    assert len(cases) >= 150
    outcomes = [mistake_corpus_report.outcome(case) for case in cases]
    with open(mistake_corpus_report.PAGE, encoding="utf-8") as file:
        page = file.read()
    assert mistake_corpus_report.block(outcomes) in page, f"run: {mistake_corpus_report.COMMAND}"


def shown_check_runs():
    """(command, output) of each ``$ chainrule check ...`` shown in docs/mistakes.md."""
    with open(mistake_corpus_report.PAGE, encoding="utf-8") as file:
        lines = file.read().splitlines()
    runs = []
    for line in lines:
        if line.startswith("$ chainrule check "):
            runs.append((line[2:], []))
        elif line.startswith(("$", "```")):
            runs.append((None, []))
        elif runs:
            runs[-1][1].append(line)
    return [(command, "\n".join(output) + "\n") for command, output in runs if command]


@pytest.mark.parametrize("command, output", shown_check_runs())
def test_the_pages_check_examples_print_exactly_what_they_show(capsys, command, output):
    main(shlex.split(command)[1:])
    assert capsys.readouterr().out == output
