"""RMSprop against its update rule: the first step by hand, then the formula."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.optim import RMSprop
from tests.optim import reference
from tests.optim.reference import run

GRADS = [[1.0, -2.0, 0.5], [0.25, 3.0, -1.0], [-2.0, 0.5, 0.0], [1.5, 1.5, -0.5], [0.1, 0.1, 2.0]]
START = [0.5, -1.0, 2.0]


def test_first_rmsprop_step_divides_by_root_of_one_minus_alpha_times_abs_g():
    # v = (1 − α)g² = g²/4 for α = 0.75, so the step is lr·g/(|g|/2 + eps).
    got = run(lambda ps: RMSprop(ps, lr=0.01, alpha=0.75, eps=0.0), [0.0, 0.0], [[2.0, -8.0]])
    np.testing.assert_array_equal(got[0], [-0.02, 0.02])


def test_first_centered_step_divides_by_the_variance_estimate():
    # v − ḡ² = (1 − α)g² − (1 − α)²g² = α(1 − α)g² = g²/4 for α = 0.5.
    got = run(lambda ps: RMSprop(ps, lr=0.01, alpha=0.5, eps=0.0, centered=True), 0.0, [2.0])
    assert float(got[0]) == -0.02


@pytest.mark.parametrize(
    "settings",
    [
        dict(lr=0.01),
        dict(lr=0.01, alpha=0.9, eps=1e-3),
        dict(lr=0.01, weight_decay=0.1),
        dict(lr=0.01, momentum=0.9),
        dict(lr=0.01, centered=True),
        dict(lr=0.01, alpha=0.5, weight_decay=0.1, momentum=0.5, centered=True),
    ],
    ids=lambda s: ",".join(s),
)
def test_rmsprop_follows_the_published_formula_over_several_steps(settings):
    got = run(lambda ps: RMSprop(ps, **settings), START, GRADS)
    want = reference.rmsprop(START, GRADS, **settings)
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)


def test_centered_rmsprop_with_a_constant_gradient_gives_a_finite_step():
    # A constant gradient has zero variance: v − ḡ² cancels to (about) zero, and eps keeps
    # the step finite instead of a NaN from the square root of a rounding error below zero.
    with np.errstate(all="raise"):
        got = run(lambda ps: RMSprop(ps, lr=0.01, eps=1e-3, centered=True), 0.0, [0.1] * 50)
    assert np.isfinite(got).all()


@pytest.mark.parametrize("name", ["lr", "alpha", "eps", "weight_decay", "momentum"])
def test_negative_rmsprop_hyperparameters_are_refused(name):
    with pytest.raises(ValueError, match=f"{name} must be a number >= 0"):
        RMSprop([cr.tensor([1.0], requires_grad=True)], **{name: -0.5})
