"""Workload (a): a graph of 20,000 scalar ops, forward then backward, in each system.

``s = sum(relu(x[i] * w[i] + b[i]) ** 2 for i in range(4000))`` on float64 scalars, then the
gradient of ``s`` with respect to every x[i], w[i] and b[i]. Five ops per term (multiply, add,
relu, square, add): the time is per-op overhead, nearly no arithmetic.
"""

import numpy as np

TERMS = 4000
OPS = 5 * TERMS
UNIT = "µs per op"
LIMIT = "hand-written"


def data(seed=0):
    x, w, b = np.random.default_rng(seed).standard_normal((3, TERMS))
    return x.tolist(), w.tolist(), b.tolist()


def per_unit(seconds):
    return seconds / OPS * 1e6


class System:
    """A system ready to run: ``check()`` gives values to compare, ``run()`` is what is timed."""

    package = None
    tolerance = {"rtol": 1e-9, "atol": 1e-12}

    def __init__(self):
        self.x, self.w, self.b = data()

    def reset(self):
        """Undo what ``run`` leaves behind (accumulated gradients); not timed."""

    def sync(self):
        """Wait for work still in flight (asynchronous systems); timed."""

    def read(self, out):
        """The value and the gradients (x, w, b) from what ``run`` returned; not timed."""
        return out

    def check(self):
        self.reset()
        value, grads = self.read(self.run())
        return {
            "value": np.asarray(value, dtype=float),
            **{name: np.asarray(grad, dtype=float) for name, grad in zip("xwb", grads)},
        }


class HandWritten(System):
    """Python floats with the backward pass written out: the lower limit for this graph."""

    def run(self):
        x, w, b = self.x, self.w, self.b
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


class Leaves(System):
    """Systems whose leaves are objects holding ``.grad`` (all but the functional ones)."""

    def __init__(self):
        super().__init__()
        self.leaves = [[self.leaf(v) for v in values] for values in (self.x, self.w, self.b)]

    def run(self):
        xs, ws, bs = self.leaves
        s = 0
        for i in range(TERMS):
            t = xs[i] * ws[i] + bs[i]
            s = s + self.relu(t) ** 2
        s.backward()
        return s

    def read(self, s):
        return self.value(s), [[self.value(v.grad) for v in leaves] for leaves in self.leaves]

    def reset(self):
        for leaves in self.leaves:
            for leaf in leaves:
                leaf.grad = None


class Chainrule(Leaves):
    package = "chainrule"

    def __init__(self):
        import chainrule as cr

        self.leaf = lambda v: cr.tensor(v, requires_grad=True)
        self.relu = cr.relu
        self.value = lambda t: t.item()
        super().__init__()


class Torch(Leaves):
    package = "torch"

    def __init__(self):
        import torch

        torch.set_num_threads(1)
        self.leaf = lambda v: torch.tensor(v, dtype=torch.float64, requires_grad=True)
        self.relu = torch.relu
        self.value = lambda t: t.item()
        super().__init__()


class MyGrad(Leaves):
    package = "mygrad"

    def __init__(self):
        import mygrad
        from mygrad.nnet.activations import relu

        self.leaf = lambda v: mygrad.tensor(v)
        self.relu = relu
        self.value = lambda t: float(t.item() if hasattr(t, "item") else t)
        super().__init__()

    def reset(self):
        for leaves in self.leaves:
            for leaf in leaves:
                leaf.null_grad()


class Micrograd(Leaves):
    package = "micrograd"

    def __init__(self):
        import sys

        from micrograd.engine import Value

        # micrograd orders the graph recursively; this graph is about 8,000 calls deep.
        sys.setrecursionlimit(100_000)
        self.leaf = Value
        self.relu = lambda t: t.relu()
        self.value = lambda t: t.data if hasattr(t, "data") else t
        super().__init__()

    def reset(self):
        for leaves in self.leaves:
            for leaf in leaves:
                leaf.grad = 0.0


class Autograd(System):
    """HIPS autograd. x, w, b are 1-d arrays indexed per term: with lists of floats as the
    container its backward pass copies the whole list at every index, about 80 s here."""

    package = "autograd"

    def __init__(self):
        import autograd.numpy as anp
        from autograd import value_and_grad

        super().__init__()
        self.arrays = tuple(np.array(v) for v in (self.x, self.w, self.b))

        def total(arrays):
            x, w, b = arrays
            s = 0.0
            for i in range(TERMS):
                t = x[i] * w[i] + b[i]
                s = s + anp.maximum(t, 0.0) ** 2
            return s

        self.value_and_grad = value_and_grad(total)

    def run(self):
        return self.value_and_grad(self.arrays)


SYSTEMS = {
    "hand-written": HandWritten,
    "chainrule": Chainrule,
    "micrograd": Micrograd,
    "PyTorch": Torch,
    "autograd": Autograd,
    "MyGrad": MyGrad,
}
