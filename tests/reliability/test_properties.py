"""Properties every differentiable op must have, on shapes and values drawn by Hypothesis.

For each op: its rules agree with finite differences (gradcheck, float64, second order); forward
and reverse mode are adjoint (⟨v, J·u⟩ = ⟨vᵀJ, u⟩); a VJP is linear in the cotangent; the
gradient of a sum is the sum of the gradients; inputs are never written to; gradients are arrays
of their own; float32 stays float32. Softmax and its family are shift-invariant.
The budget per property comes from the Hypothesis profile (tests/conftest.py).
"""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import chainrule as cr
from tests.reliability.samples_elementwise import elementwise_samples
from tests.reliability.samples_linear import linear_samples
from tests.reliability.samples_reductions import reduction_samples
from tests.reliability.samples_shape import shape_samples
from tests.reliability.strategies import Interval, shapes

SAMPLES = {**elementwise_samples(), **reduction_samples(), **shape_samples(), **linear_samples()}
OPS = sorted(SAMPLES)
SEEDS = st.integers(0, 2**32 - 1)


def draw_sample(data, name):
    return data.draw(SAMPLES[name], label="sample")


def directions(data, sample):
    """A random cotangent v (shaped like the output) and tangents u (like the inputs)."""
    rng = np.random.default_rng(data.draw(SEEDS, label="seed"))
    out = sample.fn(*sample.args)  # on plain arrays: nothing is recorded
    v = rng.standard_normal(np.shape(out))
    us = [rng.standard_normal(a.shape) for a in sample.args]
    return rng, v, us


def squared(fn):
    def square_of_fn(*args):
        out = fn(*args)
        return out * out

    return square_of_fn


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_rules_agree_with_finite_differences(name, data):
    sample = draw_sample(data, name)
    fn = squared(sample.fn) if sample.linear else sample.fn
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cr.gradcheck(fn, *sample.args, order=sample.order)


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_forward_mode_is_the_adjoint_of_reverse_mode(name, data):
    sample = draw_sample(data, name)
    _, v, us = directions(data, sample)
    _, vjp_fn = cr.vjp(sample.fn, *sample.args)
    _, out_dot = cr.jvp(sample.fn, sample.args, us)
    forward = np.vdot(v, out_dot)
    terms = [np.vdot(grad, u) for grad, u in zip(vjp_fn(v), us)]
    scale = 1.0 + np.abs(forward) + sum(np.abs(t) for t in terms)
    assert np.isclose(forward, sum(terms), rtol=0, atol=1e-12 * scale)


@pytest.mark.parametrize("name", OPS)
@given(data=st.data(), a=st.floats(-3, 3), b=st.floats(-3, 3))
def test_vjp_is_linear_in_the_cotangent(name, data, a, b):
    sample = draw_sample(data, name)
    rng, v1, _ = directions(data, sample)
    v2 = rng.standard_normal(np.shape(v1))
    _, vjp_fn = cr.vjp(sample.fn, *sample.args)
    combined = vjp_fn(a * v1 + b * v2)
    for together, first, second in zip(combined, vjp_fn(v1), vjp_fn(v2)):
        np.testing.assert_allclose(together, a * first + b * second, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_gradient_of_a_sum_is_the_sum_of_gradients(name, data):
    sample = draw_sample(data, name)
    rng, w1, _ = directions(data, sample)
    w2 = rng.standard_normal(np.shape(w1))
    argnums = tuple(range(len(sample.args)))

    def first(*xs):
        return cr.sum(sample.fn(*xs) * w1)

    def second(*xs):
        out = sample.fn(*xs)
        return cr.sum(out * out * w2)

    def both(*xs):
        out = sample.fn(*xs)  # one evaluation, used twice: the engine sums at the fan-out
        return cr.sum(out * w1) + cr.sum(out * out * w2)

    total = cr.grad(both, argnums=argnums)(*sample.args)
    parts = zip(
        cr.grad(first, argnums=argnums)(*sample.args),
        cr.grad(second, argnums=argnums)(*sample.args),
    )
    for together, (g1, g2) in zip(total, parts):
        np.testing.assert_allclose(together, g1 + g2, rtol=1e-10, atol=1e-12)


def run_every_mode(sample, v, us):
    """Reverse, forward, and reverse-over-reverse on leaves; returns the leaves."""
    cr.vjp(sample.fn, *sample.args)[1](v)
    cr.jvp(sample.fn, sample.args, us)
    leaves = [cr.tensor(a, requires_grad=True) for a in sample.args]
    sample.fn(*leaves).backward(v, create_graph=True)
    second = [cr.sum(leaf.grad * u) for leaf, u in zip(leaves, us) if leaf.grad is not None]
    second = [term for term in second if term.requires_grad]
    if second:
        cr.sum(cr.stack(second)).backward()
    return leaves


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_inputs_are_never_mutated(name, data):
    sample = draw_sample(data, name)
    _, v, us = directions(data, sample)
    given_values = [*sample.args, v, *us]
    before = [np.copy(a) for a in given_values]
    leaves = run_every_mode(sample, v, us)
    for now, then in zip([*given_values, *(leaf.numpy() for leaf in leaves)], before * 2):
        np.testing.assert_array_equal(now, then)


def own_arrays(grads, v):
    """Each gradient writable, no view of the cotangent ``v``, and no view of another one."""
    for i, grad in enumerate(grads):
        assert grad.flags.writeable, f"gradient {i} is read-only"
        assert not np.shares_memory(grad, v), f"gradient {i} is a view of the cotangent"
        for j, other in enumerate(grads[i + 1 :], start=i + 1):
            assert not np.shares_memory(grad, other), f"gradients {i} and {j} share memory"


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_gradients_never_alias_inputs(name, data):
    sample = draw_sample(data, name)
    _, v, _ = directions(data, sample)
    leaves = [cr.tensor(a, requires_grad=True) for a in sample.args]
    sample.fn(*leaves).backward(v)
    grads = [leaf.grad.numpy() for leaf in leaves if leaf.grad is not None]
    grads += [np.asarray(g) for g in cr.vjp(sample.fn, *sample.args)[1](v)]
    inputs = [*sample.args, *(leaf.numpy() for leaf in leaves)]
    for grad in grads:
        assert not any(np.shares_memory(grad, x) for x in inputs)


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_backward_gives_each_leaf_a_gradient_of_its_own(name, data):
    sample = draw_sample(data, name)
    _, v, _ = directions(data, sample)
    leaves = [cr.tensor(a, requires_grad=True) for a in sample.args]
    sample.fn(*leaves).backward(v)
    own_arrays([leaf.grad.numpy() for leaf in leaves if leaf.grad is not None], v)


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_vjp_and_jvp_results_are_arrays_of_their_own(name, data):
    sample = draw_sample(data, name)
    _, v, us = directions(data, sample)
    grads = cr.vjp(sample.fn, *sample.args)[1](v)
    own_arrays([np.asarray(g) for g in grads if np.ndim(g) > 0], v)
    _, out_dot = cr.jvp(sample.fn, sample.args, us)
    if np.ndim(out_dot) > 0:
        assert out_dot.flags.writeable
        assert not any(np.shares_memory(out_dot, u) for u in [*us, *sample.args])


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_float32_stays_float32_in_the_gradient(name, data):
    sample = draw_sample(data, name)
    _, v, _ = directions(data, sample)
    leaves = [cr.tensor(a.astype(np.float32), requires_grad=True) for a in sample.args]
    out = sample.fn(*leaves)
    assert out.dtype == np.float32
    out.backward(v.astype(np.float32))
    for leaf in leaves:
        assert leaf.grad is None or leaf.grad.dtype == np.float32


@st.composite
def shifted_logits(draw):
    """Logits, an axis, and a shift that is constant along that axis (broadcast over it)."""
    shape = draw(shapes(min_dims=1, min_side=1))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    x = draw(Interval(-5.0, 5.0).arrays(shape))
    shift_shape = tuple(1 if a == axis % len(shape) else side for a, side in enumerate(shape))
    shift = draw(Interval(-100.0, 100.0).arrays(shift_shape))
    return x, axis, shift


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@given(logits=shifted_logits(), seed=SEEDS)
def test_softmax_is_shift_invariant_in_value_and_gradient(name, logits, seed):
    fn = getattr(cr.nn.functional, name)
    x, axis, shift = logits
    v = np.random.default_rng(seed).standard_normal(x.shape)
    out, vjp_fn = cr.vjp(lambda x: fn(x, axis=axis), x)
    shifted_out, shifted_vjp_fn = cr.vjp(lambda x: fn(x, axis=axis), x + shift)
    np.testing.assert_allclose(shifted_out, out, rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(shifted_vjp_fn(v)[0], vjp_fn(v)[0], rtol=1e-9, atol=1e-11)
    # The shift direction is in the kernel of J: J·1 = 0, and vᵀJ sums to 0 along the axis.
    _, along_shift = cr.jvp(lambda x: fn(x, axis=axis), (x,), (np.ones_like(x),))
    np.testing.assert_allclose(along_shift, 0.0, atol=1e-12)
    np.testing.assert_allclose(np.sum(vjp_fn(v)[0], axis=axis), 0.0, atol=1e-12 * x.size)


@given(logits=shifted_logits(), seed=SEEDS)
def test_logsumexp_moves_with_the_shift_and_its_gradient_does_not(logits, seed):
    x, axis, shift = logits
    v = np.random.default_rng(seed).standard_normal(np.delete(x.shape, axis % x.ndim))
    out, vjp_fn = cr.vjp(lambda x: cr.logsumexp(x, axis=axis), x)
    shifted_out, shifted_vjp_fn = cr.vjp(lambda x: cr.logsumexp(x, axis=axis), x + shift)
    np.testing.assert_allclose(shifted_out, out + np.squeeze(shift, axis), rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(shifted_vjp_fn(v)[0], vjp_fn(v)[0], rtol=1e-9, atol=1e-11)


@given(logits=shifted_logits(), data=st.data())
def test_cross_entropy_is_shift_invariant_in_value_and_gradient(logits, data):
    x, _, _ = logits
    x = x.reshape(-1, x.shape[-1])
    shift = data.draw(Interval(-100.0, 100.0).arrays((x.shape[0], 1)), label="shift")
    labels = np.array(
        data.draw(
            st.lists(st.integers(0, x.shape[1] - 1), min_size=x.shape[0], max_size=x.shape[0]),
            label="labels",
        )
    )

    def loss(x):
        return cr.nn.functional.cross_entropy(x, labels)

    value, gradient = cr.value_and_grad(loss)(x)
    shifted_value, shifted_gradient = cr.value_and_grad(loss)(x + shift)
    np.testing.assert_allclose(shifted_value, value, rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(shifted_gradient, gradient, rtol=1e-9, atol=1e-11)
