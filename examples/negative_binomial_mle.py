"""Maximum-likelihood fit of a negative-binomial regression: over-dispersed counts whose log mean
is linear in a covariate, fitted by L-BFGS (scipy.optimize.minimize with jac=True) through
chainrule.scipy.stats.nbinom.logpmf, differentiable in its n as a real number.

    python examples/negative_binomial_mle.py [N]    # needs SciPy: pip install 'chainrule[scipy]'
"""

import sys

import numpy as np
from scipy.optimize import minimize

import chainrule as cr
from chainrule.flatten_util import ravel_pytree
from chainrule.scipy import stats

TRUE = {"intercept": 1.0, "slope": 0.8, "dispersion": 2.5}


def make_data(n=500, seed=0):
    """Counts y with mean μ = exp(1 + 0.8x) and variance μ + μ²/2.5 (a gamma-Poisson mixture)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.5, n)
    mean = np.exp(TRUE["intercept"] + TRUE["slope"] * x)
    r = TRUE["dispersion"]
    return x, rng.poisson(rng.gamma(r, mean / r)).astype(float)


def negative_log_likelihood(params, x, y):
    """−Σ log NB(y; n = r, p = r/(r + μ)), μ = exp(a + b·x), r = exp(log_r)."""
    mean = cr.exp(params["intercept"] + params["slope"] * x)
    r = cr.exp(params["log_dispersion"])
    return -cr.sum(stats.nbinom.logpmf(y, r, r / (r + mean)))


def fit(x, y, initial, report=None):
    flat, unravel = ravel_pytree(initial)
    objective = cr.value_and_grad(lambda vector: negative_log_likelihood(unravel(vector), x, y))
    result = minimize(objective, flat, jac=True, method="L-BFGS-B", callback=report)
    return unravel(result.x), result


def main(n=500):
    x, y = make_data(n)
    initial = {"intercept": float(np.log(y.mean() + 1)), "slope": 0.0, "log_dispersion": 0.0}
    print(f"{n} counts, mean {y.mean():.2f}, variance {y.var():.2f} (Poisson would give equal)")
    steps = []

    def report(intermediate_result):  # SciPy passes the result when the name says so
        steps.append(intermediate_result.fun)
        if len(steps) % 5 == 1:
            print(f"iteration {len(steps):3d}   −log likelihood {intermediate_result.fun:.4f}")

    params, result = fit(x, y, initial, report)
    print(f"L-BFGS-B: {result.nit} iterations, −log likelihood "
          f"{float(negative_log_likelihood(initial, x, y)):.3f} → {result.fun:.3f}")
    fitted = {"intercept": float(params["intercept"]), "slope": float(params["slope"]),
              "dispersion": float(np.exp(params["log_dispersion"]))}
    for name, value in fitted.items():
        print(f"{name:12} {value:7.3f}   (true {TRUE[name]})")
    return fitted, result


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
