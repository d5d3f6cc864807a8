"""An explanation's data laid out as titled tables, which text, Markdown and HTML then render.

A table row is a tuple of cells, or one string: a line that spans the table (a sum over paths,
a seed). Numbers are shown to ``digits`` significant digits; the JSON keeps them exact.
"""

from __future__ import annotations

import math
import unicodedata
from typing import NamedTuple

DOT, BAR = "\u0307", "\u0304"  # combining dot (v̇, a tangent) and macron (v̄, an adjoint)
SHOW_ENTRIES = 12


class Section(NamedTuple):
    title: str
    header: tuple
    rows: list
    notes: list


def dotted(name):
    # NFC: ẋ is one character where Unicode has one, so the text is the same however it is
    # stored or typed.
    return unicodedata.normalize("NFC", name[0] + DOT + name[1:])


def barred(name):
    return unicodedata.normalize("NFC", name[0] + BAR + name[1:])


def show(value, digits=6):
    """A value as a table shows it: a number, a small array's entries, or a summary."""
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        text = f"{value:.{digits}g}"
        return "0" if text == "-0" else text
    prefix = "" if value["dtype"] == "float64" else value["dtype"] + " "
    if shows_entries(value):
        return prefix + _nested(value["entries"], digits)
    shape = shape_text(value["shape"])
    if "min" not in value:
        return f"{prefix}shape {shape} (empty)"
    return (
        f"{prefix}shape {shape}: min {show(value['min'], digits)}, max "
        f"{show(value['max'], digits)}, mean {show(value['mean'], digits)}"
    )


def shows_entries(value):
    return "entries" in value and 0 < math.prod(value["shape"]) <= SHOW_ENTRIES


def shape_text(shape):
    return "×".join(map(str, shape))


def _nested(entries, digits):
    if isinstance(entries, list):
        return "[" + ", ".join(_nested(e, digits) for e in entries) + "]"
    return show(entries, digits)


def factor_text(text):
    return f"({text})" if text.startswith("-") else text


def local_text(term, digits):
    """``formula = number``, or just one of them when they read the same."""
    number = term["derivative"]
    if number is None:
        return term["formula"]
    shown = show(number, digits)
    return shown if term["formula"] in (shown, "") else f"{term['formula']} = {shown}"


def product_text(first, second, contribution, digits):
    """``a · b = c`` for scalars (in the order the term is written); else the contribution."""
    if first is None or second is None or isinstance(first, dict) or isinstance(second, dict):
        return show(contribution, digits)
    return (
        f"{factor_text(show(first, digits))} · {factor_text(show(second, digits))}"
        f" = {show(contribution, digits)}"
    )


def sections(data, digits=6):
    """The explanation as a list of :class:`Section`, in reading order."""
    found = [primal_section(data, digits)]
    found += [forward_section(trace, digits) for trace in data["forward"]]
    if data["reverse"] is not None:
        found.append(reverse_section(data, digits))
    found.append(derivatives_section(data, digits))
    if data["jacobian"] is not None:
        found.append(jacobian_section(data["jacobian"], digits))
    return found


def point(data, digits):
    """``x = 0.5, y = [1, 2]``; a large array by its shape alone (the table shows the rest)."""
    parts = []
    for given in data["inputs"]:
        value = given["value"]
        if isinstance(value, dict) and not shows_entries(value):
            parts.append(f"{given['name']} = an array of shape {shape_text(value['shape'])}")
        else:
            parts.append(f"{given['name']} = {show(value, digits)}")
    return ", ".join(parts)


def primal_section(data, digits):
    rows = []
    for step in data["steps"]:
        local = "; ".join(f"∂{step['var']}/∂{d['wrt']} = {d['formula']}" for d in step["local"])
        rows.append((step["var"], step["expression"], show(step["value"], digits), local))
    given = [
        (i["name"], "constant input", show(i["value"], digits), "")
        for i in data["inputs"]
        if i["var"] is None
    ]
    arrays = [(c["name"], "constant", show(c["value"], digits), "") for c in data["constants"]]
    inputs = sum(1 for i in data["inputs"] if i["var"] is not None)
    rows[inputs:inputs] = given + arrays
    outputs = [o["var"] or "a constant" for o in data["outputs"]]
    notes = [f"{'output' if len(outputs) == 1 else 'outputs'}: {', '.join(outputs)}"]
    return Section(
        f"{data['function']} at {point(data, digits)}: primal trace (Wengert list)",
        ("var", "definition", "value", "local derivatives"),
        rows,
        notes,
    )


def forward_section(trace, digits):
    seeds = ", ".join(
        f"{dotted(s['name'])} = {show(s['tangent'], digits)}" for s in trace["direction"]
    )
    rows = [
        f"{dotted(s['var'])} = {dotted(s['name'])} = {show(s['tangent'], digits)} (seed)"
        for s in trace["direction"]
    ]
    for step in trace["steps"]:
        var = step["var"]
        for k, term in enumerate(step["terms"]):
            rows.append(
                (
                    dotted(var) if k == 0 else "",
                    f"∂{var}/∂{term['from']} · {dotted(term['from'])}",
                    local_text(term, digits),
                    product_text(
                        term["derivative"], term["tangent_in"], term["contribution"], digits
                    ),
                )
            )
        if len(step["terms"]) > 1:
            parts = " + ".join(
                f"{factor_text(show(t['contribution'], digits))} (via {t['from']})"
                for t in step["terms"]
            )
            rows.append(f"{dotted(var)} = {parts} = {show(step['tangent'], digits)}")
    return Section(
        f"forward mode along {seeds}: v̇ᵢ = Σ ∂vᵢ/∂vⱼ · v̇ⱼ, in recording order",
        ("tangent", "term", "local derivative", "contribution"),
        rows,
        [],
    )


def reverse_section(data, digits):
    trace = data["reverse"]
    rows = []
    for event in trace["steps"]:
        if event["kind"] == "contribution":
            rows.append(
                (
                    barred(event["to"]),
                    f"+= {barred(event['from'])} · ∂{event['from']}/∂{event['to']}",
                    local_text(event, digits),
                    product_text(
                        event["adjoint_in"], event["derivative"], event["contribution"], digits
                    ),
                    show(event["total"], digits),
                )
            )
        else:
            rows += adjoint_rows(event, digits)
    seeds = ", ".join(f"{barred(s['var'])} = {show(s['adjoint'], digits)}" for s in trace["seeds"])
    return Section(
        f"reverse mode from {seeds}: v̄ⱼ += v̄ᵢ · ∂vᵢ/∂vⱼ, in the order the engine ran",
        ("adjoint", "term", "local derivative", "contribution", "sum so far"),
        rows,
        [],
    )


def adjoint_rows(event, digits):
    """A seed, or the sum over paths where a value fans out; one contribution needs no row."""
    sources, var = event["sources"], barred(event["var"])
    if not sources:
        return [f"{var} = {show(event['adjoint'], digits)} (no path to an output)"]
    if len(sources) == 1 and sources[0]["from"] == "seed":
        return [f"{var} = {show(event['adjoint'], digits)} (seed)"]
    if len(sources) == 1:
        return []
    parts = " + ".join(
        f"{factor_text(show(s['contribution'], digits))} "
        f"({'seed' if s['from'] == 'seed' else 'from ' + s['from']})"
        for s in sources
    )
    return [f"{var} = {parts} = {show(event['adjoint'], digits)}"]


def derivatives_section(data, digits):
    scalar = {i["name"]: not isinstance(i["value"], dict) for i in data["inputs"]}
    rows = []
    for found in data["derivatives"]:
        if found["wrt"] is None:
            label = f"{dotted(found['of'])} along the given direction"
        else:
            of = f"({found['of']})" if " " in found["of"] else found["of"]
            label = found.get("name") or f"∂{of}/∂{found['wrt']}"
            if found["mode"] == "forward" and not scalar[found["wrt"]]:
                label += " · 1"
        rows.append((label, found["mode"], show(found["value"], digits)))
    return Section("derivatives", ("derivative", "mode", "value"), rows, [])


def jacobian_section(chain, digits):
    factors = list(chain["factors"])
    if chain["product"] is not None:
        factors.append(chain["product"])
    rows = [
        (
            f["name"],
            shape_text(f["shape"]),
            "(too large to show)" if f["value"] is None else show(f["value"], digits),
        )
        for f in factors
    ]
    cost = chain["cost"]
    n, m = cost["inputs"], cost["outputs"]
    verdict = {
        "same": "the same",
        "forward": "forward mode is cheaper",
        "reverse": "reverse mode is cheaper",
    }[cost["cheaper"]]
    notes = [
        f"cost: n = {n} input {'entry' if n == 1 else 'entries'}, m = {m} output "
        f"{'entry' if m == 1 else 'entries'}: forward mode takes n = {n} "
        f"{'sweep' if n == 1 else 'sweeps'} (one per input entry), reverse mode m = {m} "
        f"(one per output entry): {verdict}"
    ]
    if len(chain["factors"]) > 1:
        notes.append(
            f"forward mode multiplies the chain from the input side "
            f"({chain['factors'][0]['name']} first), reverse mode from the output side "
            f"({chain['factors'][-1]['name']} first)"
        )
    title = "Jacobian chain" if len(chain["factors"]) > 1 else "Jacobian"
    return Section(title, ("factor", "shape", "value"), rows, notes)


__all__ = ["Section", "sections", "show"]
