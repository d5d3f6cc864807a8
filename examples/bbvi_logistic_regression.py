"""Bayesian logistic regression by black-box variational inference: a diagonal Gaussian q(w)
fitted by maximizing a Monte Carlo estimate of the evidence lower bound with the
reparameterization trick (w = m + σ·ε), the log densities from chainrule.scipy.stats, the
steps from chainrule.optim.Adam.

    python examples/bbvi_logistic_regression.py [N]  # needs SciPy: pip install 'chainrule[scipy]'
"""

import sys

import numpy as np

import chainrule as cr
from chainrule.optim import Adam
from chainrule.scipy import special, stats

TRUE_WEIGHTS = np.array([1.5, -2.0, 0.5])
PRIOR_SCALE = 3.0


def make_data(n=200, seed=0):
    """Features (a bias column and two normals) and 0/1 labels from the true weights."""
    rng = np.random.default_rng(seed)
    x = np.column_stack([np.ones(n), rng.normal(size=(n, 2))])
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-x @ TRUE_WEIGHTS))).astype(float)
    return x, y


def elbo(mean, log_scale, x, y, noise):
    """E_q[log p(y | x, w) + log p(w) − log q(w)], averaged over the samples w in ``noise``."""
    scale = cr.exp(log_scale)
    w = mean + scale * noise  # (samples, features)
    log_likelihood = cr.sum(stats.bernoulli.logpmf(y, special.expit(w @ x.T)), axis=1)
    log_prior = cr.sum(stats.norm.logpdf(w, scale=PRIOR_SCALE), axis=1)
    log_q = cr.sum(stats.norm.logpdf(w, loc=mean, scale=scale), axis=1)
    return cr.mean(log_likelihood + log_prior - log_q)


def fit(x, y, steps=400, samples=16, lr=0.05, seed=1, report_every=100):
    rng = np.random.default_rng(seed)
    mean = cr.tensor(np.zeros(x.shape[1]), requires_grad=True)
    log_scale = cr.tensor(np.full(x.shape[1], -1.0), requires_grad=True)
    optimizer = Adam([mean, log_scale], lr=lr)
    for step in range(1, steps + 1):
        optimizer.zero_grad()
        loss = -elbo(mean, log_scale, x, y, rng.normal(size=(samples, x.shape[1])))
        loss.backward()
        optimizer.step()
        if step % report_every == 0 or step == 1:
            print(f"step {step:4d}   ELBO ≈ {-float(loss):9.3f}")
    return mean.numpy(), np.exp(log_scale.numpy())


def main(n=200, steps=400):
    x, y = make_data(n)
    mean, scale = fit(x, y, steps=steps, report_every=max(steps // 4, 1))
    accuracy = np.mean((x @ mean > 0) == (y > 0.5))
    print("posterior mean ± sd of each weight (true weight):")
    for m, s, w in zip(mean, scale, TRUE_WEIGHTS):
        print(f"  {m:6.3f} ± {s:.3f}   ({w})")
    print(f"training accuracy of the posterior mean: {accuracy:.3f}")
    return mean, scale


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
