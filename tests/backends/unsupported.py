"""The ops each backend cannot run, by op-table name: each raises chainrule.BackendError (naming
the op and the backend) when its case runs there. docs/scaling.md lists them by reason.

The reasons, in short: array-api-strict's namespace is the standard's and nothing more (no
SciPy special functions, no einsum or fmod, no order statistics beyond a sort);
neither backend runs SciPy's linalg and signal functions, convolution or pooling, whose rules use
SciPy or NumPy's sliding windows. Dask dispatches SciPy's ufuncs but not the rest of the special
functions' rules, and has no take_along_axis (order statistics); eig's result dtype depends on
its values, which a lazy array cannot say.
"""

ARRAY_API_STRICT = frozenset({
    "avg_pool2d", "beta", "betainc", "betainc_shape_derivative", "betaincc", "betaln", "cho_factor",
    "cho_solve", "conv2d", "conv2d_weight", "conv_transpose2d", "convolve", "convolve2d",
    "correlate", "correlate2d", "digamma", "eigvals", "einsum", "entr", "erf", "erfc", "erfcinv",
    "erfinv", "expm", "expm_frechet", "fftconvolve", "fmod", "gamma", "gammainc",
    "gammainc_shape_derivative", "gammaincc", "gammaln", "gelu", "i0", "i0e", "i1", "i1e", "kl_div",
    "log_expit", "log_ndtr", "logit", "lstsq", "lu_factor", "lu_solve", "max_pool2d", "median",
    "nanmedian", "nanpercentile", "nanquantile", "ndtr", "ndtri", "partition", "percentile",
    "polygamma", "quantile", "rel_entr", "scipy_cholesky", "scipy_eigh", "scipy_eigvalsh",
    "solve_sylvester", "solve_triangular", "sqrtm", "stdtr", "stdtr_shape_derivative",
    "weighted_logsumexp", "xlog1py", "xlogy", "zeta", "zeta_log_moment",
})

DASK = frozenset({
    "avg_pool2d", "beta", "betainc", "betainc_shape_derivative", "betaincc", "betaln", "cho_factor",
    "cho_solve", "conv2d", "conv2d_weight", "conv_transpose2d", "convolve", "convolve2d",
    "correlate", "correlate2d", "digamma", "eig", "eigvals", "expm", "expm_frechet", "fftconvolve",
    "gamma", "gammainc", "gammainc_shape_derivative", "gammaincc", "gammaln", "lstsq", "lu_factor",
    "lu_solve", "max_pool2d", "median", "nanmedian", "nanpercentile", "nanquantile", "partition",
    "percentile", "polygamma", "quantile", "scipy_cholesky", "scipy_eigh", "scipy_eigvalsh",
    "solve_sylvester", "solve_triangular", "sqrtm", "stdtr", "stdtr_shape_derivative",
    "weighted_logsumexp", "zeta_log_moment",
})

# Dask's linalg and FFTs (and reshapes that regroup chunks), and NumPy's decompositions and sorts
# mapped over its chunks, need the matrix or axis they work on in one chunk: these run on
# one-chunk arrays (otherwise a BackendError, or Dask's ValueError, telling to rechunk).
DASK_ONE_CHUNK = frozenset({
    "cholesky", "cond", "det", "eigh", "eigvalsh", "hfft", "inv", "irfft", "irfft2", "irfftn",
    "matrix_norm", "pinv", "qr", "reshape", "slogdet", "solve", "sort", "svd", "svdvals",
    "tensorinv", "tensorsolve",
})

UNSUPPORTED = {"array_api_strict": ARRAY_API_STRICT, "dask": DASK}
