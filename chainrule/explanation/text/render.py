"""Titled tables (see :mod:`chainrule.explanation.text.tables`) as terminal text, Markdown and
HTML."""

from __future__ import annotations

import html as html_escape
import unicodedata


def width(text):
    """Columns ``text`` takes on a terminal: combining marks (the dot of v̇) take none."""
    return sum(0 if unicodedata.combining(char) else 1 for char in text)


def pad(text, columns):
    return text + " " * (columns - width(text))


def text(sections):
    """Each section as a title and its table, columns aligned, two spaces apart."""
    blocks = []
    for section in sections:
        grid = [section.header] + [row for row in section.rows if not isinstance(row, str)]
        widths = [max(width(row[k]) for row in grid) for k in range(len(section.header))]
        lines = [section.title]
        for row in [section.header, *section.rows]:
            if isinstance(row, str):
                lines.append("  " + row)
            else:
                lines.append(
                    ("  " + "  ".join(pad(cell, w) for cell, w in zip(row, widths))).rstrip()
                )
        lines += section.notes
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


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
