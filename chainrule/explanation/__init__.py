"""Explanations: the chain rule shown at work, read from the engine's own record and sweeps."""
