"""A Bayesian neural network by black-box variational inference: a one-hidden-layer tanh network
for 1-D regression, with a diagonal Gaussian q over all its weights, fitted by maximizing a
reparameterized Monte Carlo ELBO (log densities from chainrule.scipy.stats, steps from Adam).

    python examples/bbvi_bayesian_neural_net.py [N]  # needs SciPy: pip install 'chainrule[scipy]'
"""

import sys

import numpy as np

import chainrule as cr
from chainrule.optim import Adam
from chainrule.scipy import stats

HIDDEN = 12
NOISE = 0.1
PRIOR_SCALE = 1.0
# weights of the input layer, its biases, the output layer's weights and its bias
SIZES = (HIDDEN, HIDDEN, HIDDEN, 1)


def make_data(n=60, seed=0):
    rng = np.random.default_rng(seed)
    x = np.concatenate([rng.uniform(-3, -0.5, n // 2), rng.uniform(0.5, 3, n - n // 2)])
    return x, np.sin(x) + NOISE * rng.normal(size=n)


def predict(w, x):
    """The networks of the sampled weights w (samples, parameters) at x: (samples, points)."""
    w_in, b_in, w_out, b_out = cr.split(w, np.cumsum(SIZES)[:-1], axis=1)
    hidden = cr.tanh(x[None, :, None] * w_in[:, None, :] + b_in[:, None, :])
    return cr.sum(hidden * w_out[:, None, :], axis=2) + b_out


def elbo(mean, log_scale, x, y, noise):
    scale = cr.exp(log_scale)
    w = mean + scale * noise
    log_likelihood = cr.sum(stats.norm.logpdf(y, loc=predict(w, x), scale=NOISE), axis=1)
    log_prior = cr.sum(stats.norm.logpdf(w, scale=PRIOR_SCALE), axis=1)
    log_q = cr.sum(stats.norm.logpdf(w, loc=mean, scale=scale), axis=1)
    return cr.mean(log_likelihood + log_prior - log_q)


def fit(x, y, steps=1500, samples=8, lr=0.03, seed=1, report_every=300):
    rng = np.random.default_rng(seed)
    size = sum(SIZES)
    mean = cr.tensor(rng.normal(size=size), requires_grad=True)
    log_scale = cr.tensor(np.full(size, -3.0), requires_grad=True)
    optimizer = Adam([mean, log_scale], lr=lr)
    for step in range(1, steps + 1):
        optimizer.zero_grad()
        loss = -elbo(mean, log_scale, x, y, rng.normal(size=(samples, size)))
        loss.backward()
        optimizer.step()
        if step % report_every == 0 or step == 1:
            print(f"step {step:5d}   ELBO ≈ {-float(loss):10.2f}")
    return mean.detach(), cr.exp(log_scale).detach()


def main(n=60, steps=1500):
    x, y = make_data(n)
    mean, scale = fit(x, y, steps=steps, report_every=max(steps // 5, 1))
    draws = mean + scale * np.random.default_rng(2).normal(size=(100, sum(SIZES)))
    grid = np.array([-2.0, 0.0, 2.0, 5.0])
    predictions = predict(draws, grid).numpy()
    fitted = predict(draws, x).numpy().mean(axis=0)
    rmse = float(np.sqrt(np.mean((fitted - y) ** 2)))
    print(f"training RMSE of the predictive mean: {rmse:.3f} (noise {NOISE})")
    print("x      mean    sd   (sin x)  — wider away from the data")
    for point, column in zip(grid, predictions.T):
        print(f"{point:4.1f}  {column.mean():6.3f}  {column.std():5.3f}  ({np.sin(point):6.3f})")
    return rmse, predictions.std(axis=0)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
