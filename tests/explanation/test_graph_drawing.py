"""draw_graph: the picture of the recorded graph, its DOT text, its rendering and its limits."""

import math
import shutil
import sys

import numpy as np
import pytest

import chainrule as cr
from chainrule.explanation.pictures import dot
from chainrule.explanation.pictures.dot import GraphvizNotFound
from tests.work import in_start_ups

HAS_DOT = shutil.which("dot") is not None
needs_graphviz = pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot program is not installed")

# The seed's sigmoid as four steps a = -x, b = exp(a), c = 1 + b, d = 1 / c, at x = 0.5, numbered
# as explain numbers them: the input v1, then v2 = a, ..., v5 = d.
SIGMOID_DOT = r"""digraph chainrule {
  graph [fontname="Helvetica", fontsize="11", labelloc="b"];
  node [shape="box", fontname="Helvetica", fontsize="11"];
  edge [fontname="Helvetica", fontsize="9", color="#555555"];
  n0 [label="v1 = x (input)\nvalue 0.5\nadjoint 0.235 = df/dx", INPUT_STYLE];
  n1 [label="v2 = -v1\nvalue -0.5\nadjoint -0.235", style="rounded"];
  n0 -> n1 [label="∂v2/∂v1 = -1\nadjoint += 0.235"];
  n2 [label="v3 = exp(v2)\nvalue 0.6065\nadjoint -0.3875", style="rounded"];
  n1 -> n2 [label="∂v3/∂v2 = exp(v2)\nadjoint += -0.235"];
  n3 [label="v4 = 1 + v3\nvalue 1.607\nadjoint -0.3875", style="rounded"];
  c1 [label="1", style="dashed", color="#888888", fontcolor="#555555"];
  c1 -> n3 [style="dashed", color="#888888"];
  n2 -> n3 [label="∂v4/∂v3 = 1\nadjoint += -0.3875"];
  n4 [label="v5 = 1 / v4\nvalue 0.6225\nadjoint 1 (seed)", OUTPUT_STYLE];
  c2 [label="1", style="dashed", color="#888888", fontcolor="#555555"];
  c2 -> n4 [style="dashed", color="#888888"];
  n3 -> n4 [label="∂v5/∂v4 = -1/v4**2\nadjoint += -0.3875"];
}
""".replace(
    "OUTPUT_STYLE", 'style="rounded,filled,bold", fillcolor="#fde68a", penwidth="2"'
).replace("INPUT_STYLE", 'style="rounded,filled", fillcolor="#dbeafe"')
# Drawn from a function, the input's adjoint is named by the function's own name.
SIGMOID_FUNCTION_DOT = SIGMOID_DOT.replace("= df/dx", "= dsigmoid/dx")


def sigmoid(x):
    return 1 / (1 + cr.exp(-x))


def chain(length):
    """A recorded chain of ``length`` steps after one input (alternating sin and a product)."""
    x = cr.tensor(0.5, requires_grad=True)
    y = x
    for k in range(length):
        y = cr.sin(y) if k % 2 else y * 1.0000001
    return y


@pytest.fixture(params=["with the graphviz package", "without it"])
def no_graphviz(request, monkeypatch, tmp_path):
    """Graphviz's dot program is absent (the PATH holds an empty folder)."""
    if request.param == "without it":
        monkeypatch.setitem(sys.modules, "graphviz", None)
    else:
        pytest.importorskip("graphviz")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))


# --- the picture's text -----------------------------------------------------------------------


def test_sigmoid_steps_draw_as_the_golden_dot():
    assert cr.draw_graph(sigmoid, 0.5).dot == SIGMOID_FUNCTION_DOT


def test_input_adjoint_is_the_sigmoid_derivative():
    sigma = 1 / (1 + math.exp(-0.5))
    picture = cr.draw_graph(sigmoid, 0.5)
    assert f"v1 = x (input)\\nvalue 0.5\\nadjoint {sigma * (1 - sigma):.4g}" in picture.dot


def test_a_recorded_tensor_draws_like_the_function_that_made_it():
    # A tensor does not know the function's name: its derivative is df/dx.
    x = cr.tensor(0.5, requires_grad=True)
    assert cr.draw_graph(sigmoid(x)).dot == SIGMOID_DOT


def test_drawing_keeps_the_graph_and_writes_no_grad():
    x = cr.tensor(0.5, requires_grad=True)
    y = sigmoid(x)
    cr.draw_graph(y)
    assert x.grad is None
    y.backward()
    sigma = y.item()
    assert x.grad.item() == pytest.approx(sigma * (1 - sigma))


def test_a_graph_freed_by_backward_draws_without_values_or_adjoints():
    x = cr.tensor(0.5, requires_grad=True)
    y = sigmoid(x)
    y.backward()
    text = cr.draw_graph(y).dot
    assert "v3 = exp(v2)\\nvalue freed" in text
    assert "v5 = … / v4\\nvalue 0.6225" in text
    # A local derivative is written by its rule, which needs the values backward() freed.
    assert '[label="∂v5/∂v4 = (values freed)"]' in text
    assert "adjoint" not in text
    assert 'label="values freed by backward(): draw before backward(), or call ' in text


def test_without_adjoints_only_values_and_formulas_are_drawn():
    text = cr.draw_graph(sigmoid, 0.5, with_adjoints=False).dot
    assert "adjoint" not in text
    assert '[label="∂v5/∂v4 = -1/v4**2"]' in text


def test_fan_out_shows_each_contribution_and_their_sum():
    text = cr.draw_graph(lambda x, y: x * y + cr.sin(x), 0.5, 2.0).dot
    assert f"v1 = x (input)\\nvalue 0.5\\nadjoint {2 + math.cos(0.5):.4g}" in text
    assert "∂v3/∂v1 = v2\\nadjoint += 2" in text
    assert f"∂v4/∂v1 = cos(v1)\\nadjoint += {math.cos(0.5):.4g}" in text
    assert "∂v3/∂v2 = v1\\nadjoint += 0.5" in text


def test_array_constants_are_named_and_drawn_dashed():
    weight = cr.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    out = cr.tanh(weight @ np.ones((3, 4))).sum()
    text = cr.draw_graph(out).dot
    assert "v2 = v1 @ c1\\nvalue 2×4 float64 in [3, 12]" in text
    assert 'c1 [label="c1 = 3×4 float64 in [1, 1]", style="dashed"' in text
    # An array step's edge shows the map its VJP rule applies to the adjoint, in grad_out.
    assert "∂v2/∂v1 = v̄2 ↦ v̄2@c1.T" in text


def test_vector_output_is_seeded_with_ones_and_says_so():
    text = cr.draw_graph(lambda x: x * 2.0, np.array([1.0, 2.0])).dot
    assert "value [2, 4]\\nadjoint [1, 1] (seed)" in text
    assert "adjoints of the sum of the output" in text


def test_inputs_take_the_parameter_names_or_the_given_names():
    assert "v1 = a (input)" in cr.draw_graph(lambda a, b: a * b, 1.0, 2.0).dot
    text = cr.draw_graph(lambda a, b: a * b, 1.0, 2.0, names=["w", "z"]).dot
    assert "v1 = w (input)" in text and "v2 = z (input)" in text and "v3 = v1 * v2" in text
    assert "v2 = x2 (input)" in cr.draw_graph(lambda *xs: xs[0] * xs[1], 1.0, 2.0).dot


def test_an_input_that_is_the_output_is_drawn_alone():
    picture = cr.draw_graph(lambda x: x, 1.0)
    label = (
        'n0 [label="v1 = x (input)\\nvalue 1\\nadjoint 1 (seed) = df/dx", '
        'style="rounded,filled,bold"'
    )
    assert label in picture.dot
    assert picture.steps == 1


# --- DOT escaping -----------------------------------------------------------------------------


def test_quote_escapes_quotes_backslashes_entities_newlines_and_control_characters():
    assert dot.quote('a "b"') == r'"a \"b\""'
    assert dot.quote("C:\\path\\") == r'"C:\\path\\"'
    assert dot.quote("1 & 2 &lt;") == '"1 &amp; 2 &amp;lt;"'
    assert dot.quote("one\ntwo\r\nthree") == r'"one\ntwo\nthree"'
    assert dot.quote("tab\there\x00") == '"tab here "'
    assert dot.quote("∂σ/∂x ≈ ½ — ✓") == '"∂σ/∂x ≈ ½ — ✓"'


def test_attributes_quote_every_value_and_leave_out_none():
    assert dot.attributes(label='say "hi"', color=None, penwidth=2) == (
        r'[label="say \"hi\"", penwidth="2"]'
    )


@needs_graphviz
def test_graphviz_shows_an_escaped_label_exactly():
    text = 'q "quoted" \\ back & <tag> σ′'
    svg = dot.render(f"digraph {{ a [label={dot.quote(text + chr(10) + 'two')}]; }}", "svg")
    assert ">q &quot;quoted&quot; \\ back &amp; &lt;tag&gt; σ′</text>" in svg
    assert ">two</text>" in svg


def test_names_with_quotes_backslashes_and_newlines_are_escaped_in_the_dot():
    text = cr.draw_graph(lambda x: x * 2.0, 1.0, names=['say "hi"\\\nθ']).dot
    assert r'n0 [label="v1 = say \"hi\"\\\nθ (input)\nvalue 1\nadjoint 2"' in text
    assert r'[label="∂v2/∂v1 = 2\nadjoint += 2"]' in text


@needs_graphviz
def test_graphviz_reads_escaped_names():
    svg = cr.draw_graph(lambda x: x * 2.0, 1.0, names=['say "hi" & <θ>']).svg()
    assert ">v1 = say &quot;hi&quot; &amp; &lt;θ&gt; (input)</text>" in svg


def test_a_function_is_recorded_even_inside_no_grad():
    with cr.no_grad():
        assert cr.draw_graph(sigmoid, 0.5).dot == SIGMOID_FUNCTION_DOT


# --- big graphs -------------------------------------------------------------------------------


def test_a_100000_step_chain_is_cut_with_a_note_in_a_few_start_ups():
    # Once within two seconds; now within twelve start-ups of the interpreter, measured at the
    # same moment, which a busy machine slows alike (about 1 start-up on an idle one).
    out = chain(100_000)
    picture, start_ups = in_start_ups(cr.draw_graph, out)
    assert start_ups < 12
    assert (picture.steps, picture.hidden) == (200, 99_801)
    assert '  more [label="… 99,801 more steps not shown (max_nodes=200)", shape="note"' in (
        picture.dot
    )
    assert picture.dot.count(" -> ") < 400
    assert repr(picture) == (
        "<GraphPicture of 200 of 100,001 steps; .dot, .svg(), .png(), .save(path)>"
    )


def test_the_steps_nearest_the_output_are_kept():
    picture = cr.draw_graph(sigmoid, 0.5, max_nodes=2)
    assert "v5 = 1 / v4" in picture.dot and "v4 = 1 + v3" in picture.dot
    assert "v3 = exp(v2)" not in picture.dot
    assert "… 3 more steps not shown (max_nodes=2)" in picture.dot
    assert '  more -> n0 [style="dashed"];' in picture.dot


@needs_graphviz
def test_a_cut_graph_renders():
    assert cr.draw_graph(chain(1_000), max_nodes=20).svg().lstrip().startswith("<?xml")


# --- rendering and saving ---------------------------------------------------------------------


@needs_graphviz
def test_graphviz_parses_the_dot_into_svg_and_png():
    picture = cr.draw_graph(sigmoid, 0.5)
    svg = picture.svg()
    assert svg.lstrip().startswith("<?xml") and "v5 = 1 / v4" in svg
    assert picture.png().startswith(b"\x89PNG\r\n\x1a\n")
    assert picture._repr_svg_() == svg


@needs_graphviz
def test_rendering_without_the_python_package_runs_dot_itself(monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)
    assert "v5 = 1 / v4" in cr.draw_graph(sigmoid, 0.5).svg()


@needs_graphviz
@pytest.mark.parametrize("suffix", [".svg", ".png"])
def test_save_renders_by_suffix(tmp_path, suffix):
    path = tmp_path / f"sigmoid{suffix}"
    cr.draw_graph(sigmoid, 0.5).save(path)
    start = path.read_bytes()[:8]
    assert start.startswith(b"<?xml") if suffix == ".svg" else start == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


@pytest.mark.parametrize("suffix", [".dot", ".gv", ".DOT"])
def test_save_writes_dot_text_by_suffix(tmp_path, suffix):
    path = tmp_path / f"sigmoid{suffix}"
    cr.draw_graph(sigmoid, 0.5).save(str(path))
    assert path.read_text(encoding="utf-8") == SIGMOID_FUNCTION_DOT


def test_save_refuses_an_unknown_suffix(tmp_path):
    with pytest.raises(ValueError, match=r"end the name in \.dot, \.gv, \.svg, \.png"):
        cr.draw_graph(sigmoid, 0.5).save(tmp_path / "sigmoid.jpg")


def test_without_graphviz_rendering_says_how_to_install_it(no_graphviz, tmp_path):
    picture = cr.draw_graph(sigmoid, 0.5)
    with pytest.raises(GraphvizNotFound, match=r"apt-get install graphviz.*chainrule\[graphs\]"):
        picture.svg()
    with pytest.raises(GraphvizNotFound, match="rendering PNG needs Graphviz"):
        picture.save(tmp_path / "sigmoid.png")
    assert list(tmp_path.iterdir()) == []
    assert picture._repr_svg_() is None
    picture.save(tmp_path / "sigmoid.dot")
    assert (tmp_path / "sigmoid.dot").read_text(encoding="utf-8") == SIGMOID_FUNCTION_DOT


# --- bad input --------------------------------------------------------------------------------


def test_bad_input_is_refused_with_a_clear_error():
    x = cr.tensor(1.0, requires_grad=True)
    with pytest.raises(TypeError, match="needs a function or a tensor, got int"):
        cr.draw_graph(3)
    with pytest.raises(ValueError, match="there is no graph to draw"):
        cr.draw_graph(cr.tensor(1.0))
    with pytest.raises(TypeError, match="takes no arguments or names"):
        cr.draw_graph(x * 2, 1.0)
    with pytest.raises(TypeError, match="dtype int64: derivatives need floating-point"):
        cr.draw_graph(lambda x: x * 2, 1)
    with pytest.raises(ValueError, match=r"one non-empty name per argument \(2\)"):
        cr.draw_graph(lambda a, b: a * b, 1.0, 2.0, names=["a"])
    with pytest.raises(ValueError, match="max_nodes must be an integer >= 1"):
        cr.draw_graph(sigmoid, 0.5, max_nodes=0)
    with pytest.raises(ValueError, match="returned a tuple; draw_graph draws the graph of one"):
        cr.draw_graph(lambda x: (x, x), 1.0)
