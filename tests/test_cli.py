"""The command line, run as a user runs it: ``python -m chainrule`` in a fresh process."""


import pytest

import chainrule as cr
from chainrule._version import __version__
from chainrule.cli.demo import sigmoid_by_steps
from tests.cli_process import run_chainrule



run_cli = run_chainrule


def test_help_lists_the_demo_command_and_exits_zero():
    done = run_cli("--help")
    assert done.returncode == 0
    assert done.stdout.startswith("usage: chainrule [-h] [--version] COMMAND ...")
    assert "chainrule: automatic differentiation for NumPy that shows its work." in done.stdout
    assert "    demo      the chain rule at work on the sigmoid, step by step" in done.stdout
    assert done.stderr == ""


def test_no_command_prints_the_help():
    done = run_cli()
    assert done.returncode == 0
    assert done.stdout.startswith("usage: chainrule")


def test_version_prints_the_package_version():
    done = run_cli("--version")
    assert done.returncode == 0
    assert done.stdout == f"chainrule {__version__}\n"


def test_demo_shows_each_step_the_chain_and_the_agreeing_gradient():
    done = run_cli("demo")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "σ(x) = 1 / (1 + exp(-x)) as a chain of 4 steps, at x = 0.5"
    # The steps as explain numbers them (v1 = x), with the seed article's names beside them.
    assert lines[2:8] == [
        "  var  seed  step           value   local derivative",
        "  v1   x     x                0.5",
        "  v2   a     -v1             -0.5   ∂v2/∂v1 = -1        = -1",
        "  v3   b     exp(v2)     0.606531   ∂v3/∂v2 = exp(v2)   = 0.606531",
        "  v4   c     1 + v3       1.60653   ∂v4/∂v3 = 1         = 1",
        "  v5   d     1 / v4      0.622459   ∂v5/∂v4 = -1/v4**2  = -0.387456",
    ]
    assert lines[9:11] == [
        "chain rule:   dσ/dx = ∂v5/∂v4 · ∂v4/∂v3 · ∂v3/∂v2 · ∂v2/∂v1",
        "                    = (-0.387456)·(1)·(0.606531)·(-1) = 0.235004",
    ]
    assert lines[11] == "backward():   x.grad = 0.235004"
    assert lines[12] == "closed form:  σ(x)·(1 − σ(x)) = 0.235004"
    assert lines[13].startswith("agree: yes")
    assert max(len(line) for line in lines) <= 100


def test_demo_numbers_its_steps_as_explain_and_graph_do():
    explained = cr.explain(sigmoid_by_steps, 0.5).to_dict()["steps"]
    drawn = cr.draw_graph(sigmoid_by_steps, 0.5).dot
    lines = run_cli("demo").stdout.splitlines()[3:8]
    for step, line in zip(explained, lines):
        assert line.split()[0] == step["var"] and step["expression"] in line
        if step["op"] != "input":
            assert f"{step['var']} = {step['expression']}" in drawn


@pytest.mark.parametrize("x, expected", [("-2", "0.104994"), ("3", "0.0451767")])
def test_demo_at_other_points_matches_the_closed_form(x, expected):
    done = run_cli("demo", "--x", x)
    assert done.returncode == 0, done.stderr
    assert f"backward():   x.grad = {expected}" in done.stdout
    assert "agree: yes" in done.stdout


def test_demo_rejects_a_non_number_in_one_line_with_status_2():
    done = run_cli("demo", "--x", "abc")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        "chainrule demo: argument --x: invalid float value: 'abc' (see 'chainrule demo --help')\n"
    )


@pytest.mark.parametrize("x", ["nan", "inf", "-1000"])
def test_demo_rejects_points_where_exp_overflows(x):
    done = run_cli("demo", "--x", x)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("chainrule demo: --x must be a finite number between -700")
    assert len(done.stderr.splitlines()) == 1


def test_unknown_command_is_one_line_with_status_2():
    done = run_cli("bogus")
    assert done.returncode == 2
    assert "invalid choice: 'bogus'" in done.stderr
    assert len(done.stderr.splitlines()) == 1
