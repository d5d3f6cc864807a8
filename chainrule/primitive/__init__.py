"""The one API a rule author uses: how a primitive is declared (forward, a VJP and a JVP per
input, its inputs' names and symbolic forward), the family helpers, ``apply`` (the one door of
every op), and what a rule may read (``value_of``) or raise (``Unbatchable``)."""

from chainrule.engine_state import op_hook
from chainrule.primitive.calls import SYMBOLIC_TYPES, apply, record
from chainrule.primitive.declaration import REGISTRY, Primitive, Unbatchable
from chainrule.primitive.families import (
    bilinear, elementwise, elementwise_binary, linear, nondifferentiable, primitive,
)
from chainrule.primitive.outputs import multiple_outputs
from chainrule.tensor import is_tensor, value_of, view_of

__all__ = [
    "Primitive", "primitive", "elementwise", "elementwise_binary", "linear", "bilinear",
    "nondifferentiable", "multiple_outputs", "apply", "value_of", "is_tensor", "view_of",
    "Unbatchable", "record", "REGISTRY", "op_hook", "SYMBOLIC_TYPES",
]
