"""One self-contained HTML file for an explanation: its record as JSON, and the explorer's
script and styles (package data beside this module) inlined, so that it opens from disk with no
server and no network.

The page computes nothing of its own: every value, adjoint, tangent and local derivative it
shows is read from the record (``Explanation.to_dict()``, schema ``chainrule.explanation``).
"""

from __future__ import annotations

import functools
import html
import json
import re
from importlib import resources

# Inlined in this order: each script adds to the one namespace the ones before it made.
SCRIPTS = ("values.js", "timeline.js", "graph.js", "panels.js", "live.js", "main.js")
STYLES = ("explorer.css",)
# Rule-named steps are derived (with SymPy) only for records this small; beyond it they would
# be pages long and take seconds.
MAX_DERIVED_STEPS = 60
_PLACE = re.compile(r"\{\{(\w+)\}\}")


@functools.lru_cache(maxsize=None)
def asset(name):
    """The text of one of the page's files (``page.html``, a script or the styles)."""
    return resources.files(__package__).joinpath("assets", name).read_text(encoding="utf-8")


def payload(explanation, with_steps=True):
    """What the page shows for ``explanation``: its record, the rule-named steps where they can
    be derived, the notes on bad points, and the record's tables (read when scripts are off)."""
    data = explanation.to_dict()
    return {
        "explanation": data,
        "steps": derived_steps(explanation, data) if with_steps else None,
        "notes": [str(note) for note in explanation.notes],
        "tables": explanation.html(),
    }


def derived_steps(explanation, data):
    """``explanation.steps()`` as text, or None where there are none: arrays, a recording too
    long, or no SymPy."""
    if len(data["steps"]) > MAX_DERIVED_STEPS:
        return None
    try:
        return str(explanation.steps())
    except (ValueError, TypeError, ModuleNotFoundError, NotImplementedError):
        return None


def page(content, live=None):
    """The whole HTML page for ``content`` (a :func:`payload`, or None for an empty explorer).

    ``live`` is None for a file that stands alone, or the settings of a running ``chainrule
    explore`` server (which then answers the page's form).
    """
    state = {"payload": content, "live": live}
    title = "chainrule explorer"
    if content is not None:
        title = f"{content['explanation']['function']} — chainrule explorer"
    parts = {
        "title": html.escape(title),
        "styles": "\n".join(asset(name) for name in STYLES),
        "state": embedded_json(state),
        "tables": "" if content is None else content["tables"],
        "scripts": "\n".join(asset(name) for name in SCRIPTS),
    }
    # One pass, so that text inserted (a formula with "{{...}}" in it) is never read again.
    return _PLACE.sub(lambda match: parts[match[1]], asset("page.html"))


def embedded_json(value):
    """JSON safe inside ``<script type="application/json">``: no ``</script>`` or ``<!--`` can
    end or hide the block, whatever a formula or name holds."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def notebook_html(page_text, height=760):
    """The page inside an ``<iframe>`` for Jupyter: its script and styles stay its own."""
    return (
        f'<iframe srcdoc="{html.escape(page_text, quote=True)}" title="chainrule explorer" '
        f'style="width: 100%; height: {height}px; border: 1px solid #888" '
        'sandbox="allow-scripts"></iframe>'
    )


__all__ = ["page", "payload", "derived_steps", "notebook_html", "embedded_json", "asset"]
