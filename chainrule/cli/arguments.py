"""Argument types for the commands' options: numbers checked as they are parsed, so that a bad
value is named in argparse's one-line error.
"""

from __future__ import annotations

import argparse
import math


def plural(number, noun):
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def count(text):
    """An argparse type: an int >= 0."""
    return _number(text, int, lambda value: value >= 0, "an integer >= 0")


def positive_int(text):
    """An argparse type: an int >= 1."""
    return _number(text, int, lambda value: value >= 1, "an integer >= 1")


def positive_float(text):
    """An argparse type: a finite float > 0."""
    return _number(text, float, lambda value: 0 < value < math.inf, "a number > 0")


def momentum(text):
    """An argparse type: a float in [0, 1)."""
    return _number(text, float, lambda value: 0 <= value < 1, "a number in [0, 1)")


def share(text):
    """An argparse type: a float strictly between 0 and 1."""
    return _number(text, float, lambda value: 0 < value < 1, "a number between 0 and 1")


def _number(text, kind, accept, expected):
    try:
        value = kind(text)
    except ValueError:
        value = None
    if value is None or not accept(value):
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
    return value


__all__ = ['plural', 'count', 'positive_int', 'positive_float', 'momentum', 'share']
