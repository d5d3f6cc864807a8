"""W1 scalar graph: ``s = Σ relu(x[i]·w[i] + b[i])²`` over 4,000 terms of 0-d float64 values,
then the gradient with respect to all 12,000 inputs. Five ops a term and almost no arithmetic:
the figure is what an engine costs per recorded op, forward and backward together."""

import sys

import numpy as np

from bench.workloads import Case
from bench.workloads.peers import load_torch

TERMS = 4000
SKIP = {
    "jax": "op-by-op grad in eager JAX costs about 0.5 ms per op here and grows faster than "
    "linearly with the graph (0.6 s for 1,000 ops, 2.7 s for 4,000): one 20,000-op call would "
    "take tens of seconds",
    "jax-jit": "jit would unroll the loop into one compiled 20,000-op program: that measures "
    "compilation and a fused kernel, not per-op cost",
}


def skip(system, workload):
    return SKIP.get(system, "")


def build(system, workload):
    return BUILDERS[system]()


def inputs():
    x, w, b = np.random.default_rng(0).standard_normal((3, TERMS))
    return x.tolist(), w.tolist(), b.tolist()


def as_arrays(value, grads):
    found = {"value": np.asarray(value, dtype=float)}
    found.update({name: np.asarray(grad, dtype=float) for name, grad in zip("xwb", grads)})
    return found


def hand_written():
    """Python floats with the backward pass written out: the limit for this graph."""
    x, w, b = inputs()

    def run():
        pre = [0.0] * TERMS
        s = 0.0
        for i in range(TERMS):
            t = x[i] * w[i] + b[i]
            pre[i] = t
            r = t if t > 0.0 else 0.0
            s = s + r * r
        grad_x, grad_w, grad_b = [0.0] * TERMS, [0.0] * TERMS, [0.0] * TERMS
        for i in range(TERMS):
            t = pre[i]
            grad_t = 2.0 * t if t > 0.0 else 0.0
            grad_x[i] = grad_t * w[i]
            grad_w[i] = grad_t * x[i]
            grad_b[i] = grad_t
        return s, (grad_x, grad_w, grad_b)

    return Case(check=lambda: as_arrays(*run()), timed={"graph": run})


def leaf_graph(leaf, relu, value_of, grad_of, clear):
    """The graph on systems whose leaves are objects that receive ``.grad`` on backward()."""
    leaves = [[leaf(v) for v in values] for values in inputs()]

    def run():
        xs, ws, bs = leaves
        s = 0
        for i in range(TERMS):
            t = xs[i] * ws[i] + bs[i]
            s = s + relu(t) ** 2
        s.backward()
        return s

    def reset():
        for group in leaves:
            for one in group:
                clear(one)

    def check():
        reset()
        s = run()
        return as_arrays(value_of(s), [[grad_of(one) for one in group] for group in leaves])

    return Case(check=check, timed={"graph": run}, reset=reset)


def chainrule():
    import chainrule as cr

    return leaf_graph(
        leaf=lambda v: cr.tensor(v, requires_grad=True),
        relu=cr.relu,
        value_of=lambda s: s.item(),
        grad_of=lambda one: one.grad.item(),
        clear=lambda one: setattr(one, "grad", None),
    )


def chainrule_jit():
    """The same graph as one function of the 12,000 inputs, traced once and replayed."""
    import chainrule as cr

    x, w, b = ([np.float64(v) for v in values] for values in inputs())

    def total(xs, ws, bs):
        s = 0
        for i in range(TERMS):
            t = xs[i] * ws[i] + bs[i]
            s = s + cr.relu(t) ** 2
        return s

    value_and_grad = cr.jit(cr.value_and_grad(total, argnums=(0, 1, 2)))
    value_and_grad(x, w, b)  # the trace
    return Case(check=lambda: as_arrays(*value_and_grad(x, w, b)),
                timed={"graph": lambda: value_and_grad(x, w, b)},
                note="cr.jit(cr.value_and_grad(f)): traced once, before timing; replayed")


def pytorch():
    torch = load_torch()
    return leaf_graph(
        leaf=lambda v: torch.tensor(v, dtype=torch.float64, requires_grad=True),
        relu=torch.relu,
        value_of=lambda s: s.item(),
        grad_of=lambda one: one.grad.item(),
        clear=lambda one: setattr(one, "grad", None),
    )


def mygrad():
    import mygrad as mg
    from mygrad.nnet.activations import relu

    return leaf_graph(
        leaf=lambda v: mg.tensor(v, dtype=np.float64),
        relu=relu,
        value_of=lambda s: s.item(),
        grad_of=lambda one: float(one.grad),
        clear=lambda one: one.null_grad(),
    )


def micrograd():
    from micrograd.engine import Value

    # micrograd orders the graph recursively, about 8,000 calls deep here.
    sys.setrecursionlimit(100_000)
    return leaf_graph(
        leaf=Value,
        relu=lambda t: t.relu(),
        value_of=lambda s: s.data,
        grad_of=lambda one: one.grad,
        clear=lambda one: setattr(one, "grad", 0.0),
    )


def hips_autograd():
    import autograd.numpy as anp
    from autograd import value_and_grad

    arrays = tuple(np.array(values) for values in inputs())

    def total(arrays):
        x, w, b = arrays
        s = 0.0
        for i in range(TERMS):
            t = x[i] * w[i] + b[i]
            s = s + anp.maximum(t, 0.0) ** 2
        return s

    value_and_grad_of_total = value_and_grad(total)

    def run():
        return value_and_grad_of_total(arrays)

    note = (
        "x, w, b as three 1-d arrays indexed per term: with lists of floats autograd's "
        "backward copies the whole list at every index (quadratic)"
    )
    return Case(check=lambda: as_arrays(*run()), timed={"graph": run}, note=note)


BUILDERS = {
    "numpy": hand_written,
    "chainrule": chainrule,
    "chainrule-jit": chainrule_jit,
    "pytorch": pytorch,
    "autograd": hips_autograd,
    "mygrad": mygrad,
    "micrograd": micrograd,
}

__all__ = ["skip", "build", "TERMS"]
