"""The two sweeps of automatic differentiation over the recorded graph: reverse and forward."""
