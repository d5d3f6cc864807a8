"""Titled tables (see :mod:`chainrule.explanation.text.tables`) as terminal text, Markdown and
HTML."""

from __future__ import annotations

import html as html_escape
import unicodedata

# The longest line an explanation's text has, in characters: it reads on a terminal and in a
# 100-column file.
PAGE = 100


def width(text):
    """Columns ``text`` takes on a terminal: combining marks (the dot of v̇) take none."""
    return sum(0 if unicodedata.combining(char) else 1 for char in text)


def pad(text, columns):
    return text + " " * (columns - width(text))


def text(sections, page=PAGE):
    """Each section as a title and its table, columns aligned, two spaces apart; where the
    columns would run past ``page`` characters, each row as a block of lines (see
    :class:`~chainrule.explanation.text.tables.Section`). No line is longer than ``page``."""
    blocks = []
    for section in sections:
        table = columns(section)
        if any(len(line) > page for line in table):
            table = blocks_of(section, page)
        lines = wrapped(section.title, page, "  ") + table
        for note in section.notes:
            lines += wrapped(note, page, "  ")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def columns(section):
    """The table's lines with its columns aligned; a spanning row as it is."""
    grid = [section.header] + [row for row in section.rows if not isinstance(row, str)]
    widths = [max(width(row[k]) for row in grid) for k in range(len(section.header))]
    lines = []
    for row in [section.header, *section.rows]:
        if isinstance(row, str):
            lines.append("  " + row)
        else:
            lines.append(("  " + "  ".join(pad(cell, w) for cell, w in zip(row, widths))).rstrip())
    return lines


def blocks_of(section, page):
    """Each row as a block: its lead on a line, then each other cell under its header."""
    lines, last = [], None
    for row in section.rows:
        if isinstance(row, str):
            lines += wrapped(row, page, "      ", first="  ")
            continue
        cells = list(row)
        if not cells[0] and last is not None:  # a further term of the same value
            cells[0] = last
        last = cells[0]
        lead = section.lead.format(*cells[: section.lead_cells])
        lines += wrapped(lead, page, "      ", first="  ")
        shown = set()
        for header, cell in zip(section.header[section.lead_cells :], cells[section.lead_cells :]):
            if not cell:
                continue
            if cell in shown:  # a sum so far that is the contribution itself
                cell = "the same"
            shown.add(cell)
            lines += wrapped(f"{header}: {cell}", page, "          ", first="      ")
    return lines


def wrapped(line, page, indent, first="", prefer=()):
    """``line`` (after ``first``) broken at spaces into lines of at most ``page`` characters,
    the later ones indented by ``indent``; a word longer than a line is cut. A break after one
    of ``prefer`` (``": "``, ``" = "``) is taken where the rest then fits on one line."""
    line = first + line
    found = []
    while len(line) > page:
        cut = _cut(line, page, len(indent), prefer)
        found.append(line[:cut].rstrip())
        line = indent + line[cut:].lstrip()
    return found + [line]


def _cut(line, page, indent, prefer):
    # The page counts characters, combining marks too (v̄ is two), so that every way of
    # measuring a line finds it within the page.
    start = len(line) - len(line.lstrip())
    for mark in prefer:
        at = line.rfind(mark, start + 1, page)
        if at > start and indent + len(line) - (at + len(mark)) <= page:
            return at + len(mark.rstrip())
    # The last space within the page (after the indent), else the page's last character.
    space = line.rfind(" ", start + 1, page + 1)
    return space if space > start else page


def _markdown_cell(cell):
    for char in "\\|*_`":
        cell = cell.replace(char, "\\" + char)
    return cell


def markdown(sections):
    """Each section as a bold title, a Markdown table and its notes."""
    blocks = []
    for section in sections:
        columns = len(section.header)
        lines = [f"**{_markdown_cell(section.title)}**", ""]
        lines.append("| " + " | ".join(map(_markdown_cell, section.header)) + " |")
        lines.append("|" + "---|" * columns)
        for row in section.rows:
            cells = [row] + [""] * (columns - 1) if isinstance(row, str) else list(row)
            lines.append("| " + " | ".join(map(_markdown_cell, cells)) + " |")
        if section.notes:
            lines += [""] + [_markdown_cell(note) for note in section.notes]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def html(sections):
    """Each section as a ``<table>`` with a caption; a spanning row is one wide cell."""
    escape = html_escape.escape
    parts = ['<div class="chainrule-explanation">']
    for section in sections:
        columns = len(section.header)
        parts.append(f"<table>\n<caption>{escape(section.title)}</caption>")
        parts.append(
            "<thead><tr>"
            + "".join(f"<th>{escape(h)}</th>" for h in section.header)
            + "</tr></thead>\n<tbody>"
        )
        for row in section.rows:
            if isinstance(row, str):
                parts.append(f'<tr><td colspan="{columns}">{escape(row)}</td></tr>')
            else:
                parts.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>")
        parts.append("</tbody>\n</table>")
        parts += [f"<p>{escape(note)}</p>" for note in section.notes]
    parts.append("</div>")
    return "\n".join(parts) + "\n"


__all__ = ["text", "markdown", "html", "width"]
