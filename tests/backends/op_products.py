"""One op-table case run on NumPy and on a backend: its value, a reverse-mode product (VJP), a
forward-mode product (JVP) and a second-order product (the JVP of the VJP), each as host copies
to compare."""

from __future__ import annotations

import types
import warnings

import numpy as np

import chainrule as cr
from tests.backends.backend_arrays import host, no_hidden_conversion, to_backend


def real_float(value):
    return isinstance(value, (np.ndarray, np.floating)) and np.asarray(value).dtype.kind == "f"


def is_real_case(case):
    """Whether every array of the case, in and out, is real (complex ones are NumPy's alone
    here: their products go through real and imaginary parts in tests/ops)."""
    if any(np.iscomplexobj(a) for a in case.args if isinstance(a, (np.ndarray, np.generic))):
        return False
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        out = case.fn(*case.args)
    leaves = out if isinstance(out, (tuple, list)) else (out,)
    return not any(np.iscomplexobj(getattr(leaf, "_data", leaf)) for leaf in leaves)


def with_constants_moved(fn, move):
    """``fn`` reading its constant arrays (a mask, labels, indices, a weight: NumPy arrays of
    its module or closure) as ``move`` makes them: on a backend, as its user would hold them,
    so that the op is judged on its own rather than on mixing two libraries. A function that
    is not plain Python (an op given as the case itself) is returned as it is."""
    if not isinstance(fn, types.FunctionType):
        return fn

    def moved(value):
        return move(value) if isinstance(value, np.ndarray) and value.ndim > 0 else value

    names = fn.__code__.co_names
    if not any(isinstance(fn.__globals__.get(n), np.ndarray) for n in names) and not any(
            isinstance(cell.cell_contents, np.ndarray) for cell in fn.__closure__ or ()):
        return fn
    constants = {**fn.__globals__, **{n: moved(fn.__globals__[n]) for n in names
                                      if n in fn.__globals__}}
    closure = tuple(types.CellType(moved(cell.cell_contents)) for cell in fn.__closure__ or ())
    return types.FunctionType(fn.__code__, constants, fn.__name__, fn.__defaults__,
                              closure or None)


def _like(tree, seed):
    """Fixed random values shaped like ``tree`` (an array or tuple of them)."""
    if isinstance(tree, (tuple, list)):
        return type(tree)(_like(t, seed + i) for i, t in enumerate(tree))
    shape = np.shape(getattr(tree, "_data", tree))
    return np.random.default_rng(seed).uniform(-1.0, 1.0, size=shape)


def products(case, backend=None):
    """``(value, vjp, jvp, second)`` of the case, as NumPy arrays (computed on ``backend``'s
    arrays when given, with any hidden conversion to NumPy refused meanwhile)."""
    args = list(case.args)
    positions = [i for i, a in enumerate(args) if real_float(a)]

    def f(*floats):
        full = list(args_used)
        for i, value in zip(positions, floats):
            full[i] = value
        return fn(*full)

    move = (lambda v: v) if backend is None else (lambda v: to_backend(v, backend))
    fn = case.fn if backend is None else with_constants_moved(case.fn, move)
    args_used = [move(a) if isinstance(a, (np.ndarray, np.generic)) else a for a in args]
    floats = [args_used[i] for i in positions]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        out_shape = case.fn(*case.args)
    cotangent = move(_like(out_shape, 1))
    tangents = tuple(move(_like(case.args[i], 2 + i)) for i in positions)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        with no_hidden_conversion(backend) if backend else _nothing():
            value, vjp_fn = cr.vjp(f, *floats)
            vjp = vjp_fn(cotangent)
            jvp = cr.jvp(f, tuple(floats), tangents)[1]
            second = None
            if case.order >= 2:
                second = cr.jvp(lambda *a: cr.vjp(f, *a)[1](cotangent), tuple(floats),
                                tangents)[1]
    return host(value), host(vjp), host(jvp), host(second)


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def assert_close(found, expected, what):
    if isinstance(expected, (tuple, list)):
        assert isinstance(found, (tuple, list)) and len(found) == len(expected), what
        for k, (a, b) in enumerate(zip(found, expected)):
            assert_close(a, b, f"{what}[{k}]")
        return
    if expected is None:
        assert found is None, what
        return
    np.testing.assert_allclose(np.asarray(found), np.asarray(expected), rtol=1e-9, atol=1e-11,
                               err_msg=what)
