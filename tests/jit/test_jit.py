"""cr.jit: what it traces, when it traces again, what it refuses, and what it returns."""

import re

import numpy as np
import pytest

import chainrule as cr
from chainrule.nn import functional as F


def mlp_loss(params, x, labels):
    h = cr.tanh(x @ params[0] + params[1])
    return F.cross_entropy(h @ params[2] + params[3], labels)


def sgd_step(params, x, labels):
    grads = cr.grad(mlp_loss)(params, x, labels)
    return [p - 0.1 * g for p, g in zip(params, grads)]


def float32_params(rng):
    return [rng.standard_normal((5, 7), dtype=np.float32), np.zeros(7, np.float32),
            rng.standard_normal((7, 3), dtype=np.float32), np.zeros(3, np.float32)]


def test_a_training_step_replays_with_new_batches_and_labels_exactly_as_eager():
    rng = np.random.default_rng(0)
    step = cr.jit(sgd_step)
    jitted = eager = float32_params(rng)
    for _ in range(4):
        x = rng.standard_normal((8, 5), dtype=np.float32)
        labels = rng.integers(0, 3, 8)
        jitted, eager = step(jitted, x, labels), sgd_step(eager, x, labels)
        for got, expected in zip(jitted, eager):
            assert got.dtype == np.float32
            np.testing.assert_array_equal(got, expected)
    assert len(step.cache) == 1


def test_value_and_grad_of_a_float32_loss_stays_float32():
    rng = np.random.default_rng(1)
    params = float32_params(rng)
    x, labels = rng.standard_normal((4, 5), dtype=np.float32), np.array([0, 2, 1, 1])
    loss, grads = cr.jit(cr.value_and_grad(mlp_loss))(params, x, labels)
    assert loss.dtype == np.float32 and all(g.dtype == np.float32 for g in grads)
    assert all(s.dtype == np.float32 for s in cr.jit(cr.value_and_grad(mlp_loss))
               .trace(params, x, labels).run(*params, x, labels))


def test_a_new_shape_or_dtype_traces_again_and_the_same_replays():
    f = cr.jit(lambda x: cr.sum(cr.sin(x) ** 2))
    f(np.ones(3))
    f(np.zeros(3))
    assert len(f.cache) == 1
    assert f(np.ones(4)) == pytest.approx(4 * np.sin(1.0) ** 2)
    f(np.ones(4, np.float32))
    assert len(f.cache) == 3


def test_python_numbers_and_static_arguments_are_baked_in_and_select_a_trace():
    scale = cr.jit(lambda x, k: x * k)
    assert scale(np.ones(2), 2.0).tolist() == [2.0, 2.0]
    assert scale(np.ones(2), 3.0).tolist() == [3.0, 3.0]
    assert len(scale.cache) == 2
    power = cr.jit(lambda x, n: x ** n, static_argnums=1)
    assert power(np.full(2, 2.0), 3).tolist() == [8.0, 8.0]
    assert power(np.full(2, 2.0), 2).tolist() == [4.0, 4.0]


def test_a_python_float_keeps_float32_float32_as_in_eager():
    out = cr.jit(lambda x, lr: x - lr * x)(np.ones(3, np.float32), 0.5)
    assert out.dtype == np.float32


def test_forward_mode_and_hessians_inside_jit_replay_at_new_points():
    def f(x):
        return cr.sum(cr.exp(x[0] * x) * cr.cos(x))

    hessian = cr.jit(cr.hessian(f))
    jvp = cr.jit(lambda x, v: cr.jvp(f, (x,), (v,)))
    for seed in range(3):
        x, v = np.random.default_rng(seed).uniform(-1, 1, (2, 4))
        np.testing.assert_allclose(hessian(x), cr.hessian(f)(x), rtol=1e-13)
        got, expected = jvp(x, v), cr.jvp(f, (x,), (v,))
        np.testing.assert_allclose(got, expected, rtol=1e-13)


def test_an_if_on_a_traced_value_is_refused_with_the_fix():
    def f(x):
        return x if cr.sum(x) > 0 else -x

    with pytest.raises(cr.TraceError, match=r"jit\(f\): bool\(\).*cr.where"):
        cr.jit(f)(np.ones(2))


@pytest.mark.parametrize("leak, what", [
    (lambda x: float(cr.sum(x)), "float()"),
    (lambda x: cr.sum(x).item(), ".item()"),
    (lambda x: np.asarray(x.numpy()) * 2, ".numpy()"),
])
def test_turning_a_traced_value_into_a_python_value_is_refused(leak, what):
    with pytest.raises(cr.TraceError, match=re.escape(what)):
        cr.jit(leak)(np.ones(2))


def test_backward_inside_jit_is_refused_in_favour_of_grad():
    def f(x):
        loss = cr.sum(x * x)
        loss.backward()
        return loss

    with pytest.raises(cr.TraceError, match=r"\.backward\(\).*value_and_grad"):
        cr.jit(f)(np.ones(2))


def test_a_closed_over_tensor_that_requires_grad_is_refused():
    w = cr.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(cr.TraceError, match="pass that tensor as an argument"):
        cr.jit(lambda x: cr.sum(w * x))(np.ones(2))


def test_closed_over_arrays_are_constants_of_the_trace():
    offset = np.array([1.0, 2.0])
    f = cr.jit(lambda x: x + offset)
    assert f(np.zeros(2)).tolist() == [1.0, 2.0]
    assert f(np.ones(2)).tolist() == [2.0, 3.0]


def test_inside_another_transform_jit_runs_eagerly_so_derivatives_flow_through():
    f = cr.jit(lambda x: cr.sin(x) * x)
    assert cr.grad(f)(1.0) == pytest.approx(np.cos(1.0) + np.sin(1.0))
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    cr.sum(f(x)).backward()
    np.testing.assert_allclose(x.grad.numpy(), np.cos([1.0, 2.0]) * [1, 2] + np.sin([1.0, 2.0]))
    assert len(f.cache) == 0


def test_tensor_arguments_give_tensors_and_arrays_give_arrays():
    f = cr.jit(lambda x: cr.exp(x))
    assert isinstance(f(np.zeros(2)), np.ndarray)
    out = f(cr.tensor([0.0, 0.0]))
    assert isinstance(out, cr.Tensor) and not out.requires_grad
    assert out.numpy().tolist() == [1.0, 1.0]


def test_results_never_alias_the_inputs_or_each_other():
    x = np.arange(4.0)
    same = cr.jit(lambda x: (x, cr.reshape(x, (2, 2)), x))(x)
    same[0][0] = 100.0
    same[1][0, 1] = 200.0
    assert x.tolist() == [0.0, 1.0, 2.0, 3.0] and same[2][0] == 0.0
    def view_then_base(x):
        y = x * 2
        return cr.reshape(y, (2, 2)), y

    jitted = cr.jit(view_then_base)
    for _ in range(2):  # the trace's results, then a replay's
        view, base = jitted(x)
        assert not np.shares_memory(view, base)
    m = np.arange(6.0).reshape(2, 3)
    for fn in (lambda m: (cr.transpose(m * 2), m * 2),  # a transpose of a result of its own
               lambda m: (cr.transpose(m), m * 2),  # a transpose of the input
               lambda m: (lambda y: (cr.transpose(y), y))(m * 2)):  # ... of another result
        jitted = cr.jit(fn)
        for _ in range(2):
            first, second = jitted(m)
            assert not np.shares_memory(first, second) and not np.shares_memory(first, m)
            first[0, 0] = 100.0
            assert second[0, 0] == 0.0 and m[0, 0] == 0.0
    constant = cr.jit(lambda x: (x * 0 + 1, np.ones(2)))
    constant(x)[1][0] = 5.0
    assert constant(x)[1].tolist() == [1.0, 1.0]


def test_in_place_updates_and_new_tensors_inside_jit_are_replayed():
    def f(x, y):
        z = cr.tensor(x)
        z[0] = y
        z += 1
        return z

    f_jit = cr.jit(f)
    f_jit(np.zeros(3), 5.0 + np.zeros(()))
    out = f_jit(np.ones(3), np.asarray(-1.0))
    assert out.tolist() == [0.0, 2.0, 2.0]


def test_dropout_draws_a_new_mask_on_every_replay_from_the_same_generator():
    drop = cr.nn.Dropout(0.5, generator=np.random.default_rng(0))
    eager_drop = cr.nn.Dropout(0.5, generator=np.random.default_rng(0))
    f = cr.jit(lambda x: drop(x))
    masks = [f(np.ones(50)) for _ in range(3)]
    assert not np.array_equal(masks[1], masks[2])
    for mask in masks:
        np.testing.assert_array_equal(mask, eager_drop(cr.tensor(np.ones(50))).numpy())


def test_the_program_is_readable_numpy_calls_named_after_the_ops():
    program = cr.jit(cr.grad(lambda x: cr.sum(cr.tanh(x)))).trace(np.ones(3))
    assert "def program(" in program.source and "tanh(" in program.source
    assert program.steps == program.source.count(" = ")


def test_a_chain_of_100000_steps_traces_and_replays():
    def chain(y):
        for _ in range(50_000):
            y = cr.sin(y)
        return y

    f = cr.jit(cr.value_and_grad(lambda y: chain(y)))
    value, slope = f(np.float64(0.5))
    expected = cr.value_and_grad(lambda y: chain(y))(0.5)
    assert value == expected[0] and slope == pytest.approx(expected[1], rel=1e-12)


def model_and_loss(*layers):
    cr.manual_seed(0)
    model = cr.nn.Sequential(*layers)

    def loss(params, x, labels):
        return F.cross_entropy(cr.nn.functional_call(model, params, (x,)), labels)

    params = {name: p.detach().numpy().copy() for name, p in model.named_parameters()}
    return model, loss, params


def test_a_module_trains_under_jit_through_functional_call_as_eagerly():
    model, loss, params = model_and_loss(cr.nn.Linear(4, 6), cr.nn.Tanh(), cr.nn.Linear(6, 3))
    step = cr.jit(lambda p, x, y: cr.value_and_grad(loss)(p, x, y))
    rng = np.random.default_rng(0)
    for _ in range(3):
        x, y = rng.standard_normal((5, 4), dtype=np.float32), rng.integers(0, 3, 5)
        (value, grads), (expected_value, expected_grads) = step(params, x, y), \
            cr.value_and_grad(loss)(params, x, y)
        assert value == expected_value
        for name in params:
            np.testing.assert_array_equal(grads[name], expected_grads[name])
    assert len(step.cache) == 1


def test_switching_a_module_between_train_and_eval_traces_each_mode_once():
    model, loss, params = model_and_loss(cr.nn.Linear(4, 6), cr.nn.Dropout(0.5),
                                         cr.nn.Linear(6, 3))
    forward = cr.jit(lambda p, x: cr.nn.functional_call(model, p, (x,)))
    x = np.ones((3, 4), np.float32)
    model.eval()
    evaluated = forward(params, x)
    model.train()
    assert not np.array_equal(forward(params, x), evaluated)  # dropout is on again
    model.eval()
    np.testing.assert_array_equal(forward(params, x), evaluated)
    assert sum(map(len, forward.cache.values())) == 2


def test_batch_norm_statistics_updates_are_refused_in_training_and_replayed_in_eval():
    model, loss, params = model_and_loss(cr.nn.Linear(4, 6), cr.nn.BatchNorm1d(6),
                                         cr.nn.Linear(6, 3))
    x, y = np.random.default_rng(0).standard_normal((5, 4), dtype=np.float32), np.arange(5) % 3
    with pytest.raises(cr.TraceError, match=r"BatchNorm1d in training mode.*model.eval\(\)"):
        cr.jit(loss)(params, x, y)
    model.eval()
    assert cr.jit(loss)(params, x, y) == loss(params, x, y)


def test_containers_of_every_kind_are_inputs_and_a_non_number_is_refused_by_name():
    import collections

    Pair = collections.namedtuple("Pair", "a b")
    f = cr.jit(lambda pair, table: pair.a * table["w"] + pair.b)
    table = collections.OrderedDict(w=np.full(2, 3.0))
    assert f(Pair(np.ones(2), np.zeros(2)), table).tolist() == [3.0, 3.0]
    assert f(Pair(np.full(2, 2.0), np.ones(2)), table).tolist() == [7.0, 7.0]
    assert len(f.cache) == 1
    with pytest.raises(TypeError, match=r"arguments\[0\]\[1\] is a str"):
        f(np.ones(2), "three")


def test_calls_alternating_between_signatures_each_replay_their_own_trace():
    # The fast path reads a call like the last one; any other goes the general way.
    f = cr.jit(lambda xs, k, n: cr.sum(xs[0] * k) + n * xs[1], static_argnums=2)
    calls = [([np.ones(3), np.ones(())], 2.0, 1), ([np.ones(3), np.ones(())], 2.0, 2),
             ([np.ones(4), np.ones(())], 2.0, 1), ([np.ones(3), np.float64(1.0)], 2.0, 1),
             ((np.ones(3), np.ones(())), 2.0, 1), ([np.ones(3), np.ones(())], 3.0, 1),
             ([np.ones(3, np.float32), np.ones(())], 2.0, 1)]
    for _ in range(3):
        for xs, k, n in calls:
            assert f(xs, k, n) == pytest.approx(len(xs[0]) * k + n)
    assert len(f.cache) == len(calls) - 1  # a NumPy scalar replays a 0-d array's trace


@pytest.mark.filterwarnings("ignore:divide by zero")
def test_a_negative_zero_argument_is_not_replayed_as_a_positive_one():
    divide = cr.jit(lambda x, c: x / c)
    assert divide(np.ones(1), 0.0)[0] == np.inf
    assert divide(np.ones(1), -0.0)[0] == -np.inf
    assert divide(np.ones(1), -0.0)[0] == -np.inf  # replayed
    assert divide(np.ones(1), 0.0)[0] == np.inf


def test_the_fast_path_runs_eagerly_inside_a_transform_and_replays_after():
    f = cr.jit(lambda x: cr.sin(x) * x)
    x = np.array([1.0, 2.0])
    f(x)
    f(x)  # replayed: the next call like it takes the fast path
    for _ in range(2):
        np.testing.assert_allclose(cr.jacfwd(lambda y: f(y) * 1.0)(x),
                                   np.diag(np.cos(x) * x + np.sin(x)))
    np.testing.assert_array_equal(f(x), np.sin(x) * x)
    assert len(f.cache) == 1
