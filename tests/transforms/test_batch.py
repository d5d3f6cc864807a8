"""Batch: every NumPy function with a batching rule does, row by row, what NumPy does.

Each check runs the function once on Batch arguments and once per row on plain arrays; the
rows must agree (to rounding: one BLAS call for all rows may sum in another order). What has
no rule must raise, never return a value.
"""

import numpy as np
import pytest

from chainrule.transforms.batching.batch import Batch, Unbatchable
from chainrule.transforms.batching.factored import Diagonal, is_diagonal, is_scaled

B = 3
rng = np.random.default_rng(11)


def batch(*shape):
    return Batch(rng.standard_normal((B,) + shape))


def plain(*shape):
    return rng.standard_normal(shape)


def row(value, i):
    return value.data[i] if isinstance(value, Batch) else value


def check(fn, *args, **kwargs):
    out = fn(*args, **kwargs)
    assert isinstance(out, Batch)
    for i in range(B):
        expected = fn(*[row(a, i) for a in args], **kwargs)
        np.testing.assert_allclose(out.data[i], expected, rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize(
    "x, y",
    [
        (batch(4), plain(4, 5)),
        (batch(2, 4), plain(4, 5)),
        (plain(5, 4), batch(4)),
        (plain(5, 4), batch(4, 2)),
        (plain(4), batch(4, 2)),
        (batch(4), plain(4)),
        (batch(4), batch(4)),
        (batch(2, 4), batch(4, 3)),
        (plain(6, 2, 4), batch(4)),
        (batch(6, 2, 4), plain(4, 3)),
        (batch(4), plain(6, 4, 3)),
        (plain(4), batch(6, 4, 3)),
        (batch(1, 2, 4), plain(6, 4, 3)),
        (plain(6, 1, 2, 4), batch(5, 4, 3)),
        (batch(2, 4), batch(6, 4, 3)),
    ],
    ids=lambda v: f"{'B' if isinstance(v, Batch) else ''}{v.shape}",
)
def test_matmul_row_by_row(x, y):
    check(np.matmul, x, y)
    check(lambda a, b: a @ b, x, y)


def test_matmul_of_misaligned_rows_raises_as_numpy_does():
    with pytest.raises(ValueError, match="not aligned"):
        np.matmul(batch(3), plain(2, 4))


@pytest.mark.parametrize(
    "fn, args",
    [
        (np.add, (batch(2, 3), plain(3))),
        (np.multiply, (plain(4, 2, 3), batch(2, 3))),
        (np.subtract, (batch(3), plain(2, 3))),
        (np.power, (batch(2), 2)),
        (np.negative, (batch(2, 2),)),
        (np.greater, (batch(3), 0.0)),
        (lambda a, b: a * b + 1 - a / (b * b + 1), (batch(2, 3), batch(3))),
        (lambda a, b: b - a, (batch(1, 3), plain(4, 1))),
        (np.where, (plain(2, 3) > 0, batch(3), 0.0)),
        (np.where, (plain(3) > 0, 0.0, batch(2, 3))),
        (np.clip, (batch(2, 3), -0.5, 0.5)),
    ],
)
def test_elementwise_row_by_row(fn, args):
    check(fn, *args)


@pytest.mark.parametrize(
    "fn",
    [
        lambda a: np.sum(a),
        lambda a: np.sum(a, axis=0),
        lambda a: np.sum(a, axis=(-1, 0)),
        lambda a: np.sum(a, axis=1, keepdims=True),
        lambda a: a.sum(axis=-1),
        lambda a: np.reshape(a, (6, 4)),
        lambda a: np.reshape(a, (4, -1), order="F"),
        lambda a: a.reshape(24),
        lambda a: a.reshape(3, 8),
        lambda a: np.ravel(a),
        lambda a: np.transpose(a),
        lambda a: np.transpose(a, (1, 2, 0)),
        lambda a: a.T,
        lambda a: a.mT,
        lambda a: np.swapaxes(a, 0, -1),
        lambda a: np.moveaxis(a, 0, 2),
        lambda a: np.expand_dims(a, (0, 3)),
        lambda a: np.squeeze(np.expand_dims(a, 1)),
        lambda a: np.broadcast_to(a, (5, 2, 3, 4)),
        lambda a: np.cumsum(a, axis=1),
        lambda a: np.cumsum(a),
        lambda a: np.trace(a, 1, 0, 2),
        lambda a: np.take(a, [2, 0], axis=-1),
        lambda a: np.take(a, [5, 1]),
        lambda a: np.pad(a, ((1, 0), (0, 2), (1, 1)), mode="constant", constant_values=0),
        lambda a: np.einsum("ijk,kl->jil", a, np.ones((4, 2))),
        lambda a: np.concatenate([a, np.ones((2, 3, 1))], axis=-1),
        lambda a: np.concatenate([np.zeros((1, 3, 4)), a, a], axis=0),
        lambda a: np.stack([a, np.ones((2, 3, 4))], axis=1),
        lambda a: a[1],
        lambda a: a[..., 1:3],
        lambda a: a[:, None, ::-1],
        lambda a: a[[1, 0, 1]],
        lambda a: a[:, [2, 0], [1, 3]],
        lambda a: a[0, [2, 1]],
        lambda a: a[1, :, 2],
        lambda a: a[:, np.array([[0], [1]]), np.array([1, 2])],
        lambda a: a.astype(np.float32),
        lambda a: a.copy(),
    ],
)
def test_shape_and_reduction_functions_row_by_row(fn):
    check(fn, batch(2, 3, 4))


def test_solve_row_by_row():
    a = plain(3, 3) + 3 * np.eye(3)
    check(np.linalg.solve, a, batch(3))
    check(np.linalg.solve, a, batch(3, 2))
    check(np.linalg.solve, Batch(np.stack([a, a.T, a @ a])), plain(3))
    check(np.linalg.solve, Batch(np.stack([a, a.T, a @ a])), batch(3, 2))


def test_new_values_are_batches_that_take_writes():
    values = batch(2)
    out = np.zeros_like(values, shape=(3, 2))
    out[1] = values
    np.add.at(out, (np.array([0, 0]),), values)
    for i in range(B):
        expected = np.zeros((3, 2))
        expected[1] = values.data[i]
        np.add.at(expected, (np.array([0, 0]),), values.data[i])
        np.testing.assert_array_equal(out.data[i], expected)


def test_shape_dtype_and_size_are_those_of_one_row():
    b = batch(2, 3)
    assert (b.shape, b.ndim, b.size, b.dtype) == ((2, 3), 2, 6, np.float64)
    assert np.shape(b) == (2, 3) and np.ndim(b) == 2 and np.size(b) == 6
    assert np.result_type(b, np.float32) == np.float64


@pytest.mark.parametrize(
    "read",
    [
        np.asarray,
        bool,
        len,
        list,
        float,
        lambda b: np.linalg.inv(b),
        lambda b: np.max(b),
        lambda b: np.add.reduce(b),
        lambda b: b[[0, 1], :, [0, 1]],
        lambda b: b[True],
        lambda b: np.sum(b, out=np.zeros(3)),
        lambda b: np.einsum("...k->k", b),
    ],
)
def test_what_has_no_batching_rule_raises(read):
    with pytest.raises(TypeError):
        read(batch(2, 3, 2))


def test_writing_a_batch_into_a_plain_array_raises():
    target = np.zeros(3)
    with pytest.raises(TypeError):
        target += batch(3)
    with pytest.raises(TypeError):
        target[0:3] = batch(3)
    np.testing.assert_array_equal(target, 0)


def test_batches_of_different_sizes_do_not_mix():
    with pytest.raises(Unbatchable):
        Batch(np.ones((2, 3))) + Batch(np.ones((3, 3)))


# --- the diagonal seed: fast paths that equal the dense rows ---------------------------------


def diagonal(*shape, dtype=np.float64):
    size = int(np.prod(shape))
    return Diagonal(rng.uniform(0.5, 2.0, size).astype(dtype), shape)


def dense(value):
    """The same rows as an ordinary batch (a diagonal one is left as it was)."""
    if is_diagonal(value):
        rows = np.diag(value.diagonal).reshape((value.count,) + value.shape)
        return Batch(rows)
    return Batch(np.array(value.data)) if isinstance(value, Batch) else value


def check_against_dense(fn, *args, structured):
    out = fn(*args)
    expected = fn(*[dense(a) for a in args])
    assert is_diagonal(out) == structured
    assert out.data.dtype == expected.data.dtype
    np.testing.assert_array_equal(out.data, expected.data)


def test_diagonal_rows_are_the_scaled_identity():
    d = Diagonal(np.array([1.0, 2.0, 3.0, 4.0]), (2, 2))
    assert (d.shape, d.count, d.size) == ((2, 2), 4, 4)
    np.testing.assert_array_equal(d.data.reshape(4, 4), np.diag([1.0, 2.0, 3.0, 4.0]))


@pytest.mark.parametrize(
    "other, structured",
    [
        (plain(2, 3), True),
        (plain(3), True),
        (2.5, True),
        (np.float64(2.5), True),
        (plain(4, 2, 3), False),
        (np.array([1.0, np.inf, 2.0]), False),
        (np.array([np.nan, 1.0, 1.0]), False),
    ],
)
def test_diagonal_times_a_value(other, structured):
    with np.errstate(invalid="ignore"):  # 0·inf is NaN in the dense rows, as in row sweeps
        check_against_dense(np.multiply, diagonal(2, 3), other, structured=structured)
        check_against_dense(np.multiply, other, diagonal(2, 3), structured=structured)


def test_diagonal_keeps_float32_beside_python_scalars():
    assert (diagonal(3, dtype=np.float32) * 2.0).dtype == np.float32
    check_against_dense(
        np.multiply, diagonal(3, dtype=np.float32), np.float64(2.0), structured=True
    )


def identity(*shape):
    return Diagonal(np.ones(int(np.prod(shape))), shape)


@pytest.mark.parametrize(
    "x, y",
    [
        (diagonal(4), plain(4, 5)),
        (diagonal(1, 4), plain(4, 3)),
        (plain(5, 4), diagonal(4)),
        (identity(4), plain(4, 5)),
        (identity(1, 4), plain(4, 3)),
        (plain(5, 4), identity(4)),
    ],
)
def test_diagonal_matrix_products_are_scalings(x, y):
    out = np.matmul(x, y)
    expected = np.matmul(dense(x), dense(y))
    assert not is_diagonal(out)
    np.testing.assert_allclose(out.data, expected.data, rtol=1e-15, atol=0)


@pytest.mark.parametrize(
    "x, y",
    [
        (diagonal(3), np.array([[1.0, np.inf], [0.0, 1.0], [2.0, 2.0]])),
        (np.array([[np.nan, 1.0, 0.0]]), diagonal(3)),
        (diagonal(2, 3), plain(3, 2)),
    ],
)
def test_diagonal_products_that_cannot_skip_zeros_are_dense(x, y):
    with np.errstate(invalid="ignore"):
        found, expected = np.matmul(x, y), np.matmul(dense(x), dense(y))
    np.testing.assert_array_equal(found.data, expected.data)


def test_the_identity_times_a_matrix_is_that_matrix_without_a_copy():
    matrix = plain(4, 5)
    for out in [np.matmul(identity(4), matrix), np.matmul(matrix.T, identity(4))]:
        np.testing.assert_array_equal(out.data, matrix)
        assert np.shares_memory(out.data, matrix)
    float32_rows = np.matmul(identity(4), matrix.astype(np.float32))
    assert float32_rows.dtype == np.float64  # the diagonal's dtype counts, as in dense rows


def test_diagonal_reshape_keeps_the_form():
    d = diagonal(2, 3)
    for shape in [(6,), (3, -1), (1, 6, 1)]:
        check_against_dense(lambda v, shape=shape: np.reshape(v, shape), d, structured=True)
    check_against_dense(lambda v: np.reshape(v, (3, 2), order="F"), d, structured=False)


def test_a_written_diagonal_is_dense_from_then_on():
    d = diagonal(3)
    d[1] = 7.0
    assert not is_diagonal(d)
    expected = np.diag(d.diagonal)
    expected[:, 1] = 7.0
    np.testing.assert_array_equal(d.data, expected)
    np.testing.assert_array_equal((d * np.ones(3)).data, expected)


# --- scaled rows: chains of scalings multiplied out once -------------------------------------


def step_by_step(fn, *args):
    return fn(*[dense(a) for a in args]).data


def test_rows_times_plain_factors_stay_scaled():
    rows, p, q = batch(2, 3), plain(3), plain(2, 3)

    def chain(r):
        first = r * p
        return -(first * q) + first * 2.0 - first

    out = chain(rows)
    assert is_scaled(out)
    np.testing.assert_allclose(out.data, step_by_step(chain, rows), rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize(
    "factor",
    [
        np.array([1.0, np.inf, 2.0]),
        np.array([np.nan, 1.0, 1.0]),
        np.array([1e200, 1.0, 1.0]),
        np.array([1e-200, 1.0, 1.0]),
    ],
)
def test_factors_that_are_not_moderate_are_multiplied_out(factor):
    rows = batch(3)
    with np.errstate(all="ignore"):
        out = rows * factor
    assert not is_scaled(out)
    np.testing.assert_array_equal(out.data, rows.data * factor)


@pytest.mark.parametrize(
    "factor", [np.array([0.0, 1e-100, 3.0]), np.array([-0.0, 0.0, 0.0]), np.float64(2.0)]
)
def test_moderate_factors_and_zeros_stay_scaled(factor):
    rows = batch(3)
    out = rows * factor
    assert is_scaled(out)
    np.testing.assert_array_equal(out.data, rows.data * factor)


def test_rows_of_no_entries_stay_scaled():
    out = batch(0) * plain(0)
    assert is_scaled(out) and out.data.shape == (B, 0)


def test_factors_that_are_no_numbers_are_not_kept():
    rows = batch(3)
    out = rows * np.array([1, 2, 3], dtype=object)
    assert not is_scaled(out)
    np.testing.assert_array_equal(out.data, rows.data * np.array([1, 2, 3]))


def test_sums_of_scalings_of_different_rows_are_multiplied_out():
    out = batch(3) * plain(3) + batch(3) * plain(3)
    assert not is_scaled(out)


@pytest.mark.parametrize(
    "x, y", [("rows(4)", "plain(4, 5)"), ("rows(1, 4)", "plain(4, 3)"), ("plain(5, 4)", "rows(4)")]
)
def test_products_with_scaled_rows_put_the_scale_on_the_matrix(x, y):
    def make(spec):
        kind, shape = spec.split("(")
        shape = tuple(int(n) for n in shape.rstrip(")").split(","))
        return batch(*shape) * plain(shape[-1]) if kind == "rows" else plain(*shape)

    x, y = make(x), make(y)
    assert is_scaled(x) or is_scaled(y)
    out = np.matmul(x, y)
    np.testing.assert_allclose(out.data, step_by_step(np.matmul, x, y), rtol=1e-13)


@pytest.mark.parametrize(
    "rows",
    [
        Batch(plain(4, B).T),  # a transposed view: F order
        Batch(plain(B, 8)[:, ::2]),  # no axis of unit stride
    ],
    ids=["transposed", "strided"],
)
def test_products_with_scaled_rows_of_any_layout(rows):
    factor, matrix = plain(4), plain(4, 5)
    x = rows * factor
    assert is_scaled(x)
    found = np.matmul(x, matrix).data
    np.testing.assert_allclose(found, (rows.data * factor) @ matrix, rtol=1e-13)
    found = np.matmul(matrix.T, x).data
    np.testing.assert_allclose(found, (rows.data * factor) @ matrix, rtol=1e-13)


def test_scaled_rows_keep_their_form_through_reshape():
    scaled = batch(2, 3) * plain(2, 3)
    out = np.reshape(scaled, (3, 2))
    assert is_scaled(out)
    np.testing.assert_array_equal(out.data, step_by_step(lambda r: np.reshape(r, (3, 2)), scaled))


def test_rows_never_change_under_a_scaling_that_shares_them():
    rows = batch(3)
    before = rows.data.copy()
    scaled = rows * plain(3)
    rows[0] = 99.0
    np.add.at(rows, (np.array([1, 1]),), 5.0)
    np.testing.assert_array_equal(scaled.data, before * scaled.scale)


def test_scaled_rows_have_numpy_dtypes():
    rows32 = Batch(np.ones((B, 3), dtype=np.float32))
    assert (rows32 * 2.0).dtype == np.float32 and (rows32 * 2.0).data.dtype == np.float32
    assert (rows32 * np.ones(3)).dtype == np.float64
    assert (rows32 * (plain(3) > 0)).data.dtype == np.float32
