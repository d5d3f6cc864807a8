"""An explanation's data laid out as titled tables, which text, Markdown and HTML then render.

A table row is a tuple of cells, or one string: a line that spans the table (a sum over paths,
a seed). Numbers are shown to ``digits`` significant digits; the JSON keeps them exact.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from chainrule.explanation.text.names import barred, dotted

SHOW_ENTRIES = 12
# An array whose entries would take more characters than this is shown by a summary.
ENTRIES_WIDTH = 60
# The text of an explanation's point, beyond which its arrays are named by their shapes.
POINT_WIDTH = 60


class Section(NamedTuple):
    """A titled table. Where its columns do not fit the page, the text renders each row as a
    block: ``lead`` (a format of the row's first ``lead_cells`` cells) on a line of its own,
    then each other cell under its header."""

    title: str
    header: tuple
    rows: list
    notes: list
    lead: str = "{0}  {1}"
    lead_cells: int = 2


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
        entries = _nested(value["entries"], digits)
        if len(entries) <= ENTRIES_WIDTH:
            return prefix + entries
    shape = shape_text(value["shape"])
    if "min" not in value:
        return f"{prefix}shape {shape} (empty)"
    if value["min"] == value["max"]:
        return f"{prefix}shape {shape}: {show(value['min'], digits)} at every entry"
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
    shapes = value_shapes(data)
    found += [forward_section(trace, digits, shapes) for trace in data["forward"]]
    if data["reverse"] is not None:
        found += reverse_sections(data, digits, shapes)
    found.append(derivatives_section(data, digits))
    if data["jacobian"] is not None:
        found.append(jacobian_section(data["jacobian"], digits))
    return found


def point(data, digits):
    """``x = 0.5, y = [1, 2]``; arrays by their shapes alone (the table shows the rest) where
    they are large or their entries would make a long title."""
    def written(by_shape):
        parts = []
        for given in data["inputs"]:
            value = given["value"]
            if isinstance(value, dict) and (by_shape or not shows_entries(value)):
                parts.append(f"{given['name']} = an array of shape {shape_text(value['shape'])}")
            else:
                parts.append(f"{given['name']} = {show(value, digits)}")
        return ", ".join(parts)

    text = written(by_shape=False)
    return text if len(text) <= POINT_WIDTH else written(by_shape=True)


def primal_section(data, digits):
    rows = []
    shapes = value_shapes(data)
    for step in data["steps"]:
        local = "; ".join(f"∂{step['var']}/∂{d['wrt']} = {d['formula']}" for d in step["local"])
        rows.append((step["var"], step["expression"], show(step["value"], digits), local))
        for d in step["local"]:
            if d.get("broadcast"):
                rows.append(
                    f"({d['wrt']}, {shape_words(shapes[d['wrt']])}, is broadcast to "
                    f"{step['var']}'s {shape_words(shapes[step['var']])} "
                    f"{along(d['broadcast'])})"
                )
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
    maps = [
        (step["var"], d) for step in data["steps"] for d in step["local"] if "↦" in d["formula"]
    ]
    if maps:  # the map notation, defined where it is first used
        var, d = maps[0]
        notes.append(
            f"where a value is an array, ∂vᵢ/∂vⱼ is a linear map, written as what it does to "
            f"v̄ᵢ, the adjoint of vᵢ (∂output/∂vᵢ, which the reverse sweep computes): "
            f"∂{var}/∂{d['wrt']} = {d['formula']} gives {var}'s contribution to {barred(d['wrt'])}"
        )
    return Section(
        f"{data['function']} at {point(data, digits)}: primal trace (Wengert list)",
        ("var", "definition", "value", "local derivatives"),
        rows,
        notes,
        lead="{0} = {1}",
    )


def value_shapes(data):
    """The shape of every named value: inputs, steps and constants (a number's is [])."""
    shapes = {}
    for given in data["inputs"]:
        shapes[given["name"]] = _shape(given["value"])
        if given["var"] is not None:
            shapes[given["var"]] = _shape(given["value"])
    for step in data["steps"]:
        shapes[step["var"]] = _shape(step["value"])
    for constant in data["constants"]:
        shapes[constant["name"]] = _shape(constant["value"])
    return shapes


def _shape(value):
    return value["shape"] if isinstance(value, dict) else []


def shape_words(shape):
    return f"shape {shape_text(shape)}" if shape else "a number"


def along(axes):
    return f"along axis {axes[0]}" if len(axes) == 1 else f"along axes {tuple(axes)}"


def forward_section(trace, digits, shapes):
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
            if term.get("broadcast"):
                rows.append(
                    f"broadcast: {dotted(term['from'])} ({shape_words(shapes[term['from']])}) "
                    f"is repeated {along(term['broadcast'])} to {var}'s "
                    f"{shape_words(shapes[var])}"
                )
        if len(step["terms"]) > 1:
            parts = " + ".join(
                f"{factor_text(show(t['contribution'], digits))} (via {t['from']})"
                for t in step["terms"]
            )
            rows.append(f"{dotted(var)} = {parts} = {show(step['tangent'], digits)}")
    notes = []
    if any("↦" in term["formula"] for step in trace["steps"] for term in step["terms"]):
        notes.append(
            "v̇ⱼ ↦ …: where a value is an array, ∂vᵢ/∂vⱼ is a linear map, written as what it "
            "does to the tangent v̇ⱼ: its contribution to v̇ᵢ"
        )
    return Section(
        f"forward mode along {seeds}: v̇ᵢ = Σ ∂vᵢ/∂vⱼ · v̇ⱼ, in recording order",
        ("tangent", "term", "local derivative", "contribution"),
        rows,
        notes,
        lead="{0} += {1}",
    )


def reverse_sections(data, digits, shapes):
    """The reverse sweep; for a small vector output one sweep per Jacobian row instead."""
    rows = data.get("reverse_rows")
    if not rows:
        return [reverse_section(data["reverse"], digits, shapes, sweep_notes(data))]
    found = []
    for k, trace in enumerate(rows, 1):
        label = trace["row"]["label"]
        title = f"reverse mode, sweep {k} of {len(rows)} (row {label} of the Jacobian)"
        found.append(reverse_section(trace, digits, shapes, [], title))
    found[-1].notes.append(
        f"one sweep per output entry, each from v̄ = 1 at that entry and 0 elsewhere, finds one "
        f"row of the Jacobian: m = {len(rows)} sweeps; a sweep from v̄ = 1 at every entry would "
        f"find their sum"
    )
    return found


def sweep_notes(data):
    """What one sweep from an array v̄ finds: v̄ᵀJ, not the Jacobian."""
    trace = data["reverse"]
    arrays = [s["adjoint"] for s in trace["seeds"] if isinstance(s["adjoint"], dict)]
    if not arrays:
        return []
    m = sum(math.prod(array["shape"]) for array in arrays)
    if trace.get("cotangent"):
        return [
            "one sweep from the given v̄ finds v̄ᵀJ, the gradient of Σ v̄·output, not the "
            "Jacobian itself"
        ]
    return [
        f"one sweep from v̄ = 1 at every output entry finds v̄ᵀJ: the gradient of the entries' "
        f"sum, the sum of the Jacobian's {m} rows; a row needs a sweep of its own "
        f"(explain(..., cotangent=...) with 1 at its entry)"
    ]


def reverse_section(trace, digits, shapes, notes, title=None):
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
            if event.get("broadcast"):
                rows.append(
                    f"broadcast sum: {event['to']} ({shape_words(shapes[event['to']])}) was "
                    f"broadcast {along(event['broadcast'])} to {event['from']}'s "
                    f"{shape_words(shapes[event['from']])}, so {barred(event['to'])} adds up "
                    f"{barred(event['from'])} {along(event['broadcast'])}"
                )
        else:
            rows += adjoint_rows(event, digits)
    seeds = ", ".join(f"{barred(s['var'])} = {show(s['adjoint'], digits)}" for s in trace["seeds"])
    rule = "v̄ⱼ += v̄ᵢ · ∂vᵢ/∂vⱼ, in the order the engine ran"
    title = f"{title or 'reverse mode'} from {seeds}"
    return Section(
        f"{title}: {rule}",
        ("adjoint", "term", "local derivative", "contribution", "sum so far"),
        rows,
        list(notes),
        lead="{0} {1}",
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
    return Section("derivatives", ("derivative", "mode", "value"), rows, [], "{0} ({1})")


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
    return Section(title, ("factor", "shape", "value"), rows, notes, "{0} ({1})")


__all__ = ["Section", "sections", "show"]
