"""W6 deep chain: y ← sin(y) 10,000 times on a 0-d float64 (W6a) or a float64 10-vector (W6b),
then the gradient of Σ y with respect to the start. A graph 10,000 nodes deep with tiny arrays:
the figure is per-op cost on a long chain, and the engine's handling of depth."""

import math
import sys

import numpy as np

from bench.workloads import Case
from bench.workloads.peers import load_jax, load_torch

DEPTH = 10_000
SKIP = {
    "jax-jit": "jit would unroll the 10,000-step loop into one compiled program: that measures "
    "compilation, not per-op cost",
}


def skip(system, workload):
    if system == "micrograd" and workload == "W6b":
        return "a scalar-only engine"
    return SKIP.get(system, "")


def build(system, workload):
    return BUILDERS[system](start(workload))


def start(workload):
    rng = np.random.default_rng(0)
    return np.asarray(rng.uniform(0.5, 1.5)) if workload == "W6a" else rng.uniform(0.5, 1.5, 10)


def as_arrays(value, grad):
    return {"value": np.asarray(value, dtype=float), "grad": np.asarray(grad, dtype=float)}


def hand_written(y0):
    """NumPy: the forward loop keeps every y, the backward loop multiplies by cos(y)."""

    def run():
        y, ys = y0, []
        for _ in range(DEPTH):
            ys.append(y)
            y = np.sin(y)
        grad = np.ones_like(y)
        for y_before in reversed(ys):
            grad = grad * np.cos(y_before)
        return np.sum(y), grad

    return Case(check=lambda: as_arrays(*run()), timed={"chain": run})


def leaf_chain(y0, sin, total, value_of, grad_of, clear):
    """The chain on systems whose leaf receives ``.grad`` on backward()."""

    def run():
        y = y0
        for _ in range(DEPTH):
            y = sin(y)
        out = total(y)
        out.backward()
        return out

    def check():
        clear()
        out = run()
        return as_arrays(value_of(out), grad_of())

    return Case(check=check, timed={"chain": run}, reset=clear)


def chainrule(start_value):
    import chainrule as cr

    y0 = cr.tensor(start_value, requires_grad=True)
    return leaf_chain(
        y0,
        cr.sin,
        total=(lambda y: y) if y0.ndim == 0 else cr.sum,
        value_of=lambda out: out.item(),
        grad_of=lambda: y0.grad.numpy(),
        clear=lambda: setattr(y0, "grad", None),
    )


def chainrule_jit(start_value):
    import chainrule as cr

    def total(y):
        for _ in range(DEPTH):
            y = cr.sin(y)
        return cr.sum(y)

    value_and_grad = cr.jit(cr.value_and_grad(total))
    value_and_grad(start_value)  # the trace
    return Case(check=lambda: as_arrays(*value_and_grad(start_value)),
                timed={"chain": lambda: value_and_grad(start_value)},
                note="cr.jit(cr.value_and_grad(f)): traced once, before timing; replayed")


def pytorch(start_value):
    torch = load_torch()
    y0 = torch.tensor(start_value, requires_grad=True)
    return leaf_chain(
        y0,
        torch.sin,
        total=(lambda y: y) if y0.ndim == 0 else torch.sum,
        value_of=lambda out: out.item(),
        grad_of=lambda: y0.grad.numpy(),
        clear=lambda: setattr(y0, "grad", None),
    )


def mygrad(start_value):
    import mygrad as mg

    y0 = mg.tensor(start_value)
    return leaf_chain(
        y0,
        mg.sin,
        total=(lambda y: y) if y0.ndim == 0 else mg.sum,
        value_of=lambda out: out.item(),
        grad_of=lambda: np.array(y0.grad),
        clear=y0.null_grad,
    )


def micrograd(start_value):
    from micrograd.engine import Value

    def sin(v):  # micrograd has no sin: a new op written the micrograd way
        out = Value(math.sin(v.data), (v,), "sin")

        def _backward():
            v.grad += math.cos(v.data) * out.grad

        out._backward = _backward
        return out

    sys.setrecursionlimit(100_000)  # micrograd orders the graph recursively: 10,000 deep
    y0 = Value(float(start_value))
    return leaf_chain(
        y0,
        sin,
        total=lambda y: y,
        value_of=lambda out: out.data,
        grad_of=lambda: y0.grad,
        clear=lambda: setattr(y0, "grad", 0.0),
    )


def jax_eager(start_value):
    jax = load_jax()

    def total(y):
        for _ in range(DEPTH):
            y = jax.numpy.sin(y)
        return jax.numpy.sum(y)

    value_and_grad = jax.value_and_grad(total)
    y0 = jax.numpy.asarray(start_value)

    def run():
        return jax.block_until_ready(value_and_grad(y0))

    return Case(check=lambda: as_arrays(*run()), timed={"chain": run})


def hips_autograd(start_value):
    import autograd
    import autograd.numpy as anp

    def total(y):
        for _ in range(DEPTH):
            y = anp.sin(y)
        return anp.sum(y)

    value_and_grad = autograd.value_and_grad(total)
    return Case(
        check=lambda: as_arrays(*value_and_grad(start_value)),
        timed={"chain": lambda: value_and_grad(start_value)},
    )


BUILDERS = {
    "numpy": hand_written,
    "chainrule": chainrule,
    "chainrule-jit": chainrule_jit,
    "pytorch": pytorch,
    "jax": jax_eager,
    "autograd": hips_autograd,
    "mygrad": mygrad,
    "micrograd": micrograd,
}

__all__ = ["skip", "build", "DEPTH"]
