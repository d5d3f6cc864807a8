"""The exported page: one file holding the record and the explorer's own script and styles,
nothing fetched, nothing computed twice."""

import html
import json
import re

import pytest

import chainrule as cr
from chainrule.cli.explain import explanation_of
from chainrule.explanation.page.build import SCRIPTS, STYLES, asset, embedded_json, page, payload
from tests.cli_process import REPO, run_chainrule


def state_of(text):
    block = re.search(r'<script type="application/json" id="chainrule-state">(.*?)</script>',
                      text, flags=re.S)
    return json.loads(block[1])


def sigmoid(x):
    return 1 / (1 + cr.exp(-x))


def test_page_holds_the_explanations_record_unchanged():
    explanation = cr.explain(sigmoid, 0.5, mode="both")
    state = state_of(explanation.to_html())
    assert state["payload"]["explanation"] == json.loads(explanation.to_json())
    assert state["live"] is None


def test_page_fetches_nothing_and_has_no_placeholders_left():
    text = cr.explain("x*sin(x)", 1.0).to_html()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)
    # The one request is the live server's; a page that stands alone (live None) never makes it.
    assert text.count("fetch(") == 1 and "if (app.live) CR.startLive" in text
    assert not re.search(r"\{\{\w+\}\}", text)
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")


def test_page_carries_the_rule_named_steps_and_the_notes():
    state = state_of(cr.explain("sin(cos(x))", 0.5).to_html())
    assert state["payload"]["steps"].endswith("df/dx = -sin(x)*cos(cos(x))")
    with pytest.warns(cr.explanation.bad_points.PointWarning):
        noted = cr.explain(lambda x: cr.abs(x), 0.0)
    assert state_of(noted.to_html())["payload"]["notes"] == [str(n) for n in noted.notes]


def test_steps_are_left_out_where_they_cannot_be_derived():
    explanation = cr.explain(lambda w: cr.sum(cr.tanh(w) * w), [[0.1, 0.2], [0.3, 0.4]])
    assert payload(explanation)["steps"] is None
    assert payload(cr.explain("x*x", 2.0), with_steps=False)["steps"] is None


def test_embedded_json_cannot_end_its_script_block():
    text = embedded_json({"function": "</script><!-- & <b>"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"function": "</script><!-- & <b>"}


def test_page_text_inserted_is_never_read_as_a_placeholder():
    content = payload(cr.explain("x*x", 2.0))
    content["explanation"]["function"] = "{{scripts}}"
    text = page(content)
    assert text.count("window.ChainruleExplorer = window.ChainruleExplorer || {}") == 1
    assert "<title>{{scripts}} — chainrule explorer</title>" in text


def test_to_html_writes_the_page_whole(tmp_path):
    target = tmp_path / "page.html"
    text = cr.explain(sigmoid, 0.5).to_html(target)
    assert target.read_text(encoding="utf-8") == text
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


def test_jupyter_shows_the_page_in_a_frame_of_its_own():
    explanation = cr.explain("x*x", 3.0)
    shown = explanation._repr_html_()
    assert shown.startswith('<iframe srcdoc="') and 'sandbox="allow-scripts"' in shown
    srcdoc = html.unescape(re.search(r'srcdoc="(.*?)"', shown, flags=re.S)[1])
    assert state_of(srcdoc) == state_of(explanation.to_html())


def test_explain_command_writes_the_page_to_a_file(tmp_path):
    target = tmp_path / "page.html"
    done = run_chainrule("explain", "1/(1+exp(-x))", "--at", "x=0.5", "--format", "html",
                         "-o", str(target))
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    data = state_of(target.read_text(encoding="utf-8"))["payload"]["explanation"]
    assert data["function"] == "1/(1+exp(-x))" and data["mode"] == "reverse"


def test_explain_command_says_in_one_line_when_it_cannot_write(tmp_path):
    done = run_chainrule("explain", "x", "--at", "x=1", "--format", "html",
                         "-o", str(tmp_path / "missing" / "page.html"))
    assert done.returncode == 2
    assert done.stderr.startswith("chainrule explain: cannot write ")
    assert done.stderr.count("\n") == 1


def test_the_committed_sigmoid_page_is_the_current_export():
    committed = (REPO / "docs" / "examples" / "sigmoid.html").read_text(encoding="utf-8")
    fresh = explanation_of("1/(1+exp(-x))", "x=0.5", mode="both")
    assert state_of(committed)["payload"]["explanation"] == fresh.to_dict()
    for name in SCRIPTS + STYLES:
        assert asset(name) in committed, (
            f"docs/examples/sigmoid.html has an old {name}: remake it with the command in "
            "docs/explore.md"
        )
