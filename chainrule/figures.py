"""Drawing with matplotlib, an optional extra (``pip install "chainrule[plot]"``): importing it
or saying how to get it, a figure without pyplot's global state, and an atomic save whose
format comes from the file's suffix (.png, .svg, .pdf). Training curves and the pictures of a
function and its derivative are drawn with these.
"""

from __future__ import annotations

import io
import os

from chainrule.files import write_atomically

FORMATS = ("png", "svg", "pdf")
INSTALL_HINT = "pip install 'chainrule[plot]'"


def require_matplotlib():
    """Import matplotlib, or raise ImportError with the line that installs it.

    Example:
        >>> from chainrule.figures import require_matplotlib
        >>> require_matplotlib().__name__
        'matplotlib'
    """
    try:
        import matplotlib
    except ImportError:
        raise ImportError(
            f"drawing needs matplotlib, which is not installed: {INSTALL_HINT}"
        ) from None
    return matplotlib


def new_figure(width, height):
    """A matplotlib Figure of ``width`` × ``height`` inches, without pyplot: no global state, no
    window, no GUI backend to pick (Jupyter still shows it inline)."""
    require_matplotlib()
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def picture_format(path):
    """The format a picture at ``path`` is drawn in, from its suffix.

    Raises:
        ValueError: a suffix other than .png, .svg and .pdf.

    Example:
        >>> from chainrule.figures import picture_format
        >>> picture_format("runs/curves.PNG")
        'png'
    """
    suffix = os.path.splitext(os.fspath(path))[1].lstrip(".").lower()
    if suffix not in FORMATS:
        raise ValueError(f"cannot draw to {os.fspath(path)!r}: name a .png, .svg or .pdf file")
    return suffix


def save_figure(figure, path):
    """Write ``figure`` to ``path`` in the format its suffix names, atomically."""
    suffix = picture_format(path)
    buffer = io.BytesIO()
    figure.savefig(buffer, format=suffix, dpi=120)
    write_atomically(path, buffer.getvalue())


__all__ = ["FORMATS", "INSTALL_HINT", "new_figure", "picture_format", "require_matplotlib",
           "save_figure"]
