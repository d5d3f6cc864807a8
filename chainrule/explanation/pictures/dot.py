"""Graphviz DOT text that any label survives (quotes, backslashes, newlines, unicode), and its
rendering to SVG or PNG by Graphviz's ``dot`` program when that is installed.
"""

from __future__ import annotations

import shutil
import subprocess

# Rendering a drawing of at most a few hundred nodes takes well under a second; the bound only
# keeps a broken Graphviz installation from hanging the caller.
RENDER_TIMEOUT = 60

FORMATS = ("svg", "png")

INSTALL_HINT = (
    "install Graphviz's dot program (apt-get install graphviz, brew install graphviz or conda "
    "install graphviz) and pip install 'chainrule[graphs]'; DOT text needs neither (the .dot "
    "attribute, or a .dot file)"
)


class GraphvizNotFound(RuntimeError):
    """Graphviz's ``dot`` program is needed to render a drawing and could not be found."""


def quote(text):
    r"""``text`` as a DOT quoted string whose label shows exactly that text, line by line.

    A backslash starts an escape in DOT labels and ``&`` an HTML entity, so both are escaped;
    newlines become centred line breaks; other control characters become spaces.

    Example:
        >>> print(quote('say "hi"\nto 1 & 2'))
        "say \"hi\"\nto 1 &amp; 2"
    """
    text = str(text).replace("\r\n", "\n")
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")
    text = text.replace("\n", "\\n")
    return '"' + "".join(" " if ord(char) < 32 else char for char in text) + '"'


def attributes(**settings):
    """A DOT attribute list ``[name="value", ...]`` in the order given; None values are left out.

    Example:
        >>> attributes(label="a", color=None, penwidth=2)
        '[label="a", penwidth="2"]'
    """
    pairs = [f"{name}={quote(value)}" for name, value in settings.items() if value is not None]
    return "[" + ", ".join(pairs) + "]"


def render(dot, format):
    """Render DOT text with Graphviz: SVG as text, PNG as bytes.

    Uses the ``graphviz`` Python package when it is installed, else runs ``dot`` directly;
    both need the ``dot`` program itself.

    Raises:
        GraphvizNotFound: when ``dot`` is not installed (the message says how to install it).
        RuntimeError: when Graphviz fails on the text.
    """
    if format not in FORMATS:
        raise ValueError(f"cannot render {format!r}; formats: {', '.join(FORMATS)} (and DOT)")
    try:
        import graphviz
    except ImportError:
        out = _run_dot(dot, format)
    else:
        try:
            out = graphviz.pipe("dot", format, dot.encode("utf-8"), quiet=True)
        except graphviz.ExecutableNotFound:
            raise GraphvizNotFound(
                f"rendering {format.upper()} needs Graphviz: {INSTALL_HINT}"
            ) from None
        except graphviz.CalledProcessError as error:
            raise _failed(error.stderr) from None
    return out.decode("utf-8") if format == "svg" else out


def _run_dot(dot, format):
    program = shutil.which("dot")
    if program is None:
        raise GraphvizNotFound(f"rendering {format.upper()} needs Graphviz: {INSTALL_HINT}")
    done = subprocess.run(
        [program, f"-T{format}"],
        input=dot.encode("utf-8"),
        capture_output=True,
        timeout=RENDER_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        raise _failed(done.stderr)
    return done.stdout


def _failed(stderr):
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else str(stderr or "")
    first = text.strip().splitlines()[0] if text.strip() else "no message"
    return RuntimeError(f"Graphviz could not render the drawing: {first}")


def available():
    """Whether Graphviz's ``dot`` program is on the PATH (so SVG and PNG can be made)."""
    return shutil.which("dot") is not None


__all__ = ["GraphvizNotFound", "INSTALL_HINT", "attributes", "available", "quote", "render"]
