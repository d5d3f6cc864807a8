"""NumPy's sorting and linalg calls whose keywords differ from the array API standard's, written
on the standard: argsort's kind, eigh's UPLO, svd's compute_uv, pinv's rcond. Each takes the
NumpyNames it serves first (see :mod:`chainrule.backends.numpy_signatures`)."""

from __future__ import annotations

from chainrule.backends.errors import BackendError


def _argsort(names, x, axis=-1, kind=None, order=None, *, stable=None):
    if order is not None:
        raise BackendError("argsort's order= (fields of structured arrays) is not in its "
                           "namespace", names.backend)
    x = names.unwrap(x)
    if axis is None:  # NumPy sorts the flattened array
        x, axis = names.xp.reshape(x, (-1,)), 0
    # A stable sort is one of the orders NumPy's kinds may give, and the one "stable" asks for.
    return names.wrap(names.xp.argsort(x, axis=axis, stable=True))


def _hermitian(standard):
    # The standard's eigh reads a symmetric (Hermitian) matrix from its lower triangle, as
    # NumPy's default UPLO="L"; the upper triangle of x is the lower one of its conjugate
    # transpose.
    def hermitian(names, x, UPLO="L"):
        if UPLO not in ("L", "U"):
            raise ValueError(f"UPLO argument must be 'L' or 'U', got {UPLO!r}")
        x = names.unwrap(x)
        if UPLO == "U":
            x = names.xp.conj(names.xp.matrix_transpose(x))
        return names.wrap(getattr(names.xp.linalg, standard)(x))

    return hermitian


def _svd(names, x, full_matrices=True, compute_uv=True, hermitian=False):
    x = names.unwrap(x)
    if not compute_uv:
        return names.wrap(names.xp.linalg.svdvals(x))
    return names.wrap(tuple(names.xp.linalg.svd(x, full_matrices=full_matrices)))


def _pinv(names, x, rcond=None, hermitian=False, *, rtol=None):
    # NumPy's rcond and the standard's rtol are one cutoff: singular values at most that many
    # times the largest are taken as 0 (None: max(m, n)·eps in both).
    cutoff = rtol if rtol is not None else rcond
    return names.wrap(names.xp.linalg.pinv(names.unwrap(x), rtol=names.unwrap(cutoff)))


ADAPTERS = {
    "argsort": _argsort, "linalg.eigh": _hermitian("eigh"),
    "linalg.eigvalsh": _hermitian("eigvalsh"), "linalg.svd": _svd, "linalg.pinv": _pinv,
}

__all__ = ["ADAPTERS"]
