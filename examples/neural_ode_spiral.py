"""A neural ODE fitted to a spiral (the toy problem of Chen et al. 2018): the data are one
trajectory of y′ = A·y³; a small network f_θ is trained so that the solution of y′ = f_θ(y)
follows it. The loss's gradient in θ comes from chainrule.scipy.integrate.odeint, by the adjoint
method: one backward solve per interval, no step of the solver recorded.

    python examples/neural_ode_spiral.py [ITERATIONS]  # needs SciPy: pip install 'chainrule[scipy]'

NEURAL_ODE_ITERATIONS sets the default number of iterations (the test suite runs a few).
"""

import os
import sys

import numpy as np

import chainrule as cr
from chainrule import optim
from chainrule.scipy.integrate import odeint

TRUE_MATRIX = np.array([[-0.1, 2.0], [-2.0, -0.1]])
Y0 = np.array([2.0, 0.0])
TOLERANCES = dict(rtol=1e-5, atol=1e-6)


def make_spiral(points=200, end=10.0):
    """The times and the true trajectory, by SciPy: y′ = (y³)·A, y(0) = (2, 0)."""
    t = np.linspace(0.0, end, points)
    return t, odeint(lambda y, t: (y**3) @ TRUE_MATRIX, Y0, t, **TOLERANCES)


def init_params(hidden=32, seed=0):
    rng = np.random.default_rng(seed)
    shapes = {"w1": (2, hidden), "b1": (hidden,), "w2": (hidden, 2), "b2": (2,)}
    return {name: cr.tensor(0.1 * rng.normal(size=shape), requires_grad=True)
            for name, shape in shapes.items()}


def dynamics(y, t, params):
    """f_θ(y) = tanh(y³·W₁ + b₁)·W₂ + b₂, for a batch of states raveled into one vector."""
    states = cr.reshape(y, (-1, 2))
    hidden = cr.tanh((states**3) @ params["w1"] + params["b1"])
    return cr.ravel(hidden @ params["w2"] + params["b2"])


def predict(params, starts, t):
    """The trajectories from each row of ``starts`` over the times ``t``: (len(t), batch, 2)."""
    rows = odeint(dynamics, cr.ravel(starts), t, args=(params,), **TOLERANCES)
    return cr.reshape(rows, (len(t), -1, 2))


def batch_of_windows(t, y, rng, size=16, length=10):
    """``size`` windows of ``length`` points of the trajectory: their starts, times, values."""
    first = rng.choice(np.arange(len(t) - length), size, replace=False)
    windows = first[None, :] + np.arange(length)[:, None]
    return y[first], t[:length] - t[0], y[windows]


def spiral_loss(params, t, y):
    """The mean absolute error of the whole trajectory from the spiral's start."""
    return float(cr.mean(cr.abs(predict(params, y[:1], t)[:, 0] - y)))


def main(iterations=300, points=200, hidden=32, report_every=50, seed=0):
    t, y = make_spiral(points)
    params = init_params(hidden, seed)
    optimizer = optim.Adam(list(params.values()), lr=0.01)
    rng = np.random.default_rng(seed)
    print(f"loss over the whole spiral before training: {spiral_loss(params, t, y):.4f}")
    for iteration in range(1, iterations + 1):
        starts, times, targets = batch_of_windows(t, y, rng)
        optimizer.zero_grad()
        loss = cr.mean(cr.abs(predict(params, starts, times) - targets))
        loss.backward()
        optimizer.step()
        if iteration % report_every == 0 or iteration == 1:
            print(f"iteration {iteration:4d}  batch loss {float(loss):.4f}")
    final = spiral_loss(params, t, y)
    print(f"final loss over the whole spiral: {final:.4f}")
    return params, final


if __name__ == "__main__":
    default = int(os.environ.get("NEURAL_ODE_ITERATIONS", 300))
    main(int(sys.argv[1]) if len(sys.argv) > 1 else default)
