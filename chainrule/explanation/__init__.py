"""Explanations: the chain rule shown at work, read from the engine's own record and sweeps."""

from chainrule.explanation.drawing import draw_graph
from chainrule.explanation.anomaly import AnomalyError, detect_anomaly
from chainrule.explanation.explanation import Explanation, explain
from chainrule.explanation.mistakes import CheckResult, check_derivative

__all__ = [
    "AnomalyError", "CheckResult", "Explanation", "check_derivative", "detect_anomaly",
    "draw_graph", "explain",
]
