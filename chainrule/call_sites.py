"""Where the user's code called into chainrule: the first frame outside chainrule and NumPy.

Errors and diagnostics name that line (``model.py, line 12: y = np.log(x)``) rather than an
engine frame, so that a message points at code the user can change.
"""

from __future__ import annotations

import linecache
import os
import sys

import numpy as np

_PACKAGE = os.path.dirname(os.path.abspath(__file__))
_NUMPY = os.path.dirname(os.path.abspath(np.__file__))


class CallSite:
    """A line of the user's code: ``filename``, ``line`` (its number), ``code`` (its text, or
    "" when the source is not available) and ``numpy_function``, the public NumPy function the
    call went through (None if none)."""

    __slots__ = ("filename", "line", "code", "numpy_function")

    def __init__(self, filename, line, code, numpy_function):
        self.filename = filename
        self.line = line
        self.code = code
        self.numpy_function = numpy_function

    def __str__(self):
        where = f"{os.path.basename(self.filename)}, line {self.line}"
        return f"{where}: {self.code}" if self.code else where


def user_call_site(skip=1):
    """The user's line that led here (``skip`` frames above the caller are ours), or None when
    every frame is chainrule's or NumPy's."""
    frame = sys._getframe(skip + 1)
    numpy_function = None
    while frame is not None:
        filename = os.path.abspath(frame.f_code.co_filename)
        if filename.startswith(_NUMPY):
            numpy_function = frame.f_code.co_name
        elif not filename.startswith(_PACKAGE):
            break
        frame = frame.f_back
    if numpy_function is not None and numpy_function.startswith("_"):
        numpy_function = None
    if frame is None:
        return None
    code = linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip()
    return CallSite(frame.f_code.co_filename, frame.f_lineno, code, numpy_function)


__all__ = ["CallSite", "user_call_site"]
