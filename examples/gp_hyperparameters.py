"""Fitting a Gaussian process's hyperparameters with L-BFGS: scipy.optimize.minimize drives a
chainrule model through one flat vector (ravel_pytree), and the marginal likelihood's gradient
comes from a custom VJP rule, the textbook one, checked against finite differences.

    python examples/gp_hyperparameters.py [N]      # needs SciPy: pip install 'chainrule[scipy]'
"""

import sys

import numpy as np
from scipy.optimize import minimize

import chainrule as cr
from chainrule.flatten_util import ravel_pytree

NOISE = 0.1  # the standard deviation of the noise in the data, which the fit should find


def make_data(n=60, seed=0):
    """``n`` noisy samples of a smooth function on [−3, 3]."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-3, 3, n))
    y = 1.5 * np.sin(2 * x) + 0.5 * np.cos(3 * x) + NOISE * rng.normal(size=n)
    return x, y


def covariance(params, x):
    """K = σ² exp(−(xᵢ − xⱼ)² / 2ℓ²) + σₙ² I: a squared-exponential kernel plus noise."""
    lengthscale, signal = cr.exp(params["log_lengthscale"]), cr.exp(params["log_signal"])
    squared = (x[:, None] - x[None, :]) ** 2
    noise = cr.exp(2 * params["log_noise"])
    return signal**2 * cr.exp(-squared / (2 * lengthscale**2)) + noise * np.eye(len(x))


@cr.custom_vjp
def gaussian_nll(K, y):
    """−log N(y; 0, K) = ½ yᵀK⁻¹y + ½ log det K + (n/2) log 2π."""
    return _gaussian_nll(K, y)[0]


def _gaussian_nll(K, y):
    factor = cr.linalg.cholesky(K)
    alpha = cr.linalg.solve(K, y)
    log_det = 2 * cr.sum(cr.log(cr.diagonal(factor)))
    nll = 0.5 * cr.dot(y, alpha) + 0.5 * log_det + 0.5 * len(y) * np.log(2 * np.pi)
    return nll, (K, alpha)


def _gaussian_nll_bwd(residuals, grad_out):
    # Rasmussen & Williams (5.9): ∂/∂K = ½(K⁻¹ − ααᵀ) and ∂/∂y = α, with α = K⁻¹y.
    K, alpha = residuals
    return grad_out * 0.5 * (cr.linalg.inv(K) - cr.outer(alpha, alpha)), grad_out * alpha


gaussian_nll.defvjp(_gaussian_nll, _gaussian_nll_bwd)


def check_rule(size=4, seed=1):
    """The custom rule is the derivative every transform uses: check it against finite
    differences, to second order, on covariances A·Aᵀ + I (the rule is for symmetric K)."""
    rng = np.random.default_rng(seed)
    A, y = rng.normal(size=(size, size)), rng.normal(size=size)
    return cr.gradcheck(lambda A, y: gaussian_nll(A @ A.T + np.eye(size), y), A, y)


def negative_log_likelihood(params, x, y):
    return gaussian_nll(covariance(params, x), y)


def fit(x, y, initial):
    """The hyperparameters that minimize the negative log marginal likelihood, by L-BFGS-B
    over one flat vector, and SciPy's result."""
    flat, unravel = ravel_pytree(initial)
    objective = cr.value_and_grad(lambda vector: negative_log_likelihood(unravel(vector), x, y))
    result = minimize(objective, flat, jac=True, method="L-BFGS-B")
    return unravel(result.x), result


def main(n=60):
    x, y = make_data(n)
    initial = {"log_lengthscale": 0.0, "log_signal": 0.0, "log_noise": 0.0}
    check_rule()
    params, result = fit(x, y, initial)
    print(f"L-BFGS-B: {result.nit} iterations, −log p(y) from "
          f"{float(negative_log_likelihood(initial, x, y)):.3f} to {result.fun:.3f}")
    for name, value in params.items():
        print(f"{name[4:]:12} {float(np.exp(value)):.3f}")
    print(f"(the data's noise: {NOISE})")
    return params, result


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
