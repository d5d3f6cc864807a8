"""NumPy's array-manipulation functions on tensors: np.tril(t), np.vstack([t, u]), np.sort(t), ...
dispatch to chainrule, give NumPy's values exactly (same dtype, same shape) and differentiate.
"""

import functools
import warnings

import numpy as np
import pytest

import chainrule as cr

RNG = np.random.default_rng(0)
A = RNG.standard_normal((3, 4))
B = RNG.standard_normal((3, 4))
V = RNG.standard_normal(4)
CUBE = RNG.standard_normal((2, 3, 4))

# name: (call on NumPy's function, its arguments); every float array becomes a tensor.
CALLS = {
    "tril": lambda f: f(A, k=-1),
    "tril 1-d": lambda f: f(V, 1),
    "tril batched": lambda f: f(CUBE, 2),
    "triu": lambda f: f(A, 1),
    "triu batched": lambda f: f(CUBE, k=-2),
    "diag of a matrix": lambda f: f(A, 1),
    "diag of a matrix below": lambda f: f(A, k=-2),
    "diag to a matrix": lambda f: f(V, -2),
    "diagonal": lambda f: f(CUBE, 1, 2, 0),
    "diagonal negative axes": lambda f: f(CUBE, offset=-1, axis1=-1, axis2=-2),
    "diagonal past the edge": lambda f: f(A, 7),
    "diagflat": lambda f: f(A[:2, :2], 1),
    "vstack": lambda f: f([A, V, B]),
    "vstack 0-d": lambda f: f([V[0], V[1]]),
    "hstack": lambda f: f([A, B[:, :2]]),
    "hstack 1-d": lambda f: f((V, V[:2])),
    "dstack": lambda f: f([A, B]),
    "dstack 1-d": lambda f: f([V, V]),
    "column_stack": lambda f: f([V[:3], A, B[:, 0]]),
    "array_split sections": lambda f: f(np.arange(7.0) * V[0], 3),
    "array_split indices": lambda f: f(A, [1, -1, 10], axis=1),
    "vsplit": lambda f: f(CUBE, [1]),
    "hsplit": lambda f: f(A, 2),
    "hsplit 1-d": lambda f: f(V, [3]),
    "dsplit": lambda f: f(CUBE, 2),
    "append flattened": lambda f: f(A, B),
    "append axis": lambda f: f(A, B, axis=-1),
    "sort": lambda f: f(A),
    "sort axis 0": lambda f: f(A, axis=0, kind="mergesort"),
    "sort flattened": lambda f: f(CUBE, axis=None),
    "sort stable": lambda f: f(A, stable=True),
    "partition": lambda f: f(CUBE, 2),
    "partition kth sequence": lambda f: f(A, [0, -1], axis=1),
    "partition flattened": lambda f: f(A, 5, axis=None),
    "atleast_1d": lambda f: f(V[0]),
    "atleast_2d": lambda f: f(V),
    "atleast_3d": lambda f: f(A),
    "atleast_3d 1-d": lambda f: f(V),
    "rollaxis": lambda f: f(CUBE, 2),
    "rollaxis start": lambda f: f(CUBE, 0, -1),
    "flipud": lambda f: f(A),
    "fliplr": lambda f: f(CUBE),
    "rot90": lambda f: f(A),
    "rot90 k": lambda f: f(CUBE, 3, (2, 0)),
    "rot90 half": lambda f: f(CUBE, -2, axes=(1, 2)),
    "select": lambda f: f([A > 0.5, A < -0.5], [A, B], default=V),
    "select number default": lambda f: f([A > 0], [A]),
    "linspace": lambda f: f(A[0, 0], B[0, 0], 7),
    "linspace arrays": lambda f: f(V, B[0], 5, axis=-1),
    "linspace no endpoint": lambda f: f(A[0], V, num=4, endpoint=False),
    "linspace one": lambda f: f(V[0], V[1], 1),
    "einsum sublists": lambda f: f(A, [0, 1], B, [2, 1], [0, 2]),
    "einsum sublists implicit": lambda f: f(CUBE, [30, 1, 0]),
    "einsum sublists ellipsis": lambda f: f(CUBE, [Ellipsis, 1], V, [1], [Ellipsis]),
}
FLOAT32_CALLS = [
    "tril", "triu", "diag to a matrix", "diagonal", "vstack", "hstack", "column_stack", "sort",
    "partition", "rot90", "select", "linspace arrays", "einsum sublists", "append flattened",
]


def numpy_name(case):
    return case.split()[0]


def numpy_reference(case):
    # chainrule's einsum contracts as NumPy's with optimize=True (BLAS for pairs), whose
    # rounding differs from the default loop's in the last bit.
    if numpy_name(case) == "einsum":
        return functools.partial(np.einsum, optimize=True)
    return getattr(np, numpy_name(case))


def tensors(dtype=np.float64, requires_grad=False):
    """The call's float arrays as tensors (inside lists too)."""
    def convert(a):
        if isinstance(a, (list, tuple)):
            return type(a)(convert(x) for x in a)
        if isinstance(a, (np.ndarray, np.floating)) and np.asarray(a).dtype.kind == "f":
            return cr.tensor(np.asarray(a, dtype), requires_grad=requires_grad)
        return a
    return convert


def run(case, convert):
    recorded = []

    def capture(*args, **kwargs):
        recorded.append((args, kwargs))
    CALLS[case](capture)
    args, kwargs = recorded[0]
    kwargs = {k: convert(a) if k == "default" else a for k, a in kwargs.items()}
    return getattr(np, numpy_name(case)), [convert(a) for a in args], kwargs


def values(out):
    if isinstance(out, (list, tuple)):
        return [values(o) for o in out]
    return out.numpy() if isinstance(out, cr.Tensor) else np.asarray(out)


def assert_same(got, expected):
    if isinstance(expected, (list, tuple)):
        assert type(got) is type(expected) and len(got) == len(expected)
        for g, e in zip(got, expected):
            assert_same(g, e)
        return
    got = values(got)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


def float32(a):
    return np.asarray(a, np.float32) if np.asarray(a).dtype.kind == "f" else a


@pytest.mark.parametrize("case", CALLS)
def test_numpy_function_on_tensors_gives_numpy_values_exactly(case):
    func, args, kwargs = run(case, tensors())
    expected = CALLS[case](numpy_reference(case))
    assert_same(func(*args, **kwargs), expected)


@pytest.mark.parametrize("case", FLOAT32_CALLS)
def test_float32_stays_float32_and_equals_numpy(case):
    func, args, kwargs = run(case, tensors(np.float32))
    _, plain, _ = run(case, lambda a: [float32(x) for x in a] if isinstance(a, list) else
                      float32(a))
    expected = numpy_reference(case)(*plain, **kwargs)
    assert expected.dtype == np.float32
    assert_same(func(*args, **kwargs), expected)


def total(out):
    if isinstance(out, (list, tuple)):
        return sum(total(o) for o in out)
    return cr.sum(cr.sin(out))


@pytest.mark.parametrize("case", CALLS)
def test_numpy_dispatch_differentiates_like_the_chainrule_op(case):
    func, args, kwargs = run(case, tensors(requires_grad=True))
    leaves = [a for a in args if isinstance(a, cr.Tensor)]
    leaves += [x for a in args if isinstance(a, list) for x in a if isinstance(x, cr.Tensor)]
    out = func(*args, **kwargs)
    assert isinstance(out[0] if isinstance(out, (list, tuple)) else out, cr.Tensor)
    total(out).backward()
    through_numpy = [leaf.grad.numpy() for leaf in leaves]
    for leaf in leaves:
        leaf.grad = None
    total(getattr(cr, numpy_name(case))(*args, **kwargs)).backward()
    for got, leaf in zip(through_numpy, leaves):
        np.testing.assert_array_equal(got, leaf.grad.numpy())


@pytest.mark.parametrize("case", FLOAT32_CALLS)
def test_float32_gradients_stay_float32(case):
    func, args, kwargs = run(case, tensors(np.float32, requires_grad=True))
    leaves = [a for a in args if isinstance(a, cr.Tensor)]
    leaves += [x for a in args if isinstance(a, list) for x in a if isinstance(x, cr.Tensor)]
    total(func(*args, **kwargs)).backward()
    assert leaves and all(leaf.grad.dtype == np.float32 for leaf in leaves)


def test_row_stack_is_vstack():
    assert cr.row_stack is cr.vstack
    if hasattr(np, "row_stack"):
        x = cr.tensor(V, requires_grad=True)
        with warnings.catch_warnings():  # NumPy 2 deprecates the name; it still dispatches
            warnings.simplefilter("ignore", DeprecationWarning)
            assert_same(np.row_stack([x, x]), np.vstack([V, V]))


def test_atleast_with_several_inputs_gives_a_tuple_as_numpy():
    got = np.atleast_2d(cr.tensor(1.0), cr.tensor(V))
    expected = np.atleast_2d(1.0, V)
    assert_same(got, expected)
    assert cr.atleast_3d(cr.tensor(V)).shape == (1, 4, 1)


# --- ties and conventions -----------------------------------------------------------------------


def test_sort_gives_tied_places_to_entries_in_their_original_order():
    x = cr.tensor([2.0, 1.0, 2.0, 1.0], requires_grad=True)
    for kind in (None, "quicksort", "heapsort", "stable", "Merge"):
        x.grad = None
        (cr.sort(x, kind=kind) * cr.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), [3.0, 1.0, 4.0, 2.0])


def test_partition_gives_tied_places_to_entries_in_their_original_order():
    data = np.array([5.0, 1.0, 5.0, 0.0, 5.0, 3.0])
    x = cr.tensor(data, requires_grad=True)
    out = cr.partition(x, 3)
    np.testing.assert_array_equal(out.numpy(), np.partition(data, 3))
    weights = np.arange(1.0, 7.0)
    (out * weights).sum().backward()
    places_of_fives = np.flatnonzero(out.numpy() == 5.0)
    np.testing.assert_array_equal(x.grad.numpy()[[0, 2, 4]], weights[places_of_fives])


def test_sort_and_partition_agree_with_numpy_on_ties_nan_and_inf():
    data = np.array([[np.nan, 1.0, -np.inf, 1.0, 0.0, -0.0, np.inf, 1.0]] * 2)
    x = cr.tensor(data, requires_grad=True)
    np.testing.assert_array_equal(cr.sort(x).numpy(), np.sort(data))
    for kth in (0, 3, [1, 6], -1):
        np.testing.assert_array_equal(cr.partition(x, kth).numpy(), np.partition(data, kth))


def test_partition_matches_numpy_on_many_random_arrays_with_ties():
    rng = np.random.default_rng(1)
    for _ in range(50):
        data = rng.integers(0, 4, size=(3, 11)).astype(float)
        kth = int(rng.integers(0, 11))
        got = cr.partition(cr.tensor(data), kth, axis=1).numpy()
        np.testing.assert_array_equal(got, np.partition(data, kth, axis=1))


def test_sort_and_partition_refuse_what_numpy_refuses():
    x = cr.tensor(V)
    with pytest.raises(ValueError, match="kind"):
        cr.sort(x, kind="bubble")
    with pytest.raises(ValueError, match="not both"):
        cr.sort(x, kind="stable", stable=True)
    with pytest.raises(ValueError):
        cr.partition(x, 4)
    with pytest.raises(np.exceptions.AxisError):
        cr.sort(cr.tensor(1.0))


def test_select_sends_each_entry_gradient_to_the_first_true_choice_or_the_default():
    a, b = cr.tensor([1.0, 2.0, 3.0], requires_grad=True), cr.tensor(4.0, requires_grad=True)
    default = cr.tensor([5.0, 6.0, 7.0], requires_grad=True)
    out = cr.select([np.array([True, True, False]), np.array([True, False, False])], [a, b],
                    default)
    np.testing.assert_array_equal(out.numpy(), [1.0, 2.0, 7.0])
    out.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [1.0, 1.0, 0.0])
    assert b.grad.numpy() == 0.0
    np.testing.assert_array_equal(default.grad.numpy(), [0.0, 0.0, 1.0])


def test_select_refuses_what_numpy_refuses():
    with pytest.raises(ValueError):
        cr.select([A > 0], [A, B])
    with pytest.raises(ValueError):
        cr.select([], [])
    with pytest.raises(TypeError, match="boolean"):
        cr.select([A], [cr.tensor(B)])


def test_linspace_is_differentiable_in_both_endpoints():
    d_start, d_stop = cr.grad(lambda a, b: cr.sum(cr.linspace(a, b, 5) * np.arange(5.0)),
                              argnums=(0, 1))(1.0, 3.0)
    # value i is a + (b − a)·i/4: Σ i·(1 − i/4) and Σ i·i/4
    assert float(d_start) == pytest.approx(2.5) and float(d_stop) == pytest.approx(7.5)


def test_linspace_retstep_integer_dtype_and_denormal_step_as_numpy():
    out, step = cr.linspace(cr.tensor(0.0), cr.tensor(1.0), 5, retstep=True)
    assert float(step) == 0.25 and out.shape == (5,)
    assert np.isnan(cr.linspace(cr.tensor(0.0), cr.tensor(1.0), 1, retstep=True)[1])
    assert_same(np.linspace(cr.tensor(-2.5), cr.tensor(7.0), 6, dtype=int),
                np.linspace(-2.5, 7.0, 6, dtype=int))
    tiny = np.float64(5e-324)
    assert_same(np.linspace(cr.tensor(0.0), cr.tensor(tiny * 3), 4), np.linspace(0.0, tiny * 3, 4))
    assert_same(np.linspace(cr.tensor(np.float32(1)), 2, 3), np.linspace(np.float32(1), 2, 3))
    with pytest.raises(ValueError):
        cr.linspace(0.0, 1.0, -1)


def test_diag_diagonal_and_triangles_refuse_what_numpy_refuses():
    with pytest.raises(ValueError):
        cr.diag(cr.tensor(CUBE))
    with pytest.raises(ValueError):
        cr.diagonal(cr.tensor(V))
    with pytest.raises(ValueError):
        cr.diagonal(cr.tensor(A), axis1=1, axis2=-1)
    with pytest.raises(ValueError):
        cr.tril(cr.tensor(1.0))


def test_splits_and_turns_refuse_what_numpy_refuses():
    with pytest.raises(ValueError):
        cr.vsplit(cr.tensor(V), 2)
    with pytest.raises(ValueError):
        cr.dsplit(cr.tensor(A), 2)
    with pytest.raises(ValueError):
        cr.hsplit(cr.tensor(1.0), 1)
    with pytest.raises(ValueError):
        cr.array_split(cr.tensor(V), 0)
    with pytest.raises(ValueError):
        cr.rot90(cr.tensor(A), axes=(0, -2))
    with pytest.raises(ValueError):
        cr.rot90(cr.tensor(A), axes=(0, 1, 2))
    with pytest.raises(np.exceptions.AxisError):
        cr.rollaxis(cr.tensor(A), 0, 3)
    with pytest.raises(ValueError):
        cr.flipud(cr.tensor(1.0))
    with pytest.raises(ValueError):
        cr.fliplr(cr.tensor(V))


def test_stacking_casts_to_dtype_under_the_casting_rule_as_numpy():
    x = cr.tensor(V)
    assert_same(cr.vstack([x, x], dtype=np.float32), np.vstack([V, V], dtype=np.float32))
    with pytest.raises(TypeError):
        cr.hstack([x, x], dtype=np.int64)
    with pytest.raises(TypeError):
        cr.vstack((x for x in [x]))


def test_einsum_sublists_differentiate_as_the_string_form():
    a, b = cr.tensor(A, requires_grad=True), cr.tensor(B, requires_grad=True)
    cr.sum(cr.sin(cr.einsum(a, [0, 1], b, [2, 1], [0, 2]))).backward()
    by_sublists = a.grad.numpy(), b.grad.numpy()
    a.grad = b.grad = None
    cr.sum(cr.sin(cr.einsum("ij,kj->ik", a, b))).backward()
    np.testing.assert_array_equal(by_sublists[0], a.grad.numpy())
    np.testing.assert_array_equal(by_sublists[1], b.grad.numpy())
    with pytest.raises(ValueError, match="52"):
        cr.einsum(a, [0, 52])


@pytest.mark.parametrize("name", ["tril", "diag", "sort", "partition", "linspace", "select",
                                  "rot90", "hstack"])
def test_jitted_function_replays_as_eager(name):
    funcs = {
        "tril": lambda x: cr.tril(x, -1),
        "diag": lambda x: cr.diag(cr.diagonal(x)),
        "sort": lambda x: cr.sort(x, axis=0),
        "partition": lambda x: cr.partition(x, [0, 2]),
        "linspace": lambda x: cr.linspace(x[0], x[1], 4, axis=1),
        "select": lambda x: cr.select([x > 0], [x * 2], default=x[0]),
        "rot90": lambda x: cr.rot90(x, 3),
        "hstack": lambda x: cr.hstack([x, x[:, :1]]),
    }
    f = cr.grad(lambda x: cr.sum(cr.sin(funcs[name](x))))
    jitted = cr.jit(f)
    jitted(A)
    other = RNG.permutation(A.ravel()).reshape(A.shape)
    np.testing.assert_allclose(jitted(other), f(other), rtol=1e-12, atol=1e-14)
    assert len(jitted.cache) == 1
