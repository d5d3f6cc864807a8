"""Pictures of f and f′: drawn from the engine's derivative, from Python and from the shell."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.explanation import plot_derivative
from tests.cli_process import run_chainrule

pytest.importorskip("matplotlib")


def test_the_derivative_drawn_is_the_engines_and_the_tangent_touches_at_the_point():
    figure = plot_derivative(cr.sin, at=0.5, interval=(-3.0, 3.0), title="f(x) = sin(x)")
    ax = figure.axes[0]
    curve, slope, tangent, point = ax.lines[:4]
    xs = curve.get_xdata()
    np.testing.assert_allclose(curve.get_ydata(), np.sin(xs))
    np.testing.assert_allclose(slope.get_ydata(), np.cos(xs))
    np.testing.assert_allclose(tangent.get_ydata(), np.sin(0.5) + np.cos(0.5) * (xs - 0.5))
    assert point.get_xdata()[0] == 0.5 and ax.get_title() == "f(x) = sin(x)"


def test_undefined_points_leave_gaps_and_bad_intervals_are_refused():
    figure = plot_derivative(lambda x: cr.log(x), interval=(-1.0, 2.0))
    assert np.isnan(figure.axes[0].lines[0].get_ydata()[0])  # log(−1): a gap, not a number
    with pytest.raises(ValueError, match="empty"):
        plot_derivative(cr.sin, interval=(1.0, 1.0))


def test_the_plot_command_writes_the_picture(tmp_path):
    out = tmp_path / "log.png"
    result = run_chainrule("plot", "log(x)", "--range", "0.1,4", "--at", "x=1", "-o", str(out))
    assert result.returncode == 0 and out.read_bytes()[:4] == b"\x89PNG"
    assert result.stdout.strip() == f"wrote {out}"


@pytest.mark.parametrize("args, message", [
    (["x*y", "-o", "f.png"], "plot draws a formula of one variable; 'x*y' has 2 (x, y)"),
    (["x", "-o", "f.txt"], "name a .png, .svg or .pdf file"),
    (["x", "--range", "3,1", "-o", "f.png"], "--range '3,1' is not LOW,HIGH with LOW < HIGH"),
])
def test_the_plot_command_refuses_bad_input_in_one_line(args, message, tmp_path):
    result = run_chainrule("plot", *args, cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr
    assert "Traceback" not in result.stderr
