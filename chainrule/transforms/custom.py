"""Functions that bring their own derivative (JAX's ``custom_vjp`` and ``custom_jvp``): each
decorated function is one recorded step, a primitive made for it, whose rules run the user's.

The mode the user gives no rule for is derived by transposing the one given, which is linear in
its cotangent (or tangent): reverse mode through that rule, with respect to it. See
docs/custom-derivatives.md.
"""

from __future__ import annotations

import functools
import inspect
import threading

import numpy as np

from chainrule.ops.elementwise.arithmetic import zeros_like
from chainrule.primitive import SYMBOLIC_TYPES, Primitive, value_of
from chainrule.tensor import Tensor
from chainrule.transforms import trees
from chainrule.transforms.boundary import is_followed, is_live, is_nested, lower, zeros_for
from chainrule.transforms.products import pull, record


class _CustomFunction:
    """What both decorators share: arguments to leaves (one primitive per tree shape of the
    arguments), and the leaves back to the arguments the user's functions take."""

    kind = ""  # "VJP" or "JVP"

    def __init__(self, fun, nondiff_argnums=()):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = tuple(sorted(nondiff_argnums))
        self._signature = _signature_of(fun)
        self._primitives = {}
        self._memo = threading.local()  # one slot per thread: see _remembered

    @property
    def rule_name(self):
        """How error messages name the user's rule: ``the custom VJP rule of f``."""
        return f"the custom {self.kind} rule of {self.__name__}"

    def _missing_rule(self):
        definer = "defvjp(fwd, bwd)" if self.kind == "VJP" else "defjvp(jvp)"
        return TypeError(f"{self.__name__} is a custom_{self.kind.lower()} function with no rule "
                         f"yet: call {self.__name__}.{definer} before calling it")

    def __call__(self, *args, **kwargs):
        args = self._positional(args, kwargs)
        if any(type(a) in SYMBOLIC_TYPES for a in args):
            return self.fun(*args)  # formula terms, as a rule runs on them to write its formula
        nondiff = tuple(args[i] for i in self.nondiff_argnums)
        dynamic = tuple(a for i, a in enumerate(args) if i not in self.nondiff_argnums)
        leaves, structure, _ = trees.flatten(dynamic, f"the arguments of {self.__name__}")
        if not any(isinstance(leaf, Tensor) for leaf in leaves):
            return self.fun(*args)  # nothing follows this call: the plain function
        params = {"nondiff": nondiff} if nondiff else {}
        return self._primitive(structure)(*leaves, **params)

    def _positional(self, args, kwargs):
        if not kwargs:
            return args
        if self._signature is None:
            raise TypeError(f"{self.__name__}: pass its arguments by position")
        bound = self._signature.bind(*args, **kwargs)
        if bound.kwargs:
            raise TypeError(f"{self.__name__}: keyword-only arguments "
                            f"({', '.join(bound.kwargs)}) are not supported by custom rules")
        return bound.args

    def _primitive(self, structure):
        prim = self._primitives.get(structure)
        if prim is None:
            prim = self._primitives[structure] = self._declare(structure)
            prim.custom_rule = self.rule_name  # what gradcheck names when the rule is wrong
        return prim

    def _arguments(self, structure, leaves, nondiff):
        """The full positional arguments of ``fun`` from the leaves and the static ones."""
        dynamic = iter(trees.unflatten(structure, leaves))
        static = iter(nondiff)
        count = len(nondiff) + len(structure[2])
        return tuple(next(static) if i in self.nondiff_argnums else next(dynamic)
                     for i in range(count))

    def _per_input(self, structure, leaves, values, what):
        """``values`` (one entry per differentiated argument, None for zero) as one per leaf."""
        count = len(structure[2])
        if not isinstance(values, (tuple, list)) or len(values) != count:
            raise TypeError(f"{self.rule_name} must return a tuple of {count} value(s), one per "
                            f"argument not in nondiff_argnums, but {what} returned "
                            f"{_described(values)}")
        flat, start = [], 0
        for k, (value, part) in enumerate(zip(values, structure[2])):
            size = trees.count(part)
            if value is None:
                flat.extend(zeros_like(x) for x in leaves[start:start + size])
            elif type(value) in SYMBOLIC_TYPES and part is trees.LEAF:  # writing a formula
                flat.append(value)
            else:
                found, found_structure, _ = trees.flatten(value, f"{what}[{k}]")
                if found_structure != part:
                    raise TypeError(f"{self.rule_name}: {what}[{k}] is shaped "
                                    f"{trees.describe(found_structure)}, but argument {k} is "
                                    f"{trees.describe(part)}")
                flat.extend(found)
            start += size
        return flat

    def _remembered(self, name, key, compute):
        """``compute()``, or what it gave for the same ``key`` (compared by identity) the last
        time in this thread: the engine calls a rule once per input, the user's rule gives all."""
        slot = getattr(self._memo, name, None)
        if slot is not None and len(slot[0]) == len(key) and all(
                a is b for a, b in zip(slot[0], key)):
            return slot[1]
        value = compute()
        setattr(self._memo, name, (key, value))
        return value


class custom_vjp(_CustomFunction):  # noqa: N801  (JAX's name)
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

    def __call__(self, *args, **kwargs):
        if self.bwd is None:
            raise self._missing_rule()
        return super().__call__(*args, **kwargs)

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

            return _transpose(pulled, [zeros_like(out)], x_dot, (out, *leaves))[0]

        return Primitive(
            self.__name__, forward,
            [functools.partial(vjp_rule, i=i) for i in range(count)],
            [functools.partial(jvp_rule, i=i) for i in range(count)],
            reads_out=True, register=False, doc=self.__doc__,
        )

    def _forward(self, structure, leaves, nondiff):
        found = self.fwd(*self._arguments(structure, leaves, nondiff))
        if not (isinstance(found, (tuple, list)) and len(found) == 2):
            raise TypeError(f"the fwd of {self.__name__} must return (out, residuals), but it "
                            f"returned {_described(found)}")
        return _one_array(found[0], self.__name__), found[1]

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


class custom_jvp(_CustomFunction):  # noqa: N801  (JAX's name)
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

    def __call__(self, *args, **kwargs):
        if self.jvp is None:
            raise self._missing_rule()
        return super().__call__(*args, **kwargs)

    def _declare(self, structure):
        count = trees.count(structure)

        def forward(*leaves, nondiff=()):
            return _one_array(self.fun(*self._arguments(structure, leaves, nondiff)),
                              self.__name__)

        def jvp_rule(x_dot, out, *leaves, i, nondiff=()):
            tangents = [x_dot if k == i else zeros_like(x) for k, x in enumerate(leaves)]
            return self._tangent(structure, leaves, nondiff, tangents)

        def vjp_rule(grad_out, out, *leaves, i, nondiff=()):
            return self._transposed(structure, grad_out, out, leaves, nondiff)[i]

        return Primitive(
            self.__name__, forward,
            [functools.partial(vjp_rule, i=i) for i in range(count)],
            [functools.partial(jvp_rule, i=i) for i in range(count)],
            register=False, doc=self.__doc__,
        )

    def _tangent(self, structure, leaves, nondiff, tangents):
        primals = tuple(trees.unflatten(structure, leaves))
        found = self.jvp(*nondiff, primals, tuple(trees.unflatten(structure, tangents)))
        if not (isinstance(found, (tuple, list)) and len(found) == 2):
            raise TypeError(f"{self.rule_name} must return (out, out_dot), but it returned "
                            f"{_described(found)}")
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
            grads = dict(zip(floating, _transpose(tangent_map, zeros, grad_out, leaves)))
            return [grads[k] if k in grads else zeros_like(x) for k, x in enumerate(leaves)]

        return self._remembered("transposed", (grad_out, out, *leaves), compute)


def _transpose(linear, zeros, cotangent, context):
    """Jᵀ·cotangent, one entry per input of ``linear(*inputs) = J·inputs`` (a rule, linear in
    what it is given): one reverse sweep through it from ``zeros``. ``linear`` also reads
    ``context`` (the step's inputs), which an outer level (a transform, jit) may follow: then the
    sweep is recorded, so that its result carries their derivatives too."""
    rec = record(linear, zeros, [f"the tangent of input {k}" for k in range(len(zeros))])
    rec.nested = rec.nested or is_nested([*context, cotangent])
    rec.followed = rec.followed or is_followed([*context, cotangent], rec.nested)
    seed = cotangent if hasattr(cotangent, "shape") else np.asarray(cotangent)
    grads = pull(rec, [seed], followed=rec.followed or is_live(seed))
    return [zeros_for(x) if g is None else lower(g, rec.followed)
            for g, x in zip(grads, rec.inputs)]


def _signature_of(fun):
    try:
        return inspect.signature(fun)
    except (TypeError, ValueError):  # a builtin without one: positional arguments only
        return None


def _one_array(value, name):
    value = value_of(value)
    if isinstance(value, (np.ndarray, np.generic)):
        return value
    array = None if isinstance(value, (tuple, list, dict)) else np.asarray(value)
    if array is None or array.dtype.kind not in "biufc":
        raise TypeError(f"{name} must return one array (custom rules take one output), but it "
                        f"returned {_described(value)}")
    return array[()] if array.ndim == 0 else array


def _described(value):
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)}"
    return f"a {type(value).__name__}"


__all__ = ["custom_vjp", "custom_jvp"]
