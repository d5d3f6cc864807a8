"""The identity as a marker: where a transform's input enters its graph.

A transform gives each input a node of this op whose parent is the input's node at the outer
level, so nested transforms keep their perturbations apart (see ``transforms/boundary.py``).
"""

from __future__ import annotations

from chainrule.primitive import Primitive

transform_input = Primitive(
    "input",
    lambda x: x,
    (lambda grad_out, out, x: grad_out,),
    (lambda x_dot, out, x: x_dot,),
    symbolic="x",
    reads_inputs=False, supports_complex=True,
    doc="Where a transform's input enters its graph (identity).",
)

__all__ = ["transform_input"]
