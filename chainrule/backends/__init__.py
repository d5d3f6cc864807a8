"""Array backends: a tensor holds whatever array it is given — NumPy's (the default), or Dask's,
CuPy's, array-api-strict's or any array API namespace's — and every rule computes with that
array's own library. See docs/scaling.md ("Array backends").

Example:
    >>> import array_api_strict as xp
    >>> import chainrule as cr
    >>> x = cr.tensor(xp.asarray([1.0, 2.0]), requires_grad=True)
    >>> (x * x).sum().backward()
    >>> cr.backend_of(x.grad), cr.to_numpy(x.grad)
    ('array_api_strict', array([2., 4.]))
"""

import numpy as np

from chainrule.backends.errors import BackendError, MixedBackendsError
from chainrule.backends.foreign import ForeignArray
from chainrule.backends.kinds import backend_of, from_numpy, hold, is_foreign_array, to_numpy


def asarray(value, dtype=None, **kwargs):
    """``np.asarray`` for rules: another library's array stays in its library (NumPy's own
    would copy it to the host, or refuse); everything else as NumPy reads it."""
    if type(value) is not np.ndarray:
        if is_foreign_array(value):
            value = hold(value)
        if isinstance(value, ForeignArray):
            if dtype is None or np.dtype(dtype) == value.dtype:
                return value
            return value.astype(dtype)
    return np.asarray(value, dtype=dtype, **kwargs)


def is_lazy(value):
    """Whether ``value`` (an array or tensor) is another library's lazy array (Dask's): a
    rule then takes both branches of a value test with ``where`` instead of asking, which
    would compute it."""
    data = getattr(value, "_data", value)
    return isinstance(data, ForeignArray) and data.names.lazy


def constant_like(value, like):
    """``value`` — a small NumPy constant a rule builds from shapes alone (a mask, np.eye, the
    weights of an FFT) — in the array library of ``like`` (an array or tensor): NumPy's as it
    is; another library's through one explicit copy of the constant (never of data), so that
    the rule combines arrays of one library."""
    data = getattr(like, "_data", like)
    if not isinstance(data, ForeignArray):
        return value
    return data.names.wrap(from_numpy(value, data.array))


__all__ = [
    "BackendError", "ForeignArray", "MixedBackendsError", "asarray", "backend_of",
    "constant_like", "from_numpy", "hold", "is_foreign_array", "is_lazy", "to_numpy",
]
