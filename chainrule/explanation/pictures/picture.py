"""A drawn graph: its DOT text, rendered to SVG or PNG on demand, saved by file suffix."""

from __future__ import annotations

import os

from chainrule.files import write_atomically
from chainrule.explanation.pictures.dot import GraphvizNotFound, render

# File suffix → format; .gv is Graphviz's other suffix for DOT.
SUFFIXES = {".dot": "dot", ".gv": "dot", ".svg": "svg", ".png": "png"}


class GraphPicture:
    """A picture of a computation graph, made by :func:`chainrule.draw_graph`.

    ``dot`` holds the Graphviz DOT text and needs nothing installed; ``steps`` counts the
    recorded steps drawn (ops and inputs) and ``hidden`` those left out for ``max_nodes``.
    ``svg()`` and ``png()`` render it with Graphviz's ``dot`` program and, without it, raise
    :class:`~chainrule.explanation.pictures.dot.GraphvizNotFound`, which says how to install it.
    In Jupyter the picture shows as SVG; without Graphviz, as its text representation.

    Example:
        >>> import chainrule as cr
        >>> picture = cr.draw_graph(lambda x: cr.sin(x) * x, 1.0)
        >>> picture
        <GraphPicture of 3 steps; .dot, .svg(), .png(), .save(path)>
        >>> picture.dot.startswith("digraph chainrule {")
        True
    """

    def __init__(self, dot, steps, hidden=0):
        self.dot = dot
        self.steps = steps
        self.hidden = hidden

    def svg(self):
        """The picture as SVG text (needs Graphviz)."""
        return render(self.dot, "svg")

    def png(self):
        """The picture as PNG bytes (needs Graphviz)."""
        return render(self.dot, "png")

    def save(self, path):
        """Write the picture to ``path``, as DOT (.dot, .gv), SVG (.svg) or PNG (.png).

        The file is replaced atomically: a failure leaves any earlier file as it was.

        Raises:
            ValueError: for another suffix.
            GraphvizNotFound: for .svg or .png without Graphviz.
        """
        suffix = os.path.splitext(os.fspath(path))[1].lower()
        if suffix not in SUFFIXES:
            raise ValueError(
                f"cannot tell the picture's format from {os.fspath(path)!r}: end "
                f"the name in {', '.join(SUFFIXES)}"
            )
        format = SUFFIXES[suffix]
        content = self.dot if format == "dot" else render(self.dot, format)
        write_atomically(path, content.encode("utf-8") if isinstance(content, str) else content)

    def _repr_svg_(self):
        # Jupyter shows the SVG; None makes it fall back to the text representation.
        try:
            return self.svg()
        except GraphvizNotFound:
            return None

    def __repr__(self):
        drawn = f"{self.steps:,}"
        if self.hidden:
            drawn += f" of {self.steps + self.hidden:,}"
        return f"<GraphPicture of {drawn} steps; .dot, .svg(), .png(), .save(path)>"


__all__ = ["GraphPicture", "SUFFIXES"]
