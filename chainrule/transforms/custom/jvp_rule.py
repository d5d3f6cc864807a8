"""custom_jvp: a function whose forward-mode rule the user gives (``f.defjvp(jvp)``); its reverse
mode is that rule transposed."""

from __future__ import annotations

import numpy as np

from chainrule.ops.elementwise.arithmetic import zeros_like
from chainrule.primitive import SYMBOLIC_TYPES, value_of
from chainrule.transforms import trees
from chainrule.transforms.custom.function import CustomFunction, described, one_array, transpose


class custom_jvp(CustomFunction):  # noqa: N801  (JAX's name)
    """A function whose forward-mode rule is given: ``f.defjvp(jvp)``.

    ``jvp(*nondiff_args, primals, tangents)`` takes the arguments and their tangents as
    tuples (one entry per argument not in ``nondiff_argnums``) and returns
    ``(out, out_dot)``; ``out_dot`` must be linear in the tangents, as a JVP is. Called on
    tensors, the function is one recorded step: forward mode runs ``jvp`` once per input that
    has a tangent (the others' tangents zero). Reverse mode transposes the rule: it runs
    ``jvp`` once on tangents that are themselves differentiated, and sweeps back through it to
    them (what JAX calls linearize and transpose), so the rule must be written in chainrule ops
    or NumPy functions on tensors. Higher orders differentiate the rule again.

    Args:
        fun: the function; called as is when no argument is a tensor.
        nondiff_argnums: positions of arguments that are not differentiated (passed to
            ``jvp`` first).

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> @cr.custom_jvp
        ... def softclip(x):
        ...     return np.tanh(x)
        >>> @softclip.defjvp
        ... def softclip_jvp(primals, tangents):
        ...     (x,), (x_dot,) = primals, tangents
        ...     out = softclip(x)
        ...     return out, x_dot * (1 - out ** 2)
        >>> float(cr.grad(softclip)(0.0)), float(cr.jvp(softclip, (0.0,), (2.0,))[1])
        (1.0, 2.0)
    """

    kind = "JVP"
    jvp = None

    def defjvp(self, jvp_rule):
        """Give the rule ``jvp(primals, tangents) -> (out, out_dot)``; returns it (a decorator)."""
        self.jvp = jvp_rule
        self._primitives.clear()
        return jvp_rule

    @property
    def has_rule(self):
        return self.jvp is not None

    def _declare(self, structure):
        count = trees.count(structure)

        def forward(*leaves, nondiff=()):
            return one_array(self.fun(*self._arguments(structure, leaves, nondiff)),
                              self.__name__)

        def jvp_rule(x_dot, out, *leaves, i, nondiff=()):
            tangents = [x_dot if k == i else zeros_like(x) for k, x in enumerate(leaves)]
            return self._tangent(structure, leaves, nondiff, tangents)

        def vjp_rule(grad_out, out, *leaves, i, nondiff=()):
            return self._transposed(structure, grad_out, out, leaves, nondiff)[i]

        return self._step(count, forward, vjp_rule, jvp_rule)

    def _tangent(self, structure, leaves, nondiff, tangents):
        primals = tuple(trees.unflatten(structure, leaves))
        found = self.jvp(*nondiff, primals, tuple(trees.unflatten(structure, tangents)))
        if not (isinstance(found, (tuple, list)) and len(found) == 2):
            raise TypeError(f"{self.rule_name} must return (out, out_dot), but it returned "
                            f"{described(found)}")
        return found[1]

    def _transposed(self, structure, grad_out, out, leaves, nondiff):
        # The JVP is linear in the tangents, t ↦ J·t; its VJP in t is Jᵀ·grad_out.
        if any(type(v) in SYMBOLIC_TYPES for v in (grad_out, *leaves)):
            raise TypeError("reverse mode transposes the JVP rule by a sweep, which formula "
                            "terms cannot take; forward mode shows the rule's own formula")
        floating = [k for k, x in enumerate(leaves) if np.asarray(value_of(x)).dtype.kind in "fc"]

        def tangent_map(*chosen):
            tangents = [zeros_like(x) for x in leaves]
            for k, t in zip(floating, chosen):
                tangents[k] = t
            return self._tangent(structure, leaves, nondiff, tangents)

        def compute():
            zeros = [zeros_like(leaves[k]) for k in floating]
            grads = dict(zip(floating, transpose(tangent_map, zeros, grad_out, leaves,
                                                  f"for reverse mode, {self.rule_name}")))
            return [grads[k] if k in grads else zeros_like(x) for k, x in enumerate(leaves)]

        return self._remembered("transposed", (grad_out, out, *leaves), compute)


__all__ = ["custom_jvp"]
