"""clip_grad_norm_: the joint norm, the scaling, and gradients that share memory."""

import math

import numpy as np
import pytest

import chainrule as cr
from chainrule.optim import clip_grad_norm_


def with_grads(*grads, dtype=np.float64):
    params = []
    for grad in grads:
        p = cr.tensor(np.zeros(np.shape(grad)), requires_grad=True, dtype=dtype)
        p.grad = cr.tensor(np.asarray(grad, dtype=dtype))
        params.append(p)
    return params


GRADS = ([3.0, -4.0], [[1.0, 2.0], [-2.0, 0.5]], 1.5)


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf, "inf"])
def test_the_norm_is_that_of_all_gradients_joined(norm_type):
    joined = np.concatenate([np.ravel(g) for g in GRADS])
    total = clip_grad_norm_(with_grads(*GRADS), max_norm=1e9, norm_type=norm_type)
    assert isinstance(total, float)
    assert total == pytest.approx(np.linalg.norm(joined, float(norm_type)), rel=1e-14)


def test_gradients_over_the_limit_are_scaled_to_it():
    params = with_grads(*GRADS)
    total = clip_grad_norm_(params, max_norm=2.0)
    scale = 2.0 / (total + 1e-6)
    for p, g in zip(params, GRADS):
        np.testing.assert_allclose(p.grad.numpy(), np.asarray(g) * scale, rtol=1e-15)
    joined = np.concatenate([p.grad.numpy().ravel() for p in params])
    assert np.linalg.norm(joined) == pytest.approx(2.0, rel=1e-6)


def test_gradients_under_the_limit_are_left_alone():
    params = with_grads(*GRADS)
    before = [p.grad for p in params]
    clip_grad_norm_(params, max_norm=100.0)
    assert all(p.grad is g for p, g in zip(params, before))


def test_float32_gradients_stay_float32_and_huge_ones_do_not_overflow_the_norm():
    params = with_grads([3e30, 4e30], dtype=np.float32)  # the squares overflow float32
    assert clip_grad_norm_(params, max_norm=1.0) == pytest.approx(5e30, rel=1e-6)
    assert params[0].grad.dtype == np.float32
    np.testing.assert_allclose(params[0].grad.numpy(), [0.6, 0.8], rtol=1e-6)


def test_parameters_without_gradients_are_skipped_and_a_single_tensor_is_accepted():
    w = cr.tensor([1.0], requires_grad=True)
    assert clip_grad_norm_([w], 1.0) == 0.0 and w.grad is None
    (u,) = with_grads([6.0, 8.0])
    assert clip_grad_norm_(u, max_norm=5.0) == 10.0
    assert clip_grad_norm_([], max_norm=5.0) == 0.0


def test_a_gradient_shared_by_two_parameters_is_scaled_once_for_each_and_never_written():
    a = cr.tensor(np.ones(2), requires_grad=True)
    b = cr.tensor(np.ones(2), requires_grad=True)
    (a + b).sum().backward()  # a.grad and b.grad are one read-only array
    shared = a.grad.numpy()
    total = clip_grad_norm_([a, b], max_norm=1.0)
    assert total == 2.0
    np.testing.assert_allclose(a.grad.numpy(), [0.5, 0.5], rtol=1e-6)
    np.testing.assert_allclose(b.grad.numpy(), [0.5, 0.5], rtol=1e-6)
    assert shared.tolist() == [1.0, 1.0]


def test_a_non_finite_norm_leaves_the_gradients_or_raises_when_asked():
    params = with_grads([1.0, np.nan])
    before = params[0].grad
    assert math.isnan(clip_grad_norm_(params, max_norm=1.0))
    assert params[0].grad is before
    with pytest.raises(RuntimeError, match="norm of the gradients is inf"):
        clip_grad_norm_(with_grads([np.inf]), max_norm=1.0, error_if_nonfinite=True)


@pytest.mark.parametrize(
    "settings, message",
    [
        (dict(max_norm=-1.0), "max_norm must be a number >= 0"),
        (dict(max_norm=1.0, norm_type=0), "norm_type must be positive"),
        (dict(max_norm=1.0, norm_type=-2.0), "norm_type must be positive"),
    ],
)
def test_bad_clipping_arguments_are_refused(settings, message):
    with pytest.raises(ValueError, match=message):
        clip_grad_norm_(with_grads([1.0]), **settings)
