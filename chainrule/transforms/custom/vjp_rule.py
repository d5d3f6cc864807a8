"""custom_vjp: a function whose reverse-mode rule the user gives (``f.defvjp(fwd, bwd)``); its
forward mode is that rule transposed."""

from __future__ import annotations

from chainrule.ops.elementwise.arithmetic import zeros_like
from chainrule.transforms import trees
from chainrule.transforms.custom.function import CustomFunction, described, one_array, transpose


class custom_vjp(CustomFunction):  # noqa: N801  (JAX's name)
    """A function whose reverse-mode rule is given: ``f.defvjp(fwd, bwd)``.

    ``fwd(*args)`` returns ``(out, residuals)``; ``bwd(*nondiff_args, residuals, grad_out)``
    returns one cotangent per argument not in ``nondiff_argnums`` (a tuple; None for zero).
    Arguments may be trees of arrays; the output is one array. Called on tensors, the function
    is one recorded step whose VJP runs ``bwd``; written in chainrule ops (or NumPy functions
    on tensors), ``bwd`` is differentiated in turn, so higher orders need nothing more: the
    residuals are then recomputed by ``fwd`` from the inputs, so that they carry derivatives.
    Forward mode transposes ``bwd`` (which is linear in ``grad_out``) by reverse mode.

    Args:
        fun: the function; called as is when no argument is a tensor.
        nondiff_argnums: positions of arguments that are not differentiated (passed to
            ``bwd`` first).

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> @cr.custom_vjp
        ... def log1pexp(x):
        ...     return np.logaddexp(0.0, x)
        >>> def log1pexp_fwd(x):
        ...     return log1pexp(x), x
        >>> def log1pexp_bwd(x, grad_out):
        ...     return (grad_out * cr.sigmoid(x),)
        >>> log1pexp.defvjp(log1pexp_fwd, log1pexp_bwd)
        >>> float(cr.grad(log1pexp)(0.0))
        0.5
    """

    kind = "VJP"
    fwd = bwd = None

    def defvjp(self, fwd, bwd):
        """Give the rule: ``fwd(*args) -> (out, residuals)`` and ``bwd(residuals, grad_out)``."""
        self.fwd, self.bwd = fwd, bwd
        self._primitives.clear()

    @property
    def has_rule(self):
        return self.bwd is not None

    def _declare(self, structure):
        count = trees.count(structure)

        def forward(*leaves, nondiff=()):
            out, residuals = self._forward(structure, leaves, nondiff)
            self._memo.saved = ((out, *leaves), residuals)
            return out

        def vjp_rule(grad_out, out, *leaves, i, nondiff=()):
            return self._pulled(structure, grad_out, out, leaves, nondiff)[i]

        def jvp_rule(x_dot, out, *leaves, i, nondiff=()):
            residuals = self._residuals(structure, out, leaves, nondiff)

            def pulled(cotangent):
                return self._cotangents(structure, leaves, nondiff, residuals, cotangent)[i]

            return transpose(pulled, [zeros_like(out)], x_dot, (out, *leaves),
                             f"for forward mode, the bwd of {self.__name__}")[0]

        return self._step(count, forward, vjp_rule, jvp_rule, reads_out=True)

    def _forward(self, structure, leaves, nondiff):
        found = self.fwd(*self._arguments(structure, leaves, nondiff))
        if not (isinstance(found, (tuple, list)) and len(found) == 2):
            raise TypeError(f"the fwd of {self.__name__} must return (out, residuals), but it "
                            f"returned {described(found)}")
        return one_array(found[0], self.__name__), found[1]

    def _residuals(self, structure, out, leaves, nondiff):
        # fwd's residuals from the forward when the rule runs on the same plain arrays; else
        # (tensors: a derivative of the rule itself is wanted) fwd again, recorded.
        saved = getattr(self._memo, "saved", None)
        if saved is not None and len(saved[0]) == len(leaves) + 1 and all(
                a is b for a, b in zip(saved[0], (out, *leaves))):
            return saved[1]
        return self._forward(structure, leaves, nondiff)[1]

    def _pulled(self, structure, grad_out, out, leaves, nondiff):
        def compute():
            residuals = self._residuals(structure, out, leaves, nondiff)
            return self._cotangents(structure, leaves, nondiff, residuals, grad_out)

        return self._remembered("pulled", (grad_out, out, *leaves), compute)

    def _cotangents(self, structure, leaves, nondiff, residuals, grad_out):
        found = self.bwd(*nondiff, residuals, grad_out)
        return self._per_input(structure, leaves, found, f"{self.__name__}'s bwd")


__all__ = ["custom_vjp"]
