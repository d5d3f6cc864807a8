"""Shape, joining, flip and roll: values equal NumPy's, gradients are exact, errors are clear."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.ops import indexing, joining, shape
from chainrule.primitive import REGISTRY

pytestmark = pytest.mark.filterwarnings("error")

A = np.arange(6.0).reshape(2, 3) - 2.5
B = np.arange(24.0).reshape(2, 3, 4) / 7

# (chainrule op, NumPy reference, input): the forward values must be equal, entry for entry.
SAME_AS_NUMPY = [
    pytest.param(lambda x: shape.reshape(x, (3, -1)), lambda x: np.reshape(x, (3, -1)), A,
                 id="reshape -1"),
    pytest.param(lambda x: shape.reshape(x, (3, 2), order="F"),
                 lambda x: np.reshape(x, (3, 2), order="F"), A, id="reshape order F"),
    pytest.param(lambda x: shape.reshape(x, (1, 1)), lambda x: np.reshape(x, (1, 1)),
                 np.float64(2.0), id="reshape 0-d"),
    pytest.param(lambda x: shape.reshape(x, (3, 0)), lambda x: np.reshape(x, (3, 0)),
                 np.zeros((0, 3)), id="reshape empty"),
    pytest.param(shape.ravel, np.ravel, B, id="ravel"),
    pytest.param(lambda x: shape.broadcast_to(x, (4, 2, 3)),
                 lambda x: np.broadcast_to(x, (4, 2, 3)), A, id="broadcast_to"),
    pytest.param(shape.transpose, np.transpose, B, id="transpose"),
    pytest.param(lambda x: shape.transpose(x, (-1, 0, 1)),
                 lambda x: np.transpose(x, (-1, 0, 1)), B, id="transpose negative axes"),
    pytest.param(lambda x: shape.swapaxes(x, -1, 0), lambda x: np.swapaxes(x, -1, 0), B,
                 id="swapaxes"),
    pytest.param(lambda x: shape.moveaxis(x, (0, -1), (2, 0)),
                 lambda x: np.moveaxis(x, (0, -1), (2, 0)), B, id="moveaxis"),
    pytest.param(shape.squeeze, np.squeeze, B.reshape(1, 2, 1, 12), id="squeeze all"),
    pytest.param(lambda x: shape.squeeze(x, -2), lambda x: np.squeeze(x, -2),
                 B.reshape(2, 1, 12), id="squeeze negative axis"),
    pytest.param(lambda x: shape.expand_dims(x, (0, -1)),
                 lambda x: np.expand_dims(x, (0, -1)), A, id="expand_dims"),
    pytest.param(lambda x: joining.concatenate([x, x[:, ::-1]], axis=-1),
                 lambda x: np.concatenate([x, x[:, ::-1]], axis=-1), A, id="concatenate"),
    pytest.param(lambda x: joining.concatenate([x, x[0]], axis=None),
                 lambda x: np.concatenate([x, x[0]], axis=None), A, id="concatenate flattened"),
    pytest.param(lambda x: joining.stack([x, x.T], axis=1), lambda x: np.stack([x, x.T], axis=1),
                 A[:, :2], id="stack"),
    pytest.param(lambda x: joining.stack([x, x]), lambda x: np.stack([x, x]), np.float64(3.0),
                 id="stack 0-d"),
    pytest.param(indexing.flip, np.flip, B, id="flip"),
    pytest.param(lambda x: indexing.flip(x, (0, -1)), lambda x: np.flip(x, (0, -1)), B,
                 id="flip two axes"),
    pytest.param(lambda x: joining.roll(x, 5), lambda x: np.roll(x, 5), A, id="roll flattened"),
    pytest.param(lambda x: joining.roll(x, (-1, 7), axis=(1, -1)),
                 lambda x: np.roll(x, (-1, 7), axis=(1, -1)), B, id="roll two axes"),
    pytest.param(lambda x: joining.roll(x, -6, axis=1), lambda x: np.roll(x, -6, axis=1), A,
                 id="roll by a multiple of the size"),
    pytest.param(lambda x: joining.roll(x, 2, axis=0), lambda x: np.roll(x, 2, axis=0),
                 np.zeros((0, 3)), id="roll empty"),
    pytest.param(lambda x: joining.roll(x, (1, 2), axis=0),
                 lambda x: np.roll(x, (1, 2), axis=0), A, id="roll one axis twice"),
    pytest.param(lambda x: joining.tile(x, (2, 1, 3)), lambda x: np.tile(x, (2, 1, 3)), A,
                 id="tile more reps"),
    pytest.param(lambda x: joining.tile(x, 2), lambda x: np.tile(x, 2), B, id="tile fewer reps"),
    pytest.param(lambda x: joining.tile(x, (2, 2)), lambda x: np.tile(x, (2, 2)),
                 np.float64(1.5), id="tile 0-d"),
    pytest.param(lambda x: joining.repeat(x, 3), lambda x: np.repeat(x, 3), A,
                 id="repeat flattened"),
    pytest.param(lambda x: joining.repeat(x, 2, axis=-1), lambda x: np.repeat(x, 2, axis=-1),
                 B, id="repeat one count"),
    pytest.param(lambda x: joining.repeat(x, [0, 3, 1], axis=1),
                 lambda x: np.repeat(x, [0, 3, 1], axis=1), A, id="repeat counts"),
    pytest.param(lambda x: joining.repeat(x, 2), lambda x: np.repeat(x, 2), np.float64(4.0),
                 id="repeat 0-d"),
    pytest.param(lambda x: joining.pad(x, ((1, 0), (0, 2))),
                 lambda x: np.pad(x, ((1, 0), (0, 2))), A, id="pad zeros"),
    pytest.param(lambda x: joining.pad(x, 1), lambda x: np.pad(x, 1), np.zeros((0, 2)),
                 id="pad empty"),
]
SAME_AS_NUMPY += [
    pytest.param(lambda x, m=mode: joining.pad(x, (3, 4), mode=m),
                 lambda x, m=mode: np.pad(x, (3, 4), mode=m), A, id=f"pad {mode}")
    for mode in ("edge", "reflect", "symmetric", "wrap")
]


@pytest.mark.parametrize("op, reference, x", SAME_AS_NUMPY)
def test_values_match_numpy(op, reference, x):
    out = op(cr.tensor(x))
    expected = reference(x)
    assert out.shape == expected.shape
    np.testing.assert_array_equal(out.numpy(), expected)


@pytest.mark.parametrize("op, reference, x", SAME_AS_NUMPY)
def test_gradient_is_the_adjoint_of_the_op(op, reference, x):
    # Each op here puts entries of x (or zeros) in new places, so the gradient of <op(x), w>
    # at entry i is the sum of w over the places that entry i went to: push the positions
    # 1..n through the NumPy op and add up w by position (0 marks padding).
    weights = np.random.default_rng(0).standard_normal(np.shape(reference(x)))
    t = cr.tensor(x, requires_grad=True)
    (op(t) * weights).sum().backward()
    positions = np.arange(np.size(x), dtype=float).reshape(np.shape(x))
    expected = np.bincount(reference(positions + 1).ravel().astype(int), weights.ravel(),
                           minlength=np.size(x) + 1)[1:].reshape(np.shape(x))
    np.testing.assert_allclose(t.grad.numpy(), expected, rtol=1e-12, atol=1e-12)


FLOAT32_OPS = {
    "reshape": lambda x: shape.reshape(x, (-1,)),
    "broadcast_to": lambda x: shape.broadcast_to(x, (3, 2, 2)),
    "transpose": shape.transpose,
    "concatenate": lambda x: joining.concatenate([x, x]),
    "stack": lambda x: joining.stack([x, x]),
    "split": lambda x: joining.split(x, 2)[1],
    "flip": indexing.flip,
    "roll": lambda x: joining.roll(x, 1),
    "tile": lambda x: joining.tile(x, 2),
    "repeat": lambda x: joining.repeat(x, [1, 2], axis=0),
    "pad": lambda x: joining.pad(x, 1, constant_values=3),
    "pad reflect": lambda x: joining.pad(x, 2, mode="reflect"),
}


@pytest.mark.parametrize("name", FLOAT32_OPS)
def test_float32_stays_float32_in_values_and_gradients(name):
    x = cr.tensor(np.ones((2, 2), dtype=np.float32), requires_grad=True)
    y = FLOAT32_OPS[name](x)
    assert y.dtype == np.float32
    (y * y).sum().backward()
    assert x.grad.dtype == np.float32


def test_pad_with_a_constant_matches_numpy_and_passes_the_gradient_inside():
    x = cr.tensor(A, requires_grad=True)
    y = joining.pad(x, ((1, 0), (0, 2)), constant_values=-1.5)
    np.testing.assert_array_equal(y.numpy(), np.pad(A, ((1, 0), (0, 2)), constant_values=-1.5))
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.ones_like(A))


def test_pad_by_nothing_still_gives_a_copy():
    x = cr.tensor([1.0, 2.0])
    y = joining.pad(x, 0, mode="edge")
    assert y is not x and not np.shares_memory(y.numpy(), x.numpy())


def test_split_into_sections_given_as_an_array():
    pieces = joining.split(cr.tensor(np.arange(4.0)), np.array(2))
    assert [p.tolist() for p in pieces] == [[0.0, 1.0], [2.0, 3.0]]


def test_reshape_of_a_0d_tensor_and_back():
    x = cr.tensor(2.0, requires_grad=True)
    y = shape.reshape(shape.reshape(x, (1, 1, 1)), ())
    assert y.shape == ()
    (y * y).backward()
    assert x.grad.shape == () and float(x.grad) == 4.0


def test_reshape_order_f_gradient_goes_back_in_order_f():
    x = cr.tensor(A, requires_grad=True)
    weights = np.arange(6.0).reshape(3, 2)
    (shape.reshape(x, (3, 2), order="F") * weights).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.reshape(weights, (2, 3), order="F"))


def test_broadcast_to_gradient_sums_over_the_copies():
    x = cr.tensor(np.ones((3, 1)), requires_grad=True)
    shape.broadcast_to(x, (2, 3, 4)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.full((3, 1), 8.0))


def test_concatenate_gradient_splits_back_into_blocks():
    a = cr.tensor(np.ones((2, 1)), requires_grad=True)
    b = cr.tensor(np.ones((2, 2)), requires_grad=True)
    weights = np.arange(6.0).reshape(2, 3)
    (joining.concatenate([a, b], axis=1) * weights).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), weights[:, :1])
    np.testing.assert_array_equal(b.grad.numpy(), weights[:, 1:])


def test_concatenate_takes_lists_and_arrays_beside_tensors():
    a = cr.tensor([1.0, 2.0], requires_grad=True)
    y = joining.concatenate([[0.0], a, np.array([3.0]), a])
    np.testing.assert_array_equal(y.numpy(), [0.0, 1.0, 2.0, 3.0, 1.0, 2.0])
    (y * np.arange(6.0)).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [1.0 + 4.0, 2.0 + 5.0])


def test_concatenate_of_mixed_dtypes_promotes_and_gives_each_input_its_dtype():
    a = cr.tensor(np.ones(2, dtype=np.float32), requires_grad=True)
    b = cr.tensor(np.ones(1), requires_grad=True)
    y = joining.concatenate([a, b])
    assert y.dtype == np.float64
    y.sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64


def test_concatenate_tangent_is_the_concatenated_tangents():
    _, out_dot = cr.jvp(lambda a, b: joining.concatenate([a, b, a]),
                        (np.zeros(2), np.zeros(1)), (np.array([1.0, 2.0]), np.array([3.0])))
    np.testing.assert_array_equal(out_dot, [1.0, 2.0, 3.0, 1.0, 2.0])


def test_concatenate_has_a_rule_for_every_input_position():
    prim = REGISTRY["concatenate"]
    assert len(prim.vjps) == len(prim.jvps) == 1
    assert callable(prim.vjps[7]) and callable(prim.jvps[7]) and prim.inputs[7] == "x8"


def test_split_pieces_match_numpy_and_their_gradients_land_in_place():
    x = cr.tensor(np.arange(5.0), requires_grad=True)
    pieces = joining.split(x, [2, 3, 9])
    for piece, expected in zip(pieces, np.split(np.arange(5.0), [2, 3, 9]), strict=True):
        np.testing.assert_array_equal(piece.numpy(), expected)
    (pieces[0].sum() + 10 * pieces[2].sum()).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0, 0.0, 10.0, 10.0])


def test_tile_and_repeat_gradients_count_the_copies():
    x = cr.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (joining.tile(x, (2, 2)).sum() + joining.repeat(x, [0, 1, 4]).sum()).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [4.0, 5.0, 8.0])


def test_pad_gradient_ignores_the_padding_and_counts_reflected_copies():
    x = cr.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (joining.pad(x, 1, constant_values=9.0).sum() + joining.pad(x, 2, mode="reflect").sum()
     ).backward()
    # reflect by 2 gives [3, 2, 1, 2, 3, 2, 1]: entry 2 twice, 3 twice, 1 three times.
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 4.0, 3.0])


def test_tensor_methods_use_these_ops():
    x = cr.tensor(A)
    np.testing.assert_array_equal(x.reshape(3, 2).numpy(), A.reshape(3, 2))
    np.testing.assert_array_equal(x.repeat(2, axis=0).numpy(), A.repeat(2, axis=0))
    np.testing.assert_array_equal(x.T.numpy(), A.T)


# --- clear errors -------------------------------------------------------------------------------


@pytest.mark.parametrize("call, error, message", [
    (lambda: shape.reshape(cr.tensor(A), (4,)), ValueError,
     r"cannot reshape a tensor of shape \(2, 3\) \(size 6\) into shape \(4,\)"),
    (lambda: shape.reshape(cr.tensor(A), (-1, -1)), ValueError, r"one -1 at most"),
    (lambda: shape.reshape(cr.tensor(A), (6,), order="K"), ValueError, r"order must be 'C' or 'F'"),
    (lambda: shape.reshape(cr.tensor(A), 2.5), TypeError, r"a shape is an int or a tuple of ints"),
    (lambda: shape.broadcast_to(cr.tensor(A), (3, 3)), ValueError,
     r"cannot broadcast a tensor of shape \(2, 3\) to shape \(3, 3\)"),
    (lambda: shape.transpose(cr.tensor(B), (0, 1)), ValueError,
     r"must name each of the 3 axes"),
    (lambda: shape.transpose(cr.tensor(B), (0, 1, 1)), ValueError, r"repeated axis"),
    (lambda: shape.swapaxes(cr.tensor(A), 0, 2), np.exceptions.AxisError,
     r"swapaxes: axis 2 is out of bounds for a tensor with 2 dimension\(s\)"),
    (lambda: shape.moveaxis(cr.tensor(B), (0, 1), 2), ValueError,
     r"2 source axes but 1 destinations"),
    (lambda: shape.squeeze(cr.tensor(A), 1), ValueError,
     r"cannot remove axis 1 of a tensor of shape \(2, 3\): it has size 3"),
    (lambda: shape.squeeze(cr.tensor(A), -3), np.exceptions.AxisError, r"squeeze: axis -3"),
    (lambda: shape.expand_dims(cr.tensor(A), (0, 0)), ValueError, r"repeated axis"),
    (lambda: shape.expand_dims(cr.tensor(A), 3), np.exceptions.AxisError,
     r"expand_dims: axis 3 is out of bounds"),
    (lambda: joining.concatenate([]), ValueError, r"at least one tensor"),
    (lambda: joining.concatenate([cr.tensor(1.0), cr.tensor(2.0)]), ValueError,
     r"0-d tensors have no axis to join along; use stack"),
    (lambda: joining.concatenate([cr.tensor(A), cr.tensor(B)]), ValueError,
     r"the shapes \[\(2, 3\), \(2, 3, 4\)\] must be equal except along axis 0"),
    (lambda: joining.concatenate([cr.tensor(A), cr.tensor(A.T)], axis=1), ValueError,
     r"must be equal except along axis 1"),
    (lambda: joining.stack([cr.tensor(A), cr.tensor(A[0])]), ValueError,
     r"all tensors must have the same shape, got \[\(2, 3\), \(3,\)\]"),
    (lambda: joining.stack([cr.tensor(A)], axis=3), np.exceptions.AxisError, r"stack: axis 3"),
    (lambda: joining.split(cr.tensor(A), 2, axis=1), ValueError,
     r"an axis of size 3 cannot be cut into 2 equal pieces"),
    (lambda: indexing.flip(cr.tensor(A), 2), np.exceptions.AxisError, r"flip: axis 2"),
    (lambda: joining.roll(cr.tensor(A), 1, axis=-3), np.exceptions.AxisError, r"roll: axis -3"),
    (lambda: joining.tile(cr.tensor(A), -1), ValueError, r"reps \(-1,\) cannot be negative"),
    (lambda: joining.repeat(cr.tensor(A), -1), ValueError, r"non-negative integers"),
    (lambda: joining.repeat(cr.tensor(A), [1, 2], axis=1), ValueError,
     r"2 counts for an axis of size 3"),
    (lambda: joining.pad(cr.tensor(A), 1, mode="mean"), ValueError,
     r"mode 'mean' is not supported; use 'constant' or one of 'edge'"),
    (lambda: joining.pad(cr.tensor(A), -1), ValueError, r"pad_width -1 must be non-negative"),
    (lambda: joining.pad(cr.tensor(A), ((1, 1),) * 3), ValueError, r"one pair per axis \(here 2\)"),
    (lambda: joining.pad(cr.tensor(A), 1, mode="edge", constant_values=2), ValueError,
     r"constant_values is only used with mode='constant'"),
    (lambda: joining.pad(cr.tensor(A), 1, constant_values=cr.tensor(1.0, requires_grad=True)),
     TypeError, r"constant_values is not differentiated"),
], ids=lambda value: "" if callable(value) or isinstance(value, type) else value[:40])
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()
