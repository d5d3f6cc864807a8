"""Function transforms, JAX style: grad, value_and_grad, vjp, jvp, jacobian, hessian, hvp.

They take functions of numbers, NumPy arrays, tensors and containers of them; called with
plain values they return plain NumPy values, and they nest to any order (see docs/transforms.md).
as_input, floating, is_live, lower and Batch are what the layers above (explanations) build on.
"""

from chainrule.transforms.batching.batch import Batch
from chainrule.transforms.boundary import as_input, floating, is_live, lower
from chainrule.transforms.custom import custom_jvp, custom_vjp
from chainrule.transforms.gradients import grad, value_and_grad
from chainrule.transforms.jacobians import hessian, hvp, jacfwd, jacobian, jacrev
from chainrule.transforms.products import jvp, vjp

__all__ = [
    "grad",
    "value_and_grad",
    "vjp",
    "jvp",
    "jacobian",
    "jacrev",
    "jacfwd",
    "hessian",
    "hvp",
    "custom_vjp",
    "custom_jvp",
    "as_input",
    "floating",
    "is_live",
    "lower",
    "Batch",
]
