"""chainrule: automatic differentiation for NumPy that shows its work."""
from chainrule.tensor import Tensor, tensor
from chainrule.graph import no_grad, enable_grad, set_grad_enabled, is_grad_enabled
from chainrule.primitive import primitive, Primitive
from chainrule.ops.arithmetic import *
from chainrule.ops.exponential import *
from chainrule.ops.trigonometric import *
from chainrule.ops.hyperbolic import *
from chainrule.ops.piecewise import *
from chainrule.ops.reductions import *
from chainrule.ops.shape import *
from chainrule.ops.comparison import *
from chainrule.transforms import grad, value_and_grad, vjp, jvp, jacobian, jacrev, jacfwd, hessian, hvp
from chainrule.testing import gradcheck
