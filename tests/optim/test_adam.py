"""Adam and AdamW against their update rules: the first step by hand, then the formula."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.optim import Adam, AdamW
from tests.optim import reference
from tests.optim.reference import run

GRADS = [[1.0, -2.0, 0.5], [0.25, 3.0, -1.0], [-2.0, 0.5, 0.0], [1.5, 1.5, -0.5], [0.1, 0.1, 2.0]]
START = [0.5, -1.0, 2.0]


def test_first_adam_step_is_lr_times_g_over_abs_g_plus_eps():
    # Bias correction makes m̂ = g and v̂ = g², whatever the betas.
    g = np.array([4.0, -0.5, 1e-9])
    got = run(lambda ps: Adam(ps, lr=0.1, betas=(0.5, 0.75), eps=1e-8), 0.0 * g, [g])[0]
    np.testing.assert_allclose(got, -0.1 * g / (np.abs(g) + 1e-8), rtol=1e-14)


def test_second_adam_step_by_hand():
    # betas (0.5, 0.5), gradients 1 then 3: m = 0.5, 1.75 and v = 0.5, 4.75; 1 − 0.5² = 0.75.
    got = run(lambda ps: Adam(ps, lr=1.0, betas=(0.5, 0.5), eps=0.0), 0.0, [1.0, 3.0])
    first = -1.0
    assert float(got[0]) == pytest.approx(first, rel=1e-15)
    assert float(got[1]) == pytest.approx(first - (1.75 / 0.75) / np.sqrt(4.75 / 0.75), rel=1e-14)


@pytest.mark.parametrize(
    "settings",
    [
        dict(lr=0.1),
        dict(lr=0.01, betas=(0.8, 0.9), eps=1e-3),
        dict(lr=0.1, weight_decay=0.1),
        dict(lr=0.1, amsgrad=True),
        dict(lr=0.1, weight_decay=0.1, amsgrad=True),
    ],
    ids=lambda s: ",".join(s),
)
def test_adam_follows_the_published_formula_over_several_steps(settings):
    got = run(lambda ps: Adam(ps, **settings), START, GRADS)
    want = reference.adam(START, GRADS, **settings)
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("settings", [dict(lr=0.1), dict(lr=0.1, weight_decay=0.5, amsgrad=True)])
def test_adamw_follows_the_published_formula_over_several_steps(settings):
    got = run(lambda ps: AdamW(ps, **settings), START, GRADS)
    want = reference.adam(START, GRADS, decoupled=True, **{"weight_decay": 1e-2, **settings})
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)


def test_amsgrad_divides_by_the_largest_second_moment_seen():
    # A large gradient then small ones: v shrinks, the running max does not, so steps are smaller.
    grads = [[10.0], [0.1], [0.1], [0.1]]
    plain = run(lambda ps: Adam(ps, lr=0.1, betas=(0.0, 0.5)), [0.0], grads)
    amsgrad = run(lambda ps: Adam(ps, lr=0.1, betas=(0.0, 0.5), amsgrad=True), [0.0], grads)
    assert abs(amsgrad[-1][0] - amsgrad[-2][0]) < abs(plain[-1][0] - plain[-2][0])


def test_adamw_shrinks_the_parameter_instead_of_adding_to_the_gradient():
    # With a zero gradient Adam's step is 0/(0 + eps) = 0: only the decay moves θ.
    adamw = run(lambda ps: AdamW(ps, lr=0.1, weight_decay=0.5), [2.0], [[0.0]])[0]
    np.testing.assert_allclose(adamw, [2.0 * (1 - 0.1 * 0.5)], rtol=1e-15)
    adam = run(lambda ps: Adam(ps, lr=0.1, weight_decay=0.5), [2.0], [[0.0]])[0]
    np.testing.assert_allclose(adam, [2.0 - 0.1], rtol=1e-7)  # a full step along the penalty


def test_adam_defaults_are_pytorchs():
    p = cr.tensor([1.0], requires_grad=True)
    assert Adam([p]).defaults == dict(
        lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False
    )
    assert AdamW([p]).defaults["weight_decay"] == 1e-2


@pytest.mark.parametrize(
    "settings, message",
    [
        (dict(lr=-1.0), "lr must be"),
        (dict(eps=-1e-8), "eps must be"),
        (dict(betas=(1.0, 0.9)), r"betas\[0\] must be a number in \[0.0, 1.0\)"),
        (dict(betas=(0.9, -0.1)), r"betas\[1\] must be"),
        (dict(betas=0.9), "betas must be a pair"),
        (dict(weight_decay=-0.1), "weight_decay must be"),
    ],
)
def test_bad_adam_hyperparameters_are_refused(settings, message):
    with pytest.raises(ValueError, match=message):
        Adam([cr.tensor([1.0], requires_grad=True)], **settings)
