"""Workload (b): one training step of a small MLP, in each system.

64 → 128 → 128 → 10 with tanh, softmax cross-entropy (mean over the batch), batch 32, float32,
plain SGD with learning rate 0.1, on fixed random data. A step is forward, backward and update.
"""

import numpy as np

SIZES = (64, 128, 128, 10)
BATCH = 32
LR = 0.1
UNIT = "ms per step"
LIMIT = "hand-written"
PARAMS = ("W1", "b1", "W2", "b2", "W3", "b3")


def data(seed=0):
    """Inputs, labels, their one-hot form and the initial parameters (W ~ N(0, 1/fan_in))."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((BATCH, SIZES[0])).astype(np.float32)
    labels = rng.integers(0, SIZES[-1], BATCH)
    one_hot = np.eye(SIZES[-1], dtype=np.float32)[labels]
    params = []
    for fan_in, fan_out in zip(SIZES, SIZES[1:]):
        params.append((rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)).astype(np.float32))
        params.append(np.zeros(fan_out, dtype=np.float32))
    return x, labels, one_hot, params


def per_unit(seconds):
    return seconds * 1e3


class System:
    """A system ready to run: ``check()`` gives the loss and gradients at the initial
    parameters, ``run()`` is one training step (what is timed), ``sync()`` waits for it."""

    package = None
    tolerance = {"rtol": 1e-4, "atol": 1e-6}
    note = ""

    def __init__(self):
        self.x, self.labels, self.one_hot, self.initial = data()

    def reset(self):
        """Nothing to undo between repeats: training simply goes on."""

    def sync(self):
        """Wait for work still in flight (asynchronous systems); timed."""

    def check(self):
        loss, grads = self.loss_and_grads()
        return {"loss": np.asarray(loss), **dict(zip(PARAMS, map(np.asarray, grads)))}


class HandWritten(System):
    """NumPy with the backward pass written out: the lower limit for this step."""

    def __init__(self):
        super().__init__()
        self.params = [p.copy() for p in self.initial]
        self.rows = np.arange(BATCH)

    def loss_and_grads(self):
        W1, b1, W2, b2, W3, b3 = self.params
        h1 = np.tanh(self.x @ W1 + b1)
        h2 = np.tanh(h1 @ W2 + b2)
        logits = h2 @ W3 + b3
        shifted = logits - logits.max(axis=1, keepdims=True)
        exps = np.exp(shifted)
        sums = exps.sum(axis=1, keepdims=True)
        loss = (np.log(sums[:, 0]) - shifted[self.rows, self.labels]).mean()
        grad_logits = exps / sums
        grad_logits[self.rows, self.labels] -= 1
        grad_logits /= BATCH
        grad_h2 = (grad_logits @ W3.T) * (1 - h2 * h2)
        grad_h1 = (grad_h2 @ W2.T) * (1 - h1 * h1)
        grads = (
            self.x.T @ grad_h1,
            grad_h1.sum(axis=0),
            h1.T @ grad_h2,
            grad_h2.sum(axis=0),
            h2.T @ grad_logits,
            grad_logits.sum(axis=0),
        )
        return loss, grads

    def run(self):
        _, grads = self.loss_and_grads()
        for param, grad in zip(self.params, grads):
            param -= LR * grad


class Chainrule(System):
    package = "chainrule"

    def __init__(self):
        import chainrule as cr
        from chainrule.nn.functional import cross_entropy

        super().__init__()
        self.cr = cr
        self.cross_entropy = cross_entropy
        self.params = [cr.tensor(p, requires_grad=True) for p in self.initial]
        self.inputs = cr.tensor(self.x)
        self.targets = cr.tensor(self.labels)
        self.optimizer = cr.optim.SGD(self.params, lr=LR)

    def loss(self):
        cr = self.cr
        W1, b1, W2, b2, W3, b3 = self.params
        h1 = cr.tanh(self.inputs @ W1 + b1)
        h2 = cr.tanh(h1 @ W2 + b2)
        return self.cross_entropy(h2 @ W3 + b3, self.targets)

    def loss_and_grads(self):
        loss = self.loss()
        loss.backward()
        grads = [p.grad.numpy().copy() for p in self.params]
        for p in self.params:
            p.grad = None
        return loss.item(), grads

    def run(self):
        self.optimizer.zero_grad()
        self.loss().backward()
        self.optimizer.step()


class Torch(System):
    package = "torch"

    def __init__(self):
        import torch

        super().__init__()
        torch.set_num_threads(1)
        self.torch = torch
        self.params = [torch.tensor(p, requires_grad=True) for p in self.initial]
        self.inputs = torch.tensor(self.x)
        self.targets = torch.tensor(self.labels)

    def loss(self):
        W1, b1, W2, b2, W3, b3 = self.params
        h1 = self.torch.tanh(self.inputs @ W1 + b1)
        h2 = self.torch.tanh(h1 @ W2 + b2)
        return self.torch.nn.functional.cross_entropy(h2 @ W3 + b3, self.targets)

    def loss_and_grads(self):
        loss = self.loss()
        loss.backward()
        grads = [p.grad.numpy().copy() for p in self.params]
        for p in self.params:
            p.grad = None
        return loss.item(), grads

    def run(self):
        self.loss().backward()
        with self.torch.no_grad():
            for p in self.params:
                p -= LR * p.grad
                p.grad = None


class Jax(System):
    package = "jax"
    note = "the whole step under jax.jit"

    def __init__(self):
        import jax
        import jax.numpy as jnp

        super().__init__()
        x, one_hot = jnp.asarray(self.x), jnp.asarray(self.one_hot)

        def loss(params):
            W1, b1, W2, b2, W3, b3 = params
            h1 = jnp.tanh(x @ W1 + b1)
            h2 = jnp.tanh(h1 @ W2 + b2)
            return -(one_hot * jax.nn.log_softmax(h2 @ W3 + b3, axis=1)).sum() / BATCH

        def step(params):
            grads = jax.grad(loss)(params)
            return [p - LR * g for p, g in zip(params, grads)]

        self.loss_and_grads_jit = jax.jit(jax.value_and_grad(loss))
        self.step = jax.jit(step)
        self.params = [jnp.asarray(p) for p in self.initial]

    def loss_and_grads(self):
        loss, grads = self.loss_and_grads_jit(self.params)
        return float(loss), [np.asarray(g) for g in grads]

    def run(self):
        self.params = self.step(self.params)

    def sync(self):
        self.params[-1].block_until_ready()


class Autograd(System):
    package = "autograd"

    def __init__(self):
        import autograd.numpy as anp
        from autograd import grad, value_and_grad
        from autograd.scipy.special import logsumexp

        super().__init__()
        x, one_hot = self.x, self.one_hot

        def loss(params):
            W1, b1, W2, b2, W3, b3 = params
            h1 = anp.tanh(x @ W1 + b1)
            h2 = anp.tanh(h1 @ W2 + b2)
            logits = h2 @ W3 + b3
            log_probs = logits - logsumexp(logits, axis=1, keepdims=True)
            return -anp.sum(one_hot * log_probs) / BATCH

        self.value_and_grad = value_and_grad(loss)
        self.grad = grad(loss)
        self.params = [p.copy() for p in self.initial]

    def loss_and_grads(self):
        return self.value_and_grad(self.params)

    def run(self):
        grads = self.grad(self.params)
        self.params = [p - LR * g for p, g in zip(self.params, grads)]


class MyGrad(System):
    package = "mygrad"

    def __init__(self):
        import mygrad
        from mygrad.nnet.losses import softmax_crossentropy

        super().__init__()
        self.mygrad = mygrad
        self.cross_entropy = softmax_crossentropy
        self.params = [mygrad.tensor(p) for p in self.initial]

    def loss(self):
        mg = self.mygrad
        W1, b1, W2, b2, W3, b3 = self.params
        h1 = mg.tanh(mg.matmul(self.x, W1) + b1)
        h2 = mg.tanh(mg.matmul(h1, W2) + b2)
        return self.cross_entropy(mg.matmul(h2, W3) + b3, self.labels)

    def loss_and_grads(self):
        loss = self.loss()
        loss.backward()
        return loss.item(), [p.grad.copy() for p in self.params]

    def run(self):
        self.loss().backward()
        for p in self.params:
            p.data -= LR * p.grad


SYSTEMS = {
    "hand-written": HandWritten,
    "chainrule": Chainrule,
    "PyTorch": Torch,
    "JAX": Jax,
    "autograd": Autograd,
    "MyGrad": MyGrad,
}
