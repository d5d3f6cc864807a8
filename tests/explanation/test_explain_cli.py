"""``chainrule diff`` and ``chainrule explain``, run as a user runs them (a fresh process), and
their strict reading of ``--at``."""

import json
import sys

import numpy as np
import pytest

from chainrule.cli import main
from tests.explanation.test_explain import SIN_COS_TEXT
from tests.cli_process import run_chainrule



run_cli = run_chainrule


def test_diff_at_a_point_prints_each_partial_derivative():
    done = run_cli("diff", "x**2*y", "--at", "x=1,y=2")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "f(x, y) = x**2*y\nat x = 1, y = 2:\n  ∂f/∂x = 4\n  ∂f/∂y = 1\n"


def test_diff_of_order_three_nests_grad():
    done = run_cli("diff", "sin(x)", "--at", "x=0.5", "--order", "3")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == f"  d³f/dx³ = {-np.cos(0.5):.12g}"


def test_diff_without_a_point_prints_the_formula():
    pytest.importorskip("sympy")
    done = run_cli("diff", "sin(cos(x))")
    assert (done.returncode, done.stdout) == (0, "df/dx = -sin(x)*cos(cos(x))\n"), done.stderr


def test_explain_prints_the_traces_of_a_formula():
    done = run_cli("explain", "sin(cos(x))", "--at", "x=0.5")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == SIN_COS_TEXT


def test_explain_as_json_is_the_explanation_data():
    done = run_cli(
        "explain", "x1*x2 + sin(x1)", "--at", "x1=2,x2=5", "--mode", "both", "--format", "json"
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["mode"] == "both"
    assert [d["value"] for d in data["derivatives"]] == pytest.approx(
        [5 + np.cos(2), 2, 5 + np.cos(2), 2]
    )


def test_help_shows_examples():
    for command in ("diff", "explain"):
        done = run_cli(command, "--help")
        assert done.returncode == 0
        assert "examples:\n  chainrule " + command in done.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ("diff", "x*y", "--at", "x=1,z=2"),
            "chainrule diff: --at names an unknown variable 'z'; the formula's variables are x, y",
        ),
        (
            ("explain", "x*y", "--at", "x=1"),
            "chainrule explain: --at has no value for y (give one for every variable)",
        ),
        (
            ("explain", "x", "--at", "x=abc"),
            "chainrule explain: --at x=abc: 'abc' is not a finite number",
        ),
        (("explain", "__import__('os').system('echo hi')", "--at", "x=1"), "chainrule explain: "),
    ],
)
def test_bad_input_is_one_line_and_exit_two(args, message):
    done = run_cli(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith(message)
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


NOT_A_NUMBER = "is not a finite number (or a constant formula such as pi/4)"


@pytest.mark.parametrize(
    "at, message",
    [
        ("x=1,x=2", "--at gives x twice"),
        ("x=", "--at x= is missing its value"),
        ("x", "--at 'x' is not NAME=VALUE (write e.g. --at x=1,y=2)"),
        ("x=1,", "--at '' is not NAME=VALUE (write e.g. --at x=1,y=2)"),
        ("x=sqrt(-1)", f"--at x=sqrt(-1): 'sqrt(-1)' {NOT_A_NUMBER}"),
        ("x=nan", f"--at x=nan: 'nan' {NOT_A_NUMBER}"),
        ("x=1e999", f"--at x=1e999: '1e999' {NOT_A_NUMBER}"),
        ("x=0x10", f"--at x=0x10: '0x10' {NOT_A_NUMBER}"),
        ("x=1_0", f"--at x=1_0: '1_0' {NOT_A_NUMBER}"),
    ],
)
def test_at_is_read_strictly(at, message, capsys):
    assert main(["explain", "x", "--at", at]) == 2
    assert capsys.readouterr().err == f"chainrule explain: {message}\n"


def test_at_accepts_signs_exponents_and_spaces(capsys):
    assert main(["diff", "x*y", "--at", " x = -1.5e1 , y=+.5"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "at x = -15, y = 0.5:"


def test_wrt_picks_the_variables_and_refuses_unknown_ones(capsys):
    assert main(["diff", "x*y", "--at", "x=3,y=2", "--wrt", "y"]) == 0
    assert capsys.readouterr().out.splitlines()[2:] == ["  ∂f/∂y = 3"]
    assert main(["diff", "x*y", "--at", "x=3,y=2", "--wrt", "q"]) == 2
    assert capsys.readouterr().err == (
        "chainrule diff: --wrt 'q' is not a variable of the formula; its variables are x, y\n"
    )


def test_order_out_of_range_is_refused(capsys):
    assert main(["diff", "x", "--at", "x=1", "--order", "11"]) == 2
    assert "argument --order: expected an integer from 1 to 10, got '11'" in capsys.readouterr().err


def test_formula_without_variables_is_refused(capsys):
    assert main(["diff", "2*pi", "--at", "x=1"]) == 2
    assert (
        capsys.readouterr().err == "chainrule diff: '2*pi' has no variables to differentiate by\n"
    )


def test_explain_needs_a_point(capsys):
    assert main(["explain", "x"]) == 2
    assert "the following arguments are required: --at" in capsys.readouterr().err


def test_formulas_without_sympy_say_how_to_get_them(monkeypatch, capsys):
    # The import fails:
    monkeypatch.setitem(sys.modules, "chainrule.explanation.formulas.derivatives", None)
    assert main(["diff", "sin(x)"]) == 2
    assert capsys.readouterr().err == (
        "chainrule diff: derivatives as formulas need SymPy: pip install chainrule[formulas] "
        "(or give --at x=... for the derivative's value)\n"
    )


@pytest.mark.parametrize(
    "form, start",
    # html is the interactive page (tests/explore), which carries the tables too.
    [("markdown", "**x\\*y at x = 1, y = 2"), ("html", "<!DOCTYPE html>")],
)
def test_explain_formats(form, start, capsys):
    assert main(["explain", "x*y", "--at", "x=1,y=2", "--format", form]) == 0
    out = capsys.readouterr().out
    assert out.startswith(start)
    assert form != "html" or "<table>" in out


def test_a_reader_that_stops_early_is_no_error():
    # `chainrule explain ... | head -2`: the pipe closes before the output is written.
    import subprocess
    import sys

    done = subprocess.run(
        f"{sys.executable} -m chainrule explain 'sin(x)*x' --at x=0.5 --mode both | head -2",
        shell=True, capture_output=True, text=True, check=False,
    )
    assert done.stdout.count("\n") == 2 and done.stderr == ""
