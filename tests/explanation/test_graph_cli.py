"""``chainrule graph``, run as a user runs it: ``python -m chainrule graph`` in a fresh process."""

import shutil

import pytest

from chainrule.cli import main
from chainrule.cli.errors import CommandError
from chainrule.cli.formula_input import parse_point
from tests.explanation.test_graph_drawing import SIGMOID_DOT
from tests.cli_process import run_chainrule

SIGMOID = "1/(1 + exp(-x))"
needs_graphviz = pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz's dot program is not installed"
)


def run_cli(*args, path=None):
    return run_chainrule("graph", *args, path=path)


def test_without_output_the_dot_goes_to_stdout():
    done = run_cli(SIGMOID, "--at", "x=0.5")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == SIGMOID_DOT


def test_a_dot_file_is_written_without_graphviz(tmp_path):
    target = tmp_path / "sigmoid.dot"
    done = run_cli(SIGMOID, "--at", "x=0.5", "-o", str(target), path=str(tmp_path))
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"wrote {target} (5 steps)\n"
    assert target.read_text(encoding="utf-8") == SIGMOID_DOT


@needs_graphviz
def test_an_svg_file_is_rendered(tmp_path):
    target = tmp_path / "sigmoid.svg"
    done = run_cli(SIGMOID, "--at", "x=0.5", "-o", str(target))
    assert done.returncode == 0, done.stderr
    assert target.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_svg_without_graphviz_exits_2_with_how_to_install(tmp_path):
    target = tmp_path / "sigmoid.svg"
    done = run_cli(SIGMOID, "--at", "x=0.5", "-o", str(target), path=str(tmp_path / "empty"))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("chainrule graph: rendering SVG needs Graphviz: install")
    assert "apt-get install graphviz" in done.stderr and "or write a .dot file" in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert not target.exists()


def test_help_shows_examples():
    done = run_cli("--help")
    assert done.returncode == 0
    assert 'examples:\n  chainrule graph "1/(1 + exp(-x))" --at x=0.5 -o sigmoid.svg' in (
        done.stdout
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x*y", "--at", "x=1"], "--at has no value for y (give one for every variable)"),
        (["x", "--at", "x=1,z=2"], "--at names an unknown variable 'z'; the formula's variables"),
        (["x", "--at", "x=one"], "--at x=one: 'one' is not a finite number (or a constant formula"),
        (["x", "--at", "x"], "--at 'x' is not NAME=VALUE (write e.g. --at x=1,y=2)"),
        (["2 + 3"], "'2 + 3' has no variables to differentiate by"),
        (["__import__('os')", "--at", "x=1"], "chainrule graph: "),
        (["x", "--at", "x=1", "-o", "graph.jpg"], "-o graph.jpg: end the file name in .dot"),
        (["x", "--at", "x=1", "-o", "missing/graph.dot"], "no such folder 'missing'"),
        (["x", "--at", "x=1", "--max-nodes", "0"], "expected an integer >= 1, got '0'"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, args, message):
    assert main(["graph", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("chainrule graph: ") and message in captured.err
    assert captured.err.count("\n") == 1


def test_at_values_may_be_constant_formulas_in_any_order():
    assert parse_point(" y = 2 , x=pi/2 ", ("x", "y")) == [1.5707963267948966, 2.0]
    with pytest.raises(CommandError, match="no value for y"):
        parse_point("x=1", ("x", "y"))


def test_a_cut_graph_says_how_many_steps_were_drawn(tmp_path, capsys):
    target = tmp_path / "sum.dot"
    expression = " + ".join(f"sin({k}*x)" for k in range(1, 30))
    assert main(["graph", expression, "--at", "x=1", "--max-nodes", "10", "-o", str(target)]) == 0
    assert capsys.readouterr().out == f"wrote {target} (10 of 87 steps)\n"
    assert "… 77 more steps not shown (max_nodes=10)" in target.read_text(encoding="utf-8")
