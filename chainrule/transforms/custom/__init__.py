"""Functions that bring their own derivative (JAX's ``custom_vjp`` and ``custom_jvp``): each
decorated function is one recorded step, a primitive made for it, whose rules run the user's.

The mode the user gives no rule for is derived by transposing the one given, which is linear in
its cotangent (or tangent): reverse mode through that rule, with respect to it. See
docs/custom-derivatives.md.
"""

from chainrule.transforms.custom.jvp_rule import custom_jvp
from chainrule.transforms.custom.vjp_rule import custom_vjp

__all__ = ["custom_vjp", "custom_jvp"]
