"""The command line, run as a user runs it: ``python -m chainrule`` in a fresh process."""


import pytest

from chainrule._version import __version__
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
    assert lines[2:7] == [
        "  step               value   local derivative",
        "  a = -x              -0.5   da/dx = -1      = -1",
        "  b = exp(a)      0.606531   db/da = exp(a)  = 0.606531",
        "  c = 1 + b        1.60653   dc/db = 1       = 1",
        "  d = 1 / c       0.622459   dd/dc = -1/c²   = -0.387456",
    ]
    assert lines[8] == (
        "chain rule:   dd/dx = dd/dc · dc/db · db/da · da/dx = "
        "(-0.387456)·(1)·(0.606531)·(-1) = 0.235004"
    )
    assert lines[9] == "backward():   x.grad = 0.235004"
    assert lines[10] == "closed form:  σ(x)·(1 − σ(x)) = 0.235004"
    assert lines[11].startswith("agree: yes")


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
