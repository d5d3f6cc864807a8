"""The multivariate families: multivariate_normal (through a Cholesky factor of cov, or its
eigendecomposition where cov may be singular) and dirichlet, under SciPy's names.

Differentiable in the point, the mean, the covariance and the concentrations; the Cholesky and
eigh rules carry the covariance's derivative.
"""

from __future__ import annotations

import math

import numpy as np

from chainrule.backends import asarray

from chainrule import linalg, ops
from chainrule.scipy import special
from chainrule.scipy.stats.distribution import Frozen, as_float

_LOG_2PI = math.log(2 * math.pi)
# SciPy's cutoff for eigenvalues treated as zero, relative to the largest: 1e6 ulps in float64.
_SINGULAR_CUTOFF = 1e6 * np.finfo(np.float64).eps


def _shape(x):
    # Shapes only (never values), so that jit can trace what follows.
    return np.shape(x) if not hasattr(x, "shape") else tuple(x.shape)


def _constant(x):
    return x.detach() if hasattr(x, "detach") else x


def _covariance_matrix(cov, dim):
    # SciPy's spellings of cov: a number (times I), a vector (the diagonal), or the matrix.
    ndim = len(_shape(cov))
    if ndim == 0:
        return cov * np.eye(dim)
    return ops.diag(cov) if ndim == 1 else cov


def _points(x, dim):
    # Points along the last axis; in one dimension every entry is a point, as in SciPy.
    if dim == 1 and (len(_shape(x)) == 0 or _shape(x)[-1] != 1):
        x = ops.expand_dims(x, -1)
    return x


def _squeezed(out):
    # SciPy squeezes the result: one point gives a number, (1, n) points n numbers.
    return ops.squeeze(out) if 1 in out.shape else out


class _MultivariateNormal:
    """The multivariate normal distribution, as ``scipy.stats.multivariate_normal``: methods
    (x, mean=None, cov=1, allow_singular=False).

    ``cov`` may be a number, the diagonal or the matrix; points lie along the last axis of x.
    The log density uses cov's Cholesky factor (cov must be positive definite) or, with
    ``allow_singular=True``, its eigendecomposition as SciPy does: eigenvalues below 1e6 ulps
    of the largest count as zero, the pseudo-determinant and pseudo-inverse are used, and a
    point off the support has log density −inf. The derivative in cov through eigh needs
    distinct eigenvalues.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> from chainrule.scipy import stats
        >>> cov = cr.tensor([[2.0, 0.5], [0.5, 1.0]], requires_grad=True)
        >>> out = stats.multivariate_normal.logpdf([1.0, -1.0], mean=[0.0, 0.0], cov=cov)
        >>> round(float(out), 10)
        -3.2605421032
        >>> out.backward()
        >>> cov.grad.shape
        (2, 2)
    """

    name = "multivariate_normal"

    def __call__(self, mean=None, cov=1, allow_singular=False):
        """The frozen distribution, as ``scipy.stats.multivariate_normal(mean, cov)``."""
        return Frozen(self, (), {"mean": mean, "cov": cov, "allow_singular": allow_singular})

    def logpdf(self, x, mean=None, cov=1, allow_singular=False):
        """log N(x; mean, cov) for each point along x's last axis (squeezed as SciPy)."""
        x = as_float(x)
        mean = as_float(0.0 if mean is None else mean)
        cov = as_float(cov)
        # the dimension: from the mean, else cov, else the points' last axis
        dim = next((s[-1] for s in (_shape(mean), _shape(cov)) if s),
                   _shape(x)[-1] if len(_shape(x)) > 1 else 1)
        cov = _covariance_matrix(cov, dim)
        diff = _points(x, dim) - mean
        if allow_singular:
            return _squeezed(self._logpdf_eigh(diff, cov, dim))
        return _squeezed(self._logpdf_cholesky(diff, cov, dim))

    def pdf(self, x, mean=None, cov=1, allow_singular=False):
        """exp(logpdf(x, mean, cov, allow_singular))."""
        return ops.exp(self.logpdf(x, mean, cov, allow_singular))

    def _logpdf_cholesky(self, diff, cov, dim):
        factor = linalg.cholesky(cov)
        flat = ops.reshape(diff, (-1, dim))
        z = linalg.solve(factor, ops.transpose(flat))
        mahalanobis = ops.reshape(ops.sum(z * z, axis=0), diff.shape[:-1])
        log_det = 2 * ops.sum(ops.log(ops.diagonal(factor)))
        return -0.5 * (dim * _LOG_2PI + log_det + mahalanobis)

    def _logpdf_eigh(self, diff, cov, dim):
        values, vectors = linalg.eigh(cov)
        # the cutoff and the support are choices, not differentiated
        cutoff = _SINGULAR_CUTOFF * ops.max(ops.abs(_constant(values)))
        kept = ops.greater(values, cutoff)
        safe_values = ops.where(kept, values, 1.0)
        log_pdet = ops.sum(ops.where(kept, ops.log(safe_values), 0.0))
        whitening = vectors * ops.where(kept, 1 / ops.sqrt(safe_values), 0.0)
        projected = diff @ whitening
        mahalanobis = ops.sum(projected * projected, axis=-1)
        rank = ops.sum(ops.where(kept, 1.0, 0.0))
        out = -0.5 * (rank * _LOG_2PI + log_pdet + mahalanobis)
        off_support = _constant(diff @ ops.where(kept, 0.0, vectors))
        residual = ops.sqrt(ops.sum(off_support * off_support, axis=-1))
        return ops.where(ops.less(residual, cutoff), out, -np.inf)


class _Dirichlet:
    """The Dirichlet distribution, as ``scipy.stats.dirichlet``: methods (x, alpha).

    Components lie along the first axis of x (K or K − 1 of them, the last then being
    1 − the sum of the others), as in SciPy; x outside the simplex raises ValueError.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import stats
        >>> alpha = cr.tensor([1.5, 2.0, 3.0], requires_grad=True)
        >>> out = stats.dirichlet.logpdf([0.2, 0.3, 0.5], alpha)
        >>> round(float(out), 10)
        1.6952109953
        >>> out.backward()
        >>> alpha.grad.shape
        (3,)
    """

    name = "dirichlet"

    def __call__(self, alpha):
        """The frozen distribution, as ``scipy.stats.dirichlet(alpha)``."""
        return Frozen(self, (alpha,), {})

    def logpdf(self, x, alpha):
        """log Dir(x; alpha) = Σ (αᵢ − 1)·log xᵢ − log B(α), over x's first axis."""
        alpha, x = as_float(alpha), as_float(x)
        x = _completed(x, alpha)
        log_beta = ops.sum(special.gammaln(alpha)) - special.gammaln(ops.sum(alpha))
        terms = special.xlogy(ops.transpose(alpha - 1), ops.transpose(x))
        return ops.sum(ops.transpose(terms), axis=0) - log_beta

    def pdf(self, x, alpha):
        """exp(logpdf(x, alpha))."""
        return ops.exp(self.logpdf(x, alpha))


def _completed(x, alpha):
    # SciPy's checks, on the values (so jit refuses dirichlet rather than bake them in); x given
    # with K − 1 components gains 1 − their sum.
    def plain(x):
        return x.numpy() if hasattr(x, "numpy") else asarray(x)

    k = np.shape(plain(alpha))[0]
    if np.ndim(plain(alpha)) != 1 or np.min(plain(alpha)) <= 0:
        raise ValueError("dirichlet: alpha must be a vector of positive entries")
    if np.shape(plain(x))[0] not in (k, k - 1):
        raise ValueError(f"dirichlet: x must have {k} or {k - 1} entries along its first axis, "
                         f"it has shape {np.shape(plain(x))}")
    if np.shape(plain(x))[0] == k - 1:
        x = ops.concatenate([x, ops.expand_dims(1 - ops.sum(x, axis=0), 0)], axis=0)
    values = plain(x)
    if values.min() < 0 or values.max() > 1 or (np.abs(values.sum(0) - 1) > 1e-9).any():
        raise ValueError("dirichlet: x must lie in the simplex (entries in [0, 1] summing to 1)")
    return x


multivariate_normal = _MultivariateNormal()
dirichlet = _Dirichlet()

__all__ = ["multivariate_normal", "dirichlet"]
