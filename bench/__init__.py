"""The benchmark suite: chainrule beside hand-written NumPy and other autodiff systems.

Run ``python bench/run.py`` from the repository root (see docs/benchmarks.md). Nothing here is
a test: CI runs none of it.
"""
