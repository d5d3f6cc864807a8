"""What custom_vjp and custom_jvp share: a decorated function's arguments as the leaves of one
recorded step (one primitive per tree shape of the arguments) and back, the user's results per
leaf, and the transposition of a rule that is linear in what it is given."""

from __future__ import annotations

import functools
import inspect
import threading

import numpy as np

from chainrule.ops.elementwise.arithmetic import zeros_like
from chainrule.primitive import SYMBOLIC_TYPES, Primitive, Unbatchable, value_of
from chainrule.tensor import Tensor
from chainrule.transforms import trees
from chainrule.transforms.boundary import is_followed, is_live, is_nested, lower, zeros_for
from chainrule.transforms.products import pull, record


class CustomFunction:
    """What both decorators share: arguments to leaves (one primitive per tree shape of the
    arguments), and the leaves back to the arguments the user's functions take."""

    kind = ""  # "VJP" or "JVP"
    has_rule = False

    def __init__(self, fun, nondiff_argnums=()):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = tuple(sorted(nondiff_argnums))
        self._signature = signature_of(fun)
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
        if not self.has_rule:
            raise self._missing_rule()
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

    def _step(self, count, forward, vjp_rule, jvp_rule, **options):
        """The primitive: ``forward`` and, for each of the ``count`` leaves, the rules that
        take its position ``i``."""
        return Primitive(
            self.__name__, forward,
            [functools.partial(vjp_rule, i=i) for i in range(count)],
            [functools.partial(jvp_rule, i=i) for i in range(count)],
            register=False, doc=self.__doc__, **options,
        )

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
                            f"{described(values)}")
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


def transpose(linear, zeros, cotangent, context, rule):
    """Jᵀ·cotangent, one entry per input of ``linear(*inputs) = J·inputs`` (a rule, linear in
    what it is given): one reverse sweep through it from ``zeros``. ``linear`` also reads
    ``context`` (the step's inputs), which an outer level (a transform, jit) may follow: then the
    sweep is recorded, so that its result carries their derivatives too. ``rule`` names the
    user's rule when it cannot be swept through."""
    try:
        rec = record(linear, zeros, [f"the tangent of input {k}" for k in range(len(zeros))])
    except Unbatchable:
        raise
    except TypeError as error:
        raise TypeError(f"{rule} is transposed by a reverse sweep through it, so it must be "
                        f"written in chainrule ops (or NumPy functions on tensors): {error}"
                        ) from error
    rec.nested = rec.nested or is_nested([*context, cotangent])
    rec.followed = rec.followed or is_followed([*context, cotangent], rec.nested)
    seed = cotangent if hasattr(cotangent, "shape") else np.asarray(cotangent)
    grads = pull(rec, [seed], followed=rec.followed or is_live(seed))
    return [zeros_for(x) if g is None else lower(g, rec.followed)
            for g, x in zip(grads, rec.inputs)]


def signature_of(fun):
    try:
        return inspect.signature(fun)
    except (TypeError, ValueError):  # a builtin without one: positional arguments only
        return None


def one_array(value, name):
    value = value_of(value)
    if isinstance(value, (np.ndarray, np.generic)):
        return value
    array = None if isinstance(value, (tuple, list, dict)) else np.asarray(value)
    if array is None or array.dtype.kind not in "biufc":
        raise TypeError(f"{name} must return one array (custom rules take one output), but it "
                        f"returned {described(value)}")
    return array[()] if array.ndim == 0 else array


def described(value):
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)}"
    return f"a {type(value).__name__}"


__all__ = ["CustomFunction", "transpose", "one_array", "described", "signature_of"]
