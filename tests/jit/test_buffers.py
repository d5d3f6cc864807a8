"""Replays that write results into arrays nothing reads any more, and into donated arguments:
the same values as eager, and never into an array someone can still see."""

import numpy as np
import pytest

import chainrule as cr


def mlp_step(params, x, labels):
    def loss(params):
        h = cr.tanh(x @ params[0] + params[1])
        return cr.nn.functional.cross_entropy(h @ params[2] + params[3], labels)

    grads = cr.grad(loss)(params)
    return [p - 0.1 * g for p, g in zip(params, grads)]


def start():
    rng = np.random.default_rng(0)
    params = [rng.standard_normal((8, 16)), np.zeros(16), rng.standard_normal((16, 4)),
              np.zeros(4)]
    return params, rng.standard_normal((5, 8)), rng.integers(0, 4, 5)


def test_temporaries_are_written_in_place_and_the_step_equals_eager_bit_for_bit():
    params, x, labels = start()
    step = cr.jit(mlp_step)
    assert "out=" in step.trace(params, x, labels).source
    for _ in range(3):
        expected = mlp_step(params, x, labels)
        found = step(params, x, labels)
        for a, b in zip(found, expected):
            np.testing.assert_array_equal(a, b)
        params = found


def test_donated_parameters_are_updated_in_place_with_the_eager_values():
    params, x, labels = start()
    step = cr.jit(mlp_step, donate_argnums=0)
    params = step(params, x, labels)  # the trace
    expected = mlp_step([p.copy() for p in params], x, labels)
    arrays = [id(p) for p in params]
    found = step(params, x, labels)
    assert [id(p) for p in found] == arrays
    for a, b in zip(found, expected):
        np.testing.assert_array_equal(a, b)


def test_arguments_that_are_not_donated_are_never_written():
    params, x, labels = start()
    step = cr.jit(mlp_step)
    step(params, x, labels)
    before = [p.copy() for p in params]
    step(params, x, labels)
    for a, b in zip(params, before):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("unsafe", ["read-only", "view", "twice"])
def test_donated_arrays_that_are_not_safe_to_write_are_left_alone(unsafe):
    step = cr.jit(lambda w, v: (w * 2.0 + 1.0, v + 1.0), donate_argnums=0)
    base = np.arange(6.0)
    step(base[:3].copy(), np.ones(3))  # the trace
    w = base[:3].copy()
    if unsafe == "read-only":
        w.flags.writeable = False
    elif unsafe == "view":
        w = base[3:]
    kept = w.copy()
    other = w if unsafe == "twice" else np.ones(3)
    doubled, _ = step(w, other)
    np.testing.assert_array_equal(w, kept)
    np.testing.assert_array_equal(doubled, kept * 2.0 + 1.0)


def test_a_value_with_a_live_view_is_not_written_in_place():
    # v = t.T is taken first, t * 2 is t's last reader, and v is read after it: writing t * 2
    # into t's array would change what v reads.
    def f(x):
        t = x + 1.0
        v = t.T
        return (t * 2.0) @ v

    step = cr.jit(f)
    x = np.arange(6.0).reshape(2, 3)
    step(x)
    np.testing.assert_array_equal(step(x + 1), f(x + 1))


def test_static_and_donated_at_once_is_refused():
    with pytest.raises(ValueError, match="both static and donated"):
        cr.jit(lambda n, w: w, static_argnums=0, donate_argnums=0)
