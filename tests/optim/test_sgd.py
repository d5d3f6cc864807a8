"""SGD against its update rule: hand-computed values, then many steps against the formula."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.optim import SGD
from tests.optim import reference
from tests.optim.reference import run

GRADS = [[1.0, -2.0, 0.5], [0.25, 3.0, -1.0], [-2.0, 0.5, 0.0], [1.5, 1.5, -0.5]]
START = [0.5, -1.0, 2.0]


def test_plain_sgd_is_gradient_descent():
    values = run(lambda ps: SGD(ps, lr=0.25), [1.0, -2.0], [[1.0, 2.0]])
    np.testing.assert_array_equal(values[0], [0.75, -2.5])  # θ − α·∂J/∂θ


def test_sgd_reproduces_the_seed_articles_gradient_descent_on_t_squared():
    # θ := θ − α·dJ/dθ with J = θ², θ = 3, α = 0.1: each step multiplies θ by 1 − 2α = 0.8.
    theta = cr.tensor(3.0, requires_grad=True)
    optimizer = SGD([theta], lr=0.1)
    for _ in range(3):
        optimizer.zero_grad()
        (theta**2).backward()
        optimizer.step()
    assert theta.item() == pytest.approx(3.0 * 0.8**3, rel=1e-15)


def test_momentum_buffer_starts_at_the_gradient_then_accumulates():
    # b = 1, 1.5, 1.75: θ = −0.5, −1.25, −2.125
    values = run(lambda ps: SGD(ps, lr=0.5, momentum=0.5), 0.0, [1.0, 1.0, 1.0])
    assert [float(v) for v in values] == [-0.5, -1.25, -2.125]


def test_dampening_scales_the_new_gradient_but_not_the_first():
    # b = 1, then 0.5·1 + 0.5·1 = 1
    values = run(lambda ps: SGD(ps, lr=0.5, momentum=0.5, dampening=0.5), 0.0, [1.0, 1.0])
    assert [float(v) for v in values] == [-0.5, -1.0]


def test_nesterov_steps_along_the_gradient_plus_momentum_times_buffer():
    # b = 1 → g + 0.5b = 1.5; b = 1.5 → g + 0.5b = 1.75
    values = run(lambda ps: SGD(ps, lr=0.5, momentum=0.5, nesterov=True), 0.0, [1.0, 1.0])
    assert [float(v) for v in values] == [-0.75, -1.625]


def test_weight_decay_adds_the_l2_gradient():
    values = run(lambda ps: SGD(ps, lr=0.5, weight_decay=0.25), 2.0, [1.0])
    assert float(values[0]) == 2.0 - 0.5 * (1.0 + 0.25 * 2.0)


@pytest.mark.parametrize(
    "settings",
    [
        dict(lr=0.1),
        dict(lr=0.1, momentum=0.9),
        dict(lr=0.05, momentum=0.8, dampening=0.3),
        dict(lr=0.1, momentum=0.9, nesterov=True),
        dict(lr=0.1, momentum=0.9, weight_decay=0.01, nesterov=True),
        dict(lr=0.2, weight_decay=0.5),
    ],
    ids=lambda s: ",".join(s),
)
def test_sgd_follows_the_published_formula_over_several_steps(settings):
    got = run(lambda ps: SGD(ps, **settings), START, GRADS)
    want = reference.sgd(START, GRADS, **settings)
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-15)


def test_sgd_requires_a_learning_rate():
    with pytest.raises(TypeError, match="lr"):
        SGD([cr.tensor([1.0], requires_grad=True)])


@pytest.mark.parametrize(
    "settings, message",
    [
        (dict(lr=-0.1), "lr must be a number >= 0"),
        (dict(lr=float("nan")), "lr must be a number"),
        (dict(lr="0.1"), "lr must be a number"),
        (dict(lr=0.1, momentum=-0.5), "momentum must be"),
        (dict(lr=0.1, weight_decay=-1.0), "weight_decay must be"),
        (dict(lr=0.1, dampening=2.0), r"dampening must be a number in \[0.0, 1.0\)"),
        (dict(lr=0.1, nesterov=True), "Nesterov momentum needs momentum > 0"),
        (dict(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "dampening = 0"),
    ],
)
def test_bad_sgd_hyperparameters_are_refused(settings, message):
    with pytest.raises(ValueError, match=message):
        SGD([cr.tensor([1.0], requires_grad=True)], **settings)
