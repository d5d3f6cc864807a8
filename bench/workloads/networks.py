"""The MLP of W2, W3, W4a and W7 in each system: the loss written once (``forward``), and per
system a model with ``forward``, ``value_and_grad``, ``step`` (one SGD step) and ``check``."""

import numpy as np

from bench.workloads.peers import load_jax, load_torch


def forward(params, x, labels, activation, cross_entropy):
    """The loss, written once for every system: h ← activation(h @ W + b), then the last layer."""
    h = x
    last = len(params) - 2
    for i in range(0, last, 2):
        h = activation(h @ params[i] + params[i + 1])
    return cross_entropy(h @ params[last] + params[last + 1], labels)


class Model:
    """A system's version of the network: ``forward`` and ``value_and_grad`` at the current
    parameters, ``step`` (one SGD step), and ``check`` (loss and gradients as NumPy)."""

    note = ""

    def __init__(self, config, params):
        self.config = config

    def convert(self, x, labels):
        return x, labels


class HandWritten(Model):
    """NumPy with the backward pass written out and an in-place update: the limit."""

    def __init__(self, config, params):
        super().__init__(config, params)
        self.params = [p.copy() for p in params]
        self.relu = config.activation == "relu"

    def activation(self, z):
        return np.maximum(z, 0) if self.relu else np.tanh(z)

    def forward(self, x, labels):
        return forward(self.params, x, labels, self.activation, self.cross_entropy)

    @staticmethod
    def cross_entropy(logits, labels):
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_sums = np.log(np.exp(shifted).sum(axis=1))
        return np.mean(log_sums - shifted[np.arange(len(labels)), labels])

    def value_and_grad(self, x, labels):
        params, layers = self.params, len(self.params) // 2
        hs = [x]
        for i in range(0, 2 * layers - 2, 2):
            hs.append(self.activation(hs[-1] @ params[i] + params[i + 1]))
        logits = hs[-1] @ params[-2] + params[-1]
        shifted = logits - logits.max(axis=1, keepdims=True)
        exps = np.exp(shifted)
        sums = exps.sum(axis=1, keepdims=True)
        rows = np.arange(len(labels))
        loss = np.mean(np.log(sums[:, 0]) - shifted[rows, labels])
        grad = exps / sums
        grad[rows, labels] -= 1
        grad /= len(labels)
        grads = []
        for layer in reversed(range(layers)):
            grads += [grad.sum(axis=0), hs[layer].T @ grad]
            if layer:
                h = hs[layer]
                grad = (grad @ params[2 * layer].T) * ((h > 0) if self.relu else 1 - h * h)
        return loss, grads[::-1]

    def step(self, x, labels):
        _, grads = self.value_and_grad(x, labels)
        for param, grad in zip(self.params, grads):
            param -= self.config.lr * grad

    check = value_and_grad


class Chainrule(Model):
    note = "parameters as cr.tensor(requires_grad=True), cr.optim.SGD, nn.functional.cross_entropy"

    def __init__(self, config, params):
        import chainrule as cr

        super().__init__(config, params)
        self.cr = cr
        self.params = [cr.tensor(p.copy(), requires_grad=True) for p in params]
        self.optimizer = cr.optim.SGD(self.params, lr=config.lr)
        activation = cr.relu if config.activation == "relu" else cr.tanh
        cross_entropy = cr.nn.functional.cross_entropy
        self.loss = lambda params, x, labels: forward(params, x, labels, activation, cross_entropy)
        self.value_and_grad_of_loss = cr.value_and_grad(self.loss)

    def convert(self, x, labels):
        return self.cr.tensor(x), self.cr.tensor(labels)

    def forward(self, x, labels):
        with self.cr.no_grad():
            return self.loss(self.params, x, labels)

    def value_and_grad(self, x, labels):
        # The functional form takes plain arrays; the leaves themselves would make the result
        # differentiable with respect to them, recording a second graph.
        arrays = [p.detach().numpy() for p in self.params]
        return self.value_and_grad_of_loss(arrays, x, labels)

    def step(self, x, labels):
        self.optimizer.zero_grad()
        self.loss(self.params, x, labels).backward()
        self.optimizer.step()

    def check(self, x, labels):
        return self.value_and_grad(x, labels)


class ChainruleJit(Model):
    """Functional, as JAX: the step (gradient and update) traced once by cr.jit, replayed."""

    note = ("the whole step under cr.jit(donate_argnums=0) (traced before timing): the "
            "parameters updated in place; nn.functional.cross_entropy")

    def __init__(self, config, params):
        import chainrule as cr

        super().__init__(config, params)
        self.params = [p.copy() for p in params]
        activation = cr.relu if config.activation == "relu" else cr.tanh
        cross_entropy = cr.nn.functional.cross_entropy

        def loss(params, x, labels):
            return forward(params, x, labels, activation, cross_entropy)

        def step(params, x, labels):
            grads = cr.grad(loss)(params, x, labels)
            return [p - config.lr * g for p, g in zip(params, grads)]

        self.loss, self.step_of = cr.jit(loss), cr.jit(step, donate_argnums=0)
        self.value_and_grad_of_loss = cr.jit(cr.value_and_grad(loss))

    def forward(self, x, labels):
        return self.loss(self.params, x, labels)

    def value_and_grad(self, x, labels):
        return self.value_and_grad_of_loss(self.params, x, labels)

    def step(self, x, labels):
        self.params = self.step_of(self.params, x, labels)

    def check(self, x, labels):
        return self.value_and_grad(x, labels)


class PyTorch(Model):
    note = "torch.optim.SGD; value_and_grad as torch.autograd.grad"

    def __init__(self, config, params):
        torch = self.torch = load_torch()
        super().__init__(config, params)
        self.params = [torch.tensor(p, requires_grad=True) for p in params]
        self.optimizer = torch.optim.SGD(self.params, lr=config.lr)
        activation = torch.relu if config.activation == "relu" else torch.tanh
        cross_entropy = torch.nn.functional.cross_entropy
        self.loss = lambda x, labels: forward(self.params, x, labels, activation, cross_entropy)

    def convert(self, x, labels):
        return self.torch.from_numpy(x), self.torch.from_numpy(labels)

    def forward(self, x, labels):
        with self.torch.no_grad():
            return self.loss(x, labels)

    def value_and_grad(self, x, labels):
        loss = self.loss(x, labels)
        return loss, self.torch.autograd.grad(loss, self.params)

    def step(self, x, labels):
        self.optimizer.zero_grad()
        self.loss(x, labels).backward()
        self.optimizer.step()

    def check(self, x, labels):
        loss, grads = self.value_and_grad(x, labels)
        return loss.item(), [grad.numpy() for grad in grads]


class Jax(Model):
    """Functional: a new list of parameters per step. Every call waits for its result."""

    jit = False

    def __init__(self, config, params):
        jax = self.jax = load_jax()
        super().__init__(config, params)
        self.params = [jax.numpy.asarray(p) for p in params]
        activation = jax.nn.relu if config.activation == "relu" else jax.numpy.tanh

        def cross_entropy(logits, labels):
            log_probs = jax.nn.log_softmax(logits, axis=1)
            return -jax.numpy.take_along_axis(log_probs, labels[:, None], axis=1).mean()

        def loss(params, x, labels):
            return forward(params, x, labels, activation, cross_entropy)

        def step(params, x, labels):
            grads = jax.grad(loss)(params, x, labels)
            return [p - config.lr * g for p, g in zip(params, grads)]

        wrap = jax.jit if self.jit else (lambda f: f)
        self.loss, self.step_of = wrap(loss), wrap(step)
        self.value_and_grad_of_loss = wrap(jax.value_and_grad(loss))

    def convert(self, x, labels):
        return self.jax.numpy.asarray(x), self.jax.numpy.asarray(labels)

    def forward(self, x, labels):
        return self.loss(self.params, x, labels).block_until_ready()

    def value_and_grad(self, x, labels):
        return self.jax.block_until_ready(self.value_and_grad_of_loss(self.params, x, labels))

    def step(self, x, labels):
        self.params = self.jax.block_until_ready(self.step_of(self.params, x, labels))

    def check(self, x, labels):
        loss, grads = self.value_and_grad(x, labels)
        return float(loss), [np.asarray(grad) for grad in grads]


class JaxJit(Jax):
    """The whole step (gradient and update) compiled with jax.jit."""

    jit = True
    note = "the whole step under jax.jit"


class HipsAutograd(Model):
    note = "functional: a new list of parameters per step"

    def __init__(self, config, params):
        import autograd
        import autograd.numpy as anp
        from autograd.scipy.special import logsumexp

        super().__init__(config, params)
        self.params = [p.copy() for p in params]
        activation = (lambda z: anp.maximum(z, 0.0)) if config.activation == "relu" else anp.tanh

        def cross_entropy(logits, labels):
            log_probs = logits - logsumexp(logits, axis=1, keepdims=True)
            return -anp.mean(log_probs[np.arange(len(labels)), labels])

        self.loss = lambda params, x, labels: forward(params, x, labels, activation, cross_entropy)
        self.grad_of_loss = autograd.grad(self.loss)
        self.value_and_grad_of_loss = autograd.value_and_grad(self.loss)

    def forward(self, x, labels):
        return self.loss(self.params, x, labels)

    def value_and_grad(self, x, labels):
        return self.value_and_grad_of_loss(self.params, x, labels)

    def step(self, x, labels):
        grads = self.grad_of_loss(self.params, x, labels)
        self.params = [p - self.config.lr * g for p, g in zip(self.params, grads)]

    check = value_and_grad


class MyGrad(Model):
    note = "update in place on each tensor's .data"

    def __init__(self, config, params):
        import mygrad as mg
        from mygrad.nnet.activations import relu
        from mygrad.nnet.losses import softmax_crossentropy

        super().__init__(config, params)
        self.mg = mg
        self.params = [mg.tensor(p.copy()) for p in params]
        activation = relu if config.activation == "relu" else mg.tanh
        self.loss = lambda x, labels: forward(
            self.params, x, labels, activation, softmax_crossentropy
        )

    def forward(self, x, labels):
        with self.mg.no_autodiff:
            return self.loss(x, labels)

    def value_and_grad(self, x, labels):
        loss = self.loss(x, labels)
        loss.backward()
        return loss, [p.grad for p in self.params]

    def step(self, x, labels):
        self.loss(x, labels).backward()
        for p in self.params:
            p.data -= self.config.lr * p.grad

    def check(self, x, labels):
        loss, grads = self.value_and_grad(x, labels)
        return loss.item(), [grad.copy() for grad in grads]


MODELS = {
    "numpy": HandWritten,
    "chainrule": Chainrule,
    "chainrule-jit": ChainruleJit,
    "pytorch": PyTorch,
    "jax": Jax,
    "jax-jit": JaxJit,
    "autograd": HipsAutograd,
    "mygrad": MyGrad,
}

__all__ = ["forward", "MODELS"]
