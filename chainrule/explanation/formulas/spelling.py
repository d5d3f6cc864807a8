"""Formula text as people type it, rewritten into the Python source the parser reads: ``^`` as
``**``, ``π`` as ``pi``, ``−`` ``×`` ``·`` ``÷`` as ``-`` ``*`` ``*`` ``/``, and implicit
products (``2x``, ``3sin(x)``, ``(x+1)(x-1)``) with their ``*`` written out. A product that
could be read two ways (``1/2x``: 1/(2x) or x/2? ``x^2y``: x^(2y) or x²·y?) is refused.

Each character of the source keeps the column of the typed character it came from, so that
errors point into the text as typed.
"""

from __future__ import annotations

import keyword
import re

# The constants of the formula language, as typed.
CONSTANTS = ("pi", "e", "π")
# One character typed, the source it stands for.
SPELLINGS = {"^": "**", "π": "pi", "−": "-", "×": "*", "·": "*", "÷": "/"}

_TOKEN = re.compile(
    r"(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[^\W\d]\w*)"
    r"|(?P<power>\*\*|\^)"
    r"|(?P<space>\s+)"
    r"|(?P<other>.)",
    re.DOTALL,
)


class AmbiguousProduct(ValueError):
    """An implicit product that can be read two ways, or a function without its brackets
    (``sin x``); ``column`` is where it starts (from 1)."""

    def __init__(self, message, column):
        super().__init__(message)
        self.column = column


def source_of(typed, functions):
    """``(source, columns)``: the Python source for ``typed`` and, for each source character,
    the column (from 1) of the typed character it came from.

    ``functions`` are the names that are called (``sin``), so that ``3sin(x)`` is 3*sin(x) but
    ``x(x+1)`` is left for the parser to refuse (a variable is not a function).

    Raises:
        AmbiguousProduct: for an implicit product right after ``/`` or in an exponent, or a
            function name followed by a name or number without brackets (``sin x``).

    Example:
        >>> source_of("2x^2", ())[0]
        '2*x**2'
        >>> source_of("3sin(πx)", ("sin",))[0]
        '3*sin(pi*x)'
    """
    tokens = [(m.lastgroup, m.group(), m.start()) for m in _TOKEN.finditer(typed)]
    pieces = []  # (source text, typed column)
    shown = []  # the tokens that are not blanks: (kind, text, where the operand starts)
    opened = []  # for each open bracket, where the operand it begins starts
    for kind, text, start in tokens:
        if kind == "space":
            pieces.append((text, start + 1))
            continue
        if shown and shown[-1][0] == "name" and shown[-1][1] in functions and kind in (
            "name",
            "number",
        ):
            function = shown[-1][1]
            raise AmbiguousProduct(
                f"{typed!r}: {function} needs brackets around what it applies to, as in "
                f"{function}({text})",
                start + 1,
            )
        spaced = bool(pieces) and pieces[-1][0].isspace()
        product = bool(shown) and _implicit(shown[-1], kind, text, spaced)
        if product:
            operand = shown[-1][2]
            operator = shown[operand - 1][1] if operand > 0 else None
            if operator in ("/", "**", "^"):
                raise AmbiguousProduct(_ambiguity(typed, operator), start + 1)
            pieces.append(("*", start + 1))
        pieces.extend(_spelled(kind, text, start))
        operand = len(shown)
        if text == "(":
            # A call's operand starts at the function's name.
            called = shown and shown[-1][0] == "name" and shown[-1][1] in functions
            opened.append(operand - 1 if called else operand)
        elif text == ")":
            kind = "close"
            operand = opened.pop() if opened else 0
        elif kind == "name" and shown and shown[-1][0] == "number" and not product:
            kind = "glued"  # a name stuck to a number and not multiplied (0b1or): no product
        shown.append((kind, text, operand))
    source = "".join(text for text, _ in pieces)
    columns = [column for text, column in pieces for _ in text]
    return source, columns


def _spelled(kind, text, start):
    # π stuck to a name is a product too: 2πx is 2*pi*x.
    if kind == "name" and "π" in text and text != "π":
        parts = [part for part in re.split("(π)", text) if part]
        spelled, column = [], start + 1
        for i, part in enumerate(parts):
            if i:
                spelled.append(("*", column))
            spelled.append((SPELLINGS.get(part, part), column))
            column += len(part)
        return spelled
    return [(SPELLINGS.get(text, text), start + 1)]


def _implicit(previous, kind, text, spaced):
    # A number, a constant or a closing bracket followed by a name, a number or an opening
    # bracket; a variable and a name with a blank between them (x y, x sin(x)).
    opens = text == "("
    if kind == "name" and keyword.iskeyword(text):  # 1 if x > 0 else 2
        return False
    if previous[0] == "name" and not keyword.iskeyword(previous[1]):
        if previous[1] in CONSTANTS:
            return kind in ("name", "number") or opens
        return spaced and kind == "name"
    if previous[0] == "number":
        # Python's own spellings of numbers (0x1f, 0b1, 1_000) are left to the parser to refuse.
        python_number = text[:1] == "_" or previous[1] == "0" and text[:1] in "bBoOxX"
        return kind == "name" and not python_number or opens
    if previous[0] == "close":
        return kind in ("name", "number") or opens
    return False


def _ambiguity(typed, operator):
    if operator == "/":
        return (
            f"{typed!r} is ambiguous: a product written without * right after '/' can be read "
            "two ways (1/2x: 1/(2*x) or x/2?); write the * and brackets, e.g. 1/(2*x)"
        )
    return (
        f"{typed!r} is ambiguous: a product written without * in an exponent can be read two "
        "ways (x^2y: x^(2*y) or x^2*y?); write the * and brackets, e.g. x^(2*y)"
    )


def typed_column(columns, column):
    """The typed column of source column ``column`` (both from 1)."""
    if not columns:
        return column
    return columns[min(column, len(columns)) - 1]


__all__ = ["AmbiguousProduct", "SPELLINGS", "source_of", "typed_column"]
