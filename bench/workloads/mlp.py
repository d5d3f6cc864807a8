"""W2 and W3: one SGD step (forward, backward, update) of a multilayer perceptron with softmax
cross-entropy; the networks, data and initial parameters that W4a (the W3 loss alone) and W7
(50 W3 steps) reuse. Each system's model is in networks.py.

Every system gets the same initial float32 parameters and the same batches: W2 walks through
the digits in one fixed shuffled order, 32 at a time; W3 repeats one random batch of 256.
"""

import dataclasses
import itertools
import math

import numpy as np

from bench.workloads import Case
from bench.workloads.networks import MODELS

# float32 sums taken in another order differ in the last digits; these bound that.
FLOAT32 = {"rtol": 1e-4, "atol": 1e-6}


@dataclasses.dataclass(frozen=True)
class Config:
    sizes: tuple
    activation: str  # "tanh" or "relu"
    batch: int
    lr: float
    digits: bool  # the built-in digits; otherwise one random batch


CONFIGS = {
    "W2": Config((64, 128, 128, 10), "tanh", 32, 0.1, digits=True),
    "W3": Config((784, 1024, 1024, 10), "relu", 256, 0.01, digits=False),
}


def skip(system, workload):
    return "a scalar-only engine" if system == "micrograd" else ""


def build(system, workload):
    config = CONFIGS[workload]
    model = MODELS[system](config, initial_params(config))
    batches = [model.convert(x, labels) for x, labels in batches_for(config)]
    upcoming = itertools.cycle(batches)

    def step():
        model.step(*next(upcoming))

    def check():
        loss, grads = model.check(*batches[0])
        return as_arrays(loss, grads)

    return Case(check=check, timed={"step": step}, tolerance=FLOAT32, note=model.note)


def as_arrays(loss, grads):
    found = {"loss": np.asarray(loss, dtype=np.float64)}
    for layer, (grad_W, grad_b) in enumerate(zip(grads[::2], grads[1::2]), start=1):
        found[f"W{layer}"], found[f"b{layer}"] = np.asarray(grad_W), np.asarray(grad_b)
    return found


def initial_params(config):
    """[W1, b1, W2, b2, ...] float32: W ~ N(0, gain/fan_in) (gain 1 for tanh, 2 for relu), b = 0."""
    rng = np.random.default_rng(1)
    gain = 2.0 if config.activation == "relu" else 1.0
    params = []
    for fan_in, fan_out in zip(config.sizes, config.sizes[1:]):
        scale = math.sqrt(gain / fan_in)  # a Python float keeps the float32 product float32
        params.append(rng.standard_normal((fan_in, fan_out), dtype=np.float32) * scale)
        params.append(np.zeros(fan_out, dtype=np.float32))
    return params


def batches_for(config):
    """The batches in the order every system takes them: (float32 inputs, int64 labels)."""
    if config.digits:
        from chainrule.data import load_digits  # the digits ship with chainrule

        images, labels = load_digits(flatten=True)
        count = len(labels) // config.batch
        order = np.random.default_rng(0).permutation(len(labels))[: count * config.batch]
        return [(images[rows], labels[rows]) for rows in order.reshape(count, config.batch)]
    rng = np.random.default_rng(0)
    x = rng.standard_normal((config.batch, config.sizes[0]), dtype=np.float32)
    return [(x, rng.integers(0, config.sizes[-1], config.batch))]


__all__ = ["skip", "build", "CONFIGS", "FLOAT32", "as_arrays", "initial_params", "batches_for"]
