"""fit's step as one traced program: a batch's forward pass, loss and backward pass replayed by
``cr.jit``, then the optimizer's update as in the eager step; and the rules for when fit uses it.

A replay does the eager step's arithmetic on the same arrays (docs/jit.md), so the parameters
come out the same, to float rounding. fit takes it only where nothing else can differ: see
:func:`obstacle` and docs/training.md ("The jitted step").
"""

from __future__ import annotations

import numpy as np

from chainrule.jit import TraceError, jit
from chainrule.nn.module import Module
from chainrule.nn.stateless import functional_call
from chainrule.random import default_generator
from chainrule.tensor import Tensor, wrap
from chainrule.transforms import value_and_grad

# Batch shapes past which an automatic choice stops tracing: a loader whose batches change
# shape at every step would trace at every step, which is slower than the eager step.
MOST_TRACES = 4


def jitted_step(choice, model, loss_fn, optimizer, parallel=None, callbacks=()):
    """The :class:`JittedStep` for ``fit(..., jit=choice)``, or None for the eager step.

    ``choice`` None takes it where it computes what the eager step computes, True always (a
    ValueError says why it cannot), False never.
    """
    if choice is not None and not isinstance(choice, bool):
        raise ValueError(f"fit: jit must be None (automatic), True or False, got {choice!r}")
    if choice is False:
        return None
    reason = obstacle(model, loss_fn, optimizer, parallel, callbacks, forced=choice is True)
    if reason is None:
        return JittedStep(model, loss_fn, optimizer, forced=choice is True)
    if choice:
        raise ValueError(
            f"fit(jit=True): the step cannot be jitted: {reason}; pass jit=None to take the "
            "eager step where the jitted one cannot be used"
        )
    return None


def obstacle(model, loss_fn, optimizer, parallel=None, callbacks=(), forced=False):
    """Why a replayed step could compute something other than the eager step, or None.

    With ``forced`` (``jit=True``) the model's and the loss's own code is trusted to be
    array operations only, and the callbacks to leave the model as it is; otherwise only
    chainrule's own modules, losses and callbacks are.
    """
    if parallel is not None:
        return "distributed training averages the gradients over the ranks inside the step"
    if not isinstance(model, Module):
        return (
            f"the model is a {type(model).__name__}, not an nn.Module whose parameters a "
            "trace can take"
        )
    trainable = [p for p in model.parameters() if p.requires_grad]
    updated = [p for group in optimizer.param_groups for p in group["params"]]
    if {id(p) for p in trainable} != {id(p) for p in updated}:
        return "the optimizer does not update exactly the model's parameters that require grad"
    if any(True for _ in model.buffers()):
        return (
            "the model has buffers (BatchNorm's running statistics), which its forward pass "
            "may update in place and a replay would not"
        )
    return None if forced else _foreign_code(model, loss_fn, callbacks)


def _foreign_code(model, loss_fn, callbacks):
    """Why code outside chainrule could make a replay differ, or None."""
    foreign = [type(m).__name__ for m in model.modules() if not _ours(type(m))]
    if foreign:
        return (
            f"{foreign[0]} is not a chainrule module, and a replay runs only its array "
            "operations (pass jit=True if that is all its forward pass does)"
        )
    if not _ours(loss_fn if _is_function(loss_fn) else type(loss_fn)):
        return (
            "the loss is not one of chainrule's, and a replay runs only its array operations "
            "(pass jit=True if that is all it does)"
        )
    foreign = [type(c).__name__ for c in callbacks if not _ours(type(c))]
    if foreign:
        # A callback may change the model between steps (freeze a layer, change a dropout
        # rate): the trace would not see it.
        return (
            f"the callback {foreign[0]} is not one of chainrule's, and may change the model "
            "between steps (pass jit=True if it does not)"
        )
    return None


def _ours(thing):
    return getattr(thing, "__module__", "").startswith("chainrule.")


def _is_function(thing):
    return not isinstance(thing, Module) and hasattr(thing, "__code__")


class JittedStep:
    """Gradients of a batch's loss by a replayed program, set as each parameter's ``.grad``.

    Before the first step, an eager forward and backward pass of its batch shows which
    parameters the loss does not reach: the eager backward pass leaves their ``.grad`` None
    (so the optimizer skips them), and so does this step. Its gradients are thrown away and
    its random draws undone, so every step of a run is a replay (or the trace, which computes
    what the replays compute): a run resumed from a checkpoint takes the same steps as the
    whole run.
    """

    def __init__(self, model, loss_fn, optimizer, forced=False):
        self.model, self.loss_fn, self.optimizer, self.forced = model, loss_fn, optimizer, forced
        named = [(name, p) for name, p in model.named_parameters() if p.requires_grad]
        self.names, self.params = [name for name, _ in named], [p for _, p in named]
        self.reached = None  # per parameter: does the loss reach it (known after a step)
        self.signatures = set()
        self.working = True

        count = len(self.params)

        def loss_and_output(*arrays):  # the weights, the inputs, the target
            weights, inputs, target = arrays[:count], arrays[count:-1], arrays[-1]
            output = functional_call(model, dict(zip(self.names, weights)), inputs)
            return loss_fn(output, target), output

        # Flat arguments: the cheapest for jit to take apart at every call.
        gradient = value_and_grad(loss_and_output, argnums=tuple(range(count)), has_aux=True)
        self.program = jit(gradient)

    def gradients(self, inputs, target):
        """Set every parameter's ``.grad`` for one batch and return ``(output, loss)`` (a
        tensor, and a tensor or a 0-d array), or None where this batch takes the eager step."""
        if not self.working:
            return None
        arrays = _arrays((*inputs, target), self.forced)
        if arrays is None:
            return None
        if self.reached is None:
            self._probe(inputs, target)
        signature = tuple((a.shape, a.dtype) for a in arrays)
        weights = [p._data for p in self.params]
        if signature in self.signatures:
            result = self.program(*weights, *arrays)
        else:
            result = self._traced(signature, weights, arrays)
            if result is None:
                return None
        (loss, output), grads = result
        for p, grad, reached in zip(self.params, grads, self.reached):
            p.grad = wrap(grad) if reached else None
        return wrap(output), loss  # the loss as a 0-d array: fit reads it with .item()

    def _probe(self, inputs, target):
        states = _generator_states(self.model)
        try:
            loss = self.loss_fn(self.model(*inputs), target)
            for p in self.params:
                p.grad = None
            loss.backward()
        finally:
            _restore(states)  # the step itself draws the same masks again
        self.reached = [p.grad is not None for p in self.params]

    def _traced(self, signature, weights, arrays):
        """The first call for a new batch shape: it traces. None where tracing is no longer
        worth it (too many shapes) or cannot be done; the draws a failed trace made from the
        random generators are then undone, so the eager step draws what it would have."""
        if not self.forced and len(self.signatures) >= MOST_TRACES:
            self.working = False
            return None
        states = _generator_states(self.model)
        try:
            result = self.program(*weights, *arrays)
        except TraceError:
            _restore(states)
            if self.forced:
                raise
            self.working = False
            return None
        self.signatures.add(signature)
        return result

    def __repr__(self):
        return f"<JittedStep: {len(self.signatures)} batch shape(s), {self.program!r}>"


def _arrays(values, forced):
    """The batch's fields as arrays, or None when one cannot be a trace's input."""
    arrays = []
    for value in values:
        if isinstance(value, Tensor):
            if value.requires_grad:
                return None
            value = value._data
        if type(value) is not np.ndarray and not isinstance(value, np.generic):
            if forced:
                raise ValueError(
                    f"fit(jit=True): a batch field is a {type(value).__name__}; a jitted "
                    "step takes arrays or tensors (a DataLoader gives tensors)"
                )
            return None
        arrays.append(value)
    return arrays


def _generator_states(model):
    """The random generators the model may draw from (dropout's), with their states now."""
    return [(generator, generator.bit_generator.state) for generator in _generators(model)]


def _restore(states):
    for generator, state in states:
        generator.bit_generator.state = state


def _generators(model):
    found = {id(default_generator): default_generator}
    for module in model.modules():
        generator = getattr(module, "generator", None)
        if isinstance(generator, np.random.Generator):
            found[id(generator)] = generator
    return list(found.values())


__all__ = ["JittedStep", "jitted_step", "obstacle"]
