"""Each optimizer drives a quadratic's minimizer to within 1e-6, through the real backward pass."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.optim import SGD, Adam, AdamW, RMSprop

CURVATURE = np.array([1.0, 3.0, 10.0])
MINIMUM = np.array([1.0, -2.0, 0.5])

OPTIMIZERS = {
    "gradient descent": lambda ps: SGD(ps, lr=0.1),
    "momentum": lambda ps: SGD(ps, lr=0.05, momentum=0.9),
    "nesterov": lambda ps: SGD(ps, lr=0.05, momentum=0.9, nesterov=True),
    "Adam": lambda ps: Adam(ps, lr=0.1),
    "AMSGrad": lambda ps: Adam(ps, lr=0.1, amsgrad=True),
    "AdamW": lambda ps: AdamW(ps, lr=0.1, weight_decay=0.0),  # decay moves the minimum
    "RMSprop": lambda ps: RMSprop(ps, lr=0.01),
    "RMSprop centered, momentum": lambda ps: RMSprop(ps, lr=0.01, momentum=0.5, centered=True),
}


def minimize(optimizer, x, weight_decay=0.0, max_steps=2000):
    """Steps taken until x is within 1e-6 of the minimizer of ½Σaᵢ(xᵢ − cᵢ)² + penalty."""
    target = CURVATURE * MINIMUM / (CURVATURE + weight_decay)
    for step in range(1, max_steps + 1):
        optimizer.zero_grad()
        distance = x - MINIMUM
        (0.5 * (CURVATURE * distance * distance).sum()).backward()
        optimizer.step()
        if np.abs(x.numpy() - target).max() < 1e-6:
            return step
    pytest.fail(f"not within 1e-6 after {max_steps} steps: {x.numpy() - target}")


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_optimizer_minimizes_a_quadratic(name):
    x = cr.tensor(np.zeros(3), requires_grad=True)
    minimize(OPTIMIZERS[name]([x]), x)


def test_sgd_with_weight_decay_finds_the_ridge_minimizer():
    # ∇(½Σa(x − c)² + ½λ‖x‖²) = 0 at x = a·c/(a + λ).
    x = cr.tensor(np.zeros(3), requires_grad=True)
    minimize(SGD([x], lr=0.1, weight_decay=0.5), x, weight_decay=0.5)
