"""The explorer in a real browser (headless Chromium): every displayed adjoint is the engine's,
fan-out sums build up term by term, modes switch, the keyboard drives it, the live server takes
a typed formula and answers bad input with one line. Each view is saved as a screenshot."""

import json

import numpy as np
import pytest

import chainrule as cr

WEATHER = "x**2 + 5*y + 10*z + x*y*z"


def weather(x, y, z):
    return x**2 + 5 * y + 10 * z + x * y * z


def g(value):
    return f"{value:.6g}"


def number(text):
    """The number a node shows after '= ' (its adjoint or tangent)."""
    return float(text.split("= ")[1].split()[0])


def open_page(page, tmp_path, explanation, fragment=""):
    path = tmp_path / "page.html"
    explanation.to_html(path)
    page.goto(path.as_uri() + fragment)
    page.wait_for_selector("body[data-ready=true]")
    return explanation.to_dict()


def shown(page, sweep, var, kind):
    return page.text_content(f'.pane[data-sweep="{sweep}"] .node[data-var="{var}"] .{kind}')


def position(page):
    return page.inner_text("#position")


def test_reverse_sweep_shows_the_engines_adjoint_at_every_step(page, tmp_path, screenshot):
    explanation = cr.explain(weather, 2.0, 4.0, 8.0)
    forward_pass = len(explanation.to_dict()["steps"])
    # The last step of the forward pass: every value is known, no adjoint yet.
    data = open_page(page, tmp_path, explanation, f"#step={forward_pass - 1}")
    assert "?" in shown(page, "reverse", data["outputs"][0]["var"], "adjoint")
    final = {}
    for event in data["reverse"]["steps"]:
        page.keyboard.press("ArrowRight")
        target = event["to"] if event["kind"] == "contribution" else event["var"]
        expected = event["total"] if event["kind"] == "contribution" else event["adjoint"]
        assert number(shown(page, "reverse", target, "adjoint")) == pytest.approx(expected, 1e-5)
        if event["kind"] == "adjoint":
            final[event["var"]] = event["adjoint"]
    assert position(page).startswith(f"step {len(data['steps']) + len(data['reverse']['steps'])}")
    assert len(final) == len(data["steps"])  # every node's adjoint was completed and checked
    for var, adjoint in final.items():
        assert number(shown(page, "reverse", var, "adjoint")) == pytest.approx(adjoint, 1e-5)
    screenshot("reverse")


def test_fan_out_sums_build_up_term_by_term(page, tmp_path):
    explanation = cr.explain(WEATHER, 2.0, 4.0, 8.0)
    data = open_page(page, tmp_path, explanation)
    start, events = len(data["steps"]), data["reverse"]["steps"]
    sums = [(k, e) for k, e in enumerate(events)
            if e["kind"] == "adjoint" and len(e["sources"]) > 1]
    assert {e["var"] for _, e in sums} == {"v1", "v2", "v3"}  # x, y, z each fan out
    page_url = page.url.split("#")[0]
    for k, event in sums:
        bar = event["var"][0] + "\u0304" + event["var"][1:]
        # Each contribution into it shows the sum so far, one more term each time (the page
        # follows a fragment typed into the address bar).
        into = [j for j, e in enumerate(events[:k]) if e["kind"] == "contribution"
                and e["to"] == event["var"]]
        for count, j in enumerate(into, 1):
            page.goto(f"{page_url}#mode=reverse&step={start + j}")
            terms = " + ".join(f"{g(s['contribution'])} (from {s['from']})"
                               for s in event["sources"][:count])
            sum_so_far = f"{bar} = {terms} = {g(events[j]['total'])} so far"
            assert page.inner_text(".pane .sum") == sum_so_far
        page.goto(f"{page_url}#mode=reverse&step={start + k}")
        assert page.inner_text(".pane .sum") == f"{bar} = {terms} = {g(event['adjoint'])}"


def test_modes_switch_and_forward_mode_shows_the_direction(page, tmp_path, screenshot):
    explanation = cr.explain(WEATHER, 2.0, 4.0, 8.0, mode="both")
    data = open_page(page, tmp_path, explanation, "#mode=forward")
    options = page.eval_on_selector_all("#mode option", "os => os.map(o => o.value)")
    assert options == ["forward", "reverse", "both"]
    output = data["outputs"][0]["var"]
    for k, trace in enumerate(data["forward"]):
        page.select_option("#direction", str(k))
        page.keyboard.press("End")
        tangent = number(shown(page, "forward", output, "tangent"))
        assert tangent == pytest.approx(trace["outputs"][0]["tangent"], 1e-5)
    assert "ż = 1" in page.inner_text(".pane .phase")
    screenshot("forward")
    page.select_option("#mode", "both")
    assert page.eval_on_selector_all(".pane", "ps => ps.map(p => p.dataset.sweep)") == [
        "forward", "reverse"]
    assert "reverse mode is cheaper" in page.inner_text("#cost")
    assert "mode=both" in page.url
    screenshot("both")


def test_keyboard_alone_steps_plays_and_shows_focus(page, tmp_path):
    data = open_page(page, tmp_path, cr.explain(WEATHER, 2.0, 4.0, 8.0))
    total = len(data["steps"]) + len(data["reverse"]["steps"])
    page.keyboard.press("End")
    assert position(page) == f"step {total} of {total}"
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    assert position(page) == f"step 2 of {total}" and page.url.endswith("step=1")
    page.keyboard.press(" ")
    assert page.get_attribute("#play", "aria-pressed") == "true"
    page.keyboard.press(" ")
    assert page.get_attribute("#play", "aria-pressed") == "false"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    while page.evaluate("document.activeElement.id") != "next":
        page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    before = position(page)
    page.keyboard.press("Enter")
    assert position(page) != before


def test_each_output_entry_has_its_own_reverse_sweep(page, tmp_path):
    data = open_page(page, tmp_path, cr.explain(lambda x: cr.stack([x, x**2]), 2.0))
    labels = page.eval_on_selector_all("#row option", "os => os.map(o => o.textContent)")
    assert labels[1:] == [f"the entry {r['row']['label']} alone (a Jacobian row)"
                          for r in data["reverse_rows"]]
    for k, row in enumerate(data["reverse_rows"], 1):
        page.select_option("#row", str(k))
        page.keyboard.press("End")
        gradient = row["gradients"][0]
        displayed = number(shown(page, "reverse", gradient["var"], "adjoint"))
        assert displayed == pytest.approx(gradient["gradient"], 1e-5)
        assert f"row={k}" in page.url


def test_arrays_are_summarised(page, tmp_path, screenshot):
    rng = np.random.default_rng(0)
    x, w1, w2 = rng.normal(size=(8, 4)), rng.normal(size=(4, 5)), rng.normal(size=(5, 1))
    b = rng.normal(size=5)

    def loss(w1, b, w2):
        return cr.mean((cr.tanh(x @ w1 + b) @ w2) ** 2)

    data = open_page(page, tmp_path, cr.explain(loss, w1, b, w2))
    page.keyboard.press("End")
    assert shown(page, "reverse", "v1", "value").startswith("= 4×5 [")
    label = page.get_attribute('.node[data-var="v1"]', "aria-label")
    assert "shape 4×5 (float64)" in label and "‖·‖₂" in label
    assert data["steps"][0]["value"]["shape"] == [4, 5]
    screenshot("arrays")
    # The bias is stretched over the 8 rows: its adjoint sums them back, and the step says so.
    events = data["reverse"]["steps"]
    k = next(k for k, e in enumerate(events) if e["kind"] == "contribution" and e["broadcast"])
    page.goto(page.url.split("#")[0] + f"#step={len(data['steps']) + k}")
    assert page.inner_text(".pane .detail").endswith(
        "; broadcast: the contribution is summed over axis 0")


def test_an_array_too_large_to_list_still_shows_its_norm(page, tmp_path):
    x = np.linspace(-1.0, 2.0, 300).reshape(30, 10)  # 300 entries: the record lists none
    data = open_page(page, tmp_path, cr.explain(lambda x: cr.sum(cr.tanh(x)), x))
    value = data["steps"][0]["value"]
    assert "entries" not in value and value["norm"] == pytest.approx(np.linalg.norm(x))
    page.keyboard.press("End")
    label = page.get_attribute('.node[data-var="v1"]', "aria-label")
    assert f"‖·‖₂ {np.linalg.norm(x):.6g}" in label


def test_jacobian_chain_of_a_composition(page, tmp_path, screenshot):
    def path(t):
        return t, t**2, t**3

    open_page(page, tmp_path, cr.explain([path, weather], 2.0, mode="both"))
    assert page.is_visible("#jacobian-panel")
    assert page.inner_text("#jacobian-title") == "Jacobian chain"
    names = page.eval_on_selector_all("#jacobian tbody > tr > td:first-child",
                                      "cells => cells.map(c => c.textContent)")
    assert names == ["Dpath(t)", "Dweather(path(t))", "Dweather(path(t)) · Dpath(t)"]
    page.locator("#jacobian-panel").scroll_into_view_if_needed()
    screenshot("jacobian")


def test_narrow_screen_stacks_the_view_without_sideways_scrolling(page, tmp_path, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    open_page(page, tmp_path, cr.explain(WEATHER, 2.0, 4.0, 8.0, mode="both"), "#mode=both")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.eval_on_selector(".panes", "p => getComputedStyle(p).flexDirection") == "column"
    screenshot("phone")


def test_two_hundred_nodes_stay_in_a_scrolling_pane(page, tmp_path):
    def deep(x):
        for _ in range(66):
            x = cr.sin(x) * 0.9 + x
        return x

    data = open_page(page, tmp_path, cr.explain(deep, 0.3))
    assert len(data["steps"]) >= 199
    assert page.eval_on_selector(".pane svg", "s => s.classList.contains('dense')")
    page.keyboard.press("End")
    assert number(shown(page, "reverse", "v1", "adjoint")) == pytest.approx(
        data["derivatives"][0]["value"], 1e-5)
    graph = page.eval_on_selector(".graph", "g => [g.scrollWidth, g.clientWidth]")
    assert graph[0] > graph[1]  # the graph scrolls inside its pane, not the page
    page.select_option("#zoom", "fit")
    graph = page.eval_on_selector(".graph", "g => [g.scrollWidth, g.clientWidth]")
    assert graph[0] <= graph[1]  # and "fit" shrinks it to the pane


def live_url(server):
    return f"http://127.0.0.1:{server.port}/?token={server.token}"


def submit(page, formula, at):
    page.fill("#formula", formula)
    page.fill("#at", at)
    with page.expect_response(lambda r: r.url.endswith("/api/explain")) as answered:
        page.press("#at", "Enter")
    page.wait_for_selector("body:not([data-busy])")
    return answered.value


def test_live_server_explains_a_typed_formula(page, live_server, screenshot):
    page.goto(live_url(live_server))
    page.wait_for_selector("body[data-ready=true]")
    response = submit(page, "x1*x2 + sin(x1)", "x1=2, x2=5")
    assert response.status == 200
    data = response.json()["explanation"]
    assert page.inner_text("#title") == "x1*x2 + sin(x1)"
    page.focus("#next")
    page.keyboard.press("End")
    for gradient in data["reverse"]["gradients"]:
        displayed = number(shown(page, "reverse", gradient["var"], "adjoint"))
        assert displayed == pytest.approx(gradient["gradient"], 1e-5)
    assert "f=x1*x2" in page.url and "at=x1%3D2" in page.url
    assert page.is_visible("#steps-panel")
    screenshot("live")


def test_live_server_answers_bad_input_with_the_parsers_line(page, live_server, screenshot):
    page.goto(live_url(live_server))
    page.wait_for_selector("body[data-ready=true]")
    response = submit(page, "sin(x", "x=1")
    assert response.status == 400
    line = page.inner_text("#error")
    assert line == json.loads(response.text())["error"]
    assert line.startswith("cannot read 'sin(x': '(' was never closed")
    screenshot("error")
    submit(page, "sin(x)", "x=1")
    assert page.is_hidden("#error")


def test_live_server_checks_a_derivative(page, live_server, screenshot):
    page.goto(live_url(live_server) + "#f=sin(x**2)&at=x=1")
    page.wait_for_selector("#title:text('sin(x**2)')")
    page.fill("#claim", "cos(x**2)")
    page.press("#claim", "Enter")
    page.wait_for_selector("#verdict.wrong")
    assert "inner derivative forgotten" in page.inner_text("#verdict")
    page.locator("#check-panel").scroll_into_view_if_needed()
    screenshot("check")


def test_jupyter_frame_runs_the_page(page):
    explanation = cr.explain(WEATHER, 2.0, 4.0, 8.0)
    page.set_content(explanation._repr_html_())
    frame = page.frame_locator("iframe")
    frame.locator("body[data-ready=true]").wait_for()
    frame.locator("#end").click()
    final = explanation.to_dict()["reverse"]["gradients"][0]
    displayed = frame.locator(f'.node[data-var="{final["var"]}"] .adjoint').text_content()
    assert number(displayed) == pytest.approx(final["gradient"], 1e-5)
