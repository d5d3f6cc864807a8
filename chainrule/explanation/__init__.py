"""Explanations: the chain rule shown at work, read from the engine's own record and sweeps."""

from chainrule.explanation.pictures.drawing import draw_graph
from chainrule.explanation.pictures.function_plot import plot_derivative
from chainrule.explanation.anomaly.detect import AnomalyError, detect_anomaly
from chainrule.explanation.traces import Explanation, explain
from chainrule.explanation.mistakes.checker import CheckResult, check_derivative

__all__ = [
    "AnomalyError", "CheckResult", "Explanation", "check_derivative", "detect_anomaly",
    "draw_graph", "explain", "plot_derivative",
]
