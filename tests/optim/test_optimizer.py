"""The optimizer base: parameter groups, in-place updates, skipping, zero_grad, closures, errors."""

import subprocess
import sys

import numpy as np
import pytest

import chainrule as cr
from chainrule.optim import SGD, Adam, AdamW, RMSprop
from chainrule.tensor import wrap

# Every optimizer with every feature on, so each code path runs.
ALL = {
    "SGD": lambda ps: SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01, nesterov=True),
    "Adam": lambda ps: Adam(ps, lr=0.1, weight_decay=0.01, amsgrad=True),
    "AdamW": lambda ps: AdamW(ps, lr=0.1, amsgrad=True),
    "RMSprop": lambda ps: RMSprop(ps, lr=0.01, weight_decay=0.01, momentum=0.5, centered=True),
}


def leaf(values, dtype=np.float64):
    return cr.tensor(np.asarray(values, dtype=dtype), requires_grad=True)


def test_step_writes_the_parameters_array_in_place():
    w = leaf([1.0, 2.0])
    array = w.numpy()
    optimizer = SGD([w], lr=0.5)
    (w * w).sum().backward()
    optimizer.step()
    np.testing.assert_array_equal(array, [0.0, 0.0])  # the same memory, seen from outside
    assert w.is_leaf and w.requires_grad


def test_parameters_without_a_gradient_are_skipped_and_get_no_state():
    used, unused = leaf([1.0]), leaf([5.0])
    optimizer = Adam([used, unused], lr=0.1)
    used.grad = cr.tensor([1.0])
    optimizer.step()
    assert unused.numpy()[0] == 5.0
    assert unused not in optimizer.state and used in optimizer.state


@pytest.mark.parametrize("name", ALL)
def test_float32_parameters_and_state_stay_float32(name):
    w, b = leaf([[1.0, -2.0], [0.5, 3.0]], np.float32), leaf(0.25, np.float32)
    optimizer = ALL[name]([w, b])
    for _ in range(3):
        optimizer.zero_grad()
        ((w * w).sum() + b * b * w.sum()).backward()
        optimizer.step()
    assert w.dtype == np.float32 and b.dtype == np.float32
    for state in optimizer.state.values():
        assert all(v.dtype == np.float32 for v in state.values() if isinstance(v, np.ndarray))


@pytest.mark.parametrize("name", ALL)
def test_float32_steps_match_float64_steps_to_float32_precision(name):
    grads = [[1.0, -2.0], [0.5, 0.25], [-1.0, 3.0]]
    got = {}
    for dtype in (np.float32, np.float64):
        p = leaf([0.5, -0.5], dtype)
        optimizer = ALL[name]([p])
        for g in grads:
            p.grad = cr.tensor(np.asarray(g, dtype=dtype))
            optimizer.step()
        got[dtype] = p.numpy()
    np.testing.assert_allclose(got[np.float32], got[np.float64], rtol=1e-5, atol=1e-6)


def test_numpy_float64_hyperparameters_compute_in_float32_like_python_floats():
    # NumPy 2 lets an np.float64 scalar upcast a float32 array; the optimizer must not.
    rng = np.random.default_rng(1)
    grads = rng.standard_normal((3, 50)).astype(np.float32)
    got = []
    for number in (float, np.float64):
        p = leaf(np.linspace(-1, 1, 50), np.float32)
        optimizer = Adam([p], lr=number(0.1), betas=(number(0.9), number(0.99)), eps=number(1e-3))
        for grad in grads:
            p.grad = cr.tensor(grad)
            optimizer.step()
        got.append(p.numpy())
    assert got[1].dtype == np.float32
    np.testing.assert_array_equal(got[1], got[0])


@pytest.mark.parametrize("name", ALL)
def test_a_0d_parameter_is_updated_and_stays_a_0d_tensor(name):
    b = leaf(2.0, np.float32)
    optimizer = ALL[name]([b])
    for _ in range(2):
        optimizer.zero_grad()
        (b * b).backward()
        optimizer.step()
    assert b.shape == () and b.dtype == np.float32 and b.item() < 2.0
    assert isinstance(b._data, np.float32)  # the engine keeps 0-d values as NumPy scalars


def test_backward_through_a_graph_recorded_before_the_step_is_refused():
    w = leaf([1.0, 2.0])
    optimizer = SGD([w], lr=0.1)
    (w * w).sum().backward()
    stale = (w * w).sum()
    optimizer.step()
    with pytest.raises(RuntimeError, match="modified in place"):
        stale.backward()


@pytest.mark.parametrize("name", ALL)
def test_a_transposed_or_broadcast_gradient_gives_the_same_step(name):
    grad = np.arange(6.0).reshape(3, 2) - 2.5
    results = []
    for given in (grad.T, np.ascontiguousarray(grad.T)):
        p = leaf(np.ones((2, 3)))
        p.grad = wrap(given)  # keeps the layout, as the engine's gradients do
        ALL[name]([p]).step()
        results.append(p.numpy())
    np.testing.assert_array_equal(results[0], results[1])
    p = leaf(np.ones((2, 3)))
    p.grad = wrap(np.broadcast_to(np.ones(3), (2, 3)))  # read-only, as the engine may give
    ALL[name]([p]).step()
    assert np.all(p.numpy() < 1)


def test_parameter_groups_take_their_own_learning_rates():
    a, b = leaf([1.0]), leaf([1.0])
    optimizer = SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.25, momentum=0.5)
    a.grad, b.grad = cr.tensor([1.0]), cr.tensor([1.0])
    optimizer.step()
    assert (a.numpy()[0], b.numpy()[0]) == (0.75, 0.5)
    assert optimizer.param_groups[1]["momentum"] == 0.5  # other settings come from defaults


def test_add_param_group_fills_in_the_defaults():
    a, b = leaf([1.0]), leaf([1.0])
    optimizer = Adam([a], lr=0.1)
    optimizer.add_param_group({"params": b, "eps": 1e-3})
    assert optimizer.param_groups[1] == dict(
        params=[b], lr=0.1, betas=(0.9, 0.999), eps=1e-3, weight_decay=0, amsgrad=False
    )


def test_params_may_be_a_generator_or_a_single_tensor():
    w = leaf([1.0])
    assert SGD((p for p in [w]), lr=0.1).param_groups[0]["params"] == [w]
    assert SGD(w, lr=0.1).param_groups[0]["params"] == [w]


def test_zero_grad_sets_gradients_to_none_by_default():
    w = leaf([1.0])
    w.grad = cr.tensor([3.0])
    SGD([w], lr=0.1).zero_grad()
    assert w.grad is None


def test_zero_grad_without_set_to_none_gives_new_zeros_and_never_writes_a_shared_gradient():
    a, b = leaf(np.ones(3), np.float32), leaf(np.ones(3), np.float32)
    (a + b).sum().backward()  # both gradients are one read-only array
    shared = a.grad.numpy()
    SGD([a], lr=0.1).zero_grad(set_to_none=False)
    assert a.grad.dtype == np.float32 and a.grad.numpy().tolist() == [0.0, 0.0, 0.0]
    assert shared.tolist() == [1.0, 1.0, 1.0] and b.grad.numpy().tolist() == [1.0, 1.0, 1.0]


def test_optimizers_never_write_a_gradient_array():
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (a + b).sum().backward()
    for make in ALL.values():
        optimizer = make([a, b])
        optimizer.step()
        optimizer.step()
    assert a.grad.numpy().tolist() == [1.0, 1.0] and b.grad.numpy().tolist() == [1.0, 1.0]


def test_step_with_a_closure_records_it_even_under_no_grad_and_returns_its_loss():
    w = leaf([3.0])
    optimizer = SGD([w], lr=0.25)

    def closure():
        optimizer.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    with cr.no_grad():
        loss = optimizer.step(closure)
    assert loss.item() == 9.0 and w.numpy()[0] == 1.5


def test_repr_lists_each_group_and_its_settings():
    text = repr(SGD([leaf([1.0])], lr=0.1))
    assert text.startswith("SGD (\nParameter Group 0\n") and "    lr: 0.1\n" in text


def test_importing_chainrule_does_not_import_optim():
    code = "import sys, chainrule; assert 'chainrule.optim' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    "params, error, message",
    [
        ([], ValueError, "empty parameter list"),
        ({leaf([1.0])}, TypeError, "not a set"),
        (3.0, TypeError, "iterable of tensors, got float"),
        ([np.ones(2)], TypeError, "updates chainrule tensors, got ndarray"),
        ([leaf([1.0]) * 2], TypeError, "computed by 'multiply'; optimize the leaf"),
        ([cr.tensor([1, 2])], TypeError, "real floating-point tensors, got dtype int64"),
        ([{"params": [leaf([1.0])]}, "not a group"], TypeError, "a parameter group is a dict"),
    ],
)
def test_bad_parameters_are_refused(params, error, message):
    with pytest.raises(error, match=message):
        SGD(params, lr=0.1)


def test_a_parameter_listed_twice_is_refused():
    w = leaf([1.0])
    with pytest.raises(ValueError, match="appears twice"):
        SGD([w, w], lr=0.1)
    with pytest.raises(ValueError, match="appears twice"):
        SGD([{"params": [w]}, {"params": [w]}], lr=0.1)


def test_a_gradient_of_the_wrong_shape_is_refused():
    w = leaf([1.0, 2.0])
    w.grad = cr.tensor([1.0])
    with pytest.raises(ValueError, match=r"shape \(2,\) has a .grad of shape \(1,\)"):
        SGD([w], lr=0.1).step()
