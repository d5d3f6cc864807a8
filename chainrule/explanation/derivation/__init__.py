"""Rule-named symbolic steps: a derivative derived as a textbook does it, from the engine's
record and the ops' own rules (``chainrule diff EXPR --steps``, ``explain(...).steps()``).
"""
