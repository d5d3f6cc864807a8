"""A picture a learner wants beside the numbers: f and f′ over an interval, and the tangent line
at a point. f′ is the engine's own derivative (one reverse sweep of the recorded graph), never
a finite difference; where f or f′ is undefined the curves leave a gap.
"""

from __future__ import annotations

import numpy as np

from chainrule.figures import new_figure, save_figure
from chainrule.transforms import grad, vjp

SAMPLES = 401


def plot_derivative(f, path=None, *, at=None, interval=None, name="f", variable="x",
                    title=None):
    """Draw f and its derivative f′ over ``interval``, with the tangent line at ``at``.

    ``f`` must act entry by entry (a formula of one variable written in chainrule ops or NumPy
    functions): f′ at every sample comes from one reverse sweep.

    Args:
        f: the function of one variable.
        path: a .png, .svg or .pdf file to write; None returns the matplotlib Figure instead
            (Jupyter shows it inline).
        at: a point: its tangent line y = f(a) + f′(a)·(x − a) is drawn and the point marked.
        interval: (low, high); default: 5 either side of ``at`` (or of 0).
        name, variable: how the legend writes f and x.
        title: a line above the picture (e.g. the formula).

    Returns:
        The Figure when ``path`` is None, else None.

    Raises:
        ImportError: matplotlib is not installed (the message says how to get it).
        ValueError: an empty interval, or a suffix other than .png, .svg, .pdf.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.explanation import plot_derivative
        >>> figure = plot_derivative(cr.sin, at=0.5, interval=(-3.0, 3.0))
        >>> [line.get_label() for line in figure.axes[0].lines][:2]
        ['f(x)', 'f′(x)']
    """
    centre = 0.0 if at is None else float(at)
    low, high = (centre - 5.0, centre + 5.0) if interval is None else map(float, interval)
    if not low < high:
        raise ValueError(f"plot_derivative: the interval ({low}, {high}) is empty")
    xs = np.linspace(low, high, SAMPLES)
    with np.errstate(all="ignore"):
        values, pull = vjp(f, xs)
        slopes = np.asarray(pull(np.ones_like(np.asarray(values)))[0], dtype=float)
        values = np.asarray(values, dtype=float)
    figure = new_figure(width=6.4, height=4.2)
    ax = figure.subplots()
    ax.plot(xs, values, label=f"{name}({variable})")
    ax.plot(xs, slopes, "--", label=f"{name}′({variable})")
    if at is not None:
        with np.errstate(all="ignore"):
            y0, slope = float(f(centre)), float(grad(f)(centre))
        if np.isfinite(y0) and np.isfinite(slope):
            ax.plot(xs, y0 + slope * (xs - centre), ":",
                    label=f"tangent at {variable} = {centre:g} (slope {slope:.4g})")
            ax.plot([centre], [y0], "o", color="black")
    finite = np.concatenate([values[np.isfinite(values)], slopes[np.isfinite(slopes)]])
    if finite.size:  # poles would flatten the rest: show the middle of the values
        bottom, top = np.percentile(finite, [2, 98])
        margin = 0.1 * max(top - bottom, 1e-9)
        ax.set_ylim(bottom - margin, top + margin)
    ax.axhline(0.0, color="grey", linewidth=0.6)
    ax.set_xlabel(variable)
    ax.grid(alpha=0.3)
    ax.legend()
    if title:
        ax.set_title(title)
    if path is None:
        return figure
    save_figure(figure, path)
    return None


__all__ = ["plot_derivative"]
