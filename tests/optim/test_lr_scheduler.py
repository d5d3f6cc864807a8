"""Learning-rate schedules: their rate sequences against closed forms, resuming, and errors."""

import math

import numpy as np
import pytest

import chainrule as cr
from chainrule.optim import SGD
from chainrule.optim.lr_scheduler import CosineAnnealingLR, ExponentialLR, StepLR


def optimizer_with(*lrs):
    groups = [{"params": [cr.tensor([0.0], requires_grad=True)], "lr": lr} for lr in lrs]
    return SGD(groups, lr=1.0)


def rates(schedule, epochs):
    """The rates in force at epochs 0 .. epochs − 1, one list per group."""
    seen = []
    for _ in range(epochs):
        seen.append(schedule.get_last_lr())
        schedule.step()
    return np.array(seen).T


def test_step_lr_decays_every_step_size_epochs():
    got = rates(StepLR(optimizer_with(0.5, 2.0), step_size=3, gamma=0.1), 10)
    for base, row in zip([0.5, 2.0], got):
        np.testing.assert_allclose(row, [base * 0.1 ** (t // 3) for t in range(10)], rtol=1e-15)


def test_exponential_lr_decays_every_epoch():
    got = rates(ExponentialLR(optimizer_with(0.5, 2.0), gamma=0.9), 10)
    for base, row in zip([0.5, 2.0], got):
        np.testing.assert_allclose(row, [base * 0.9**t for t in range(10)], rtol=1e-15)


def test_cosine_annealing_follows_half_a_cosine_down_to_eta_min_and_back():
    got = rates(CosineAnnealingLR(optimizer_with(0.5, 2.0), T_max=5, eta_min=0.1), 11)
    for base, row in zip([0.5, 2.0], got):
        want = [0.1 + (base - 0.1) * (1 + math.cos(math.pi * t / 5)) / 2 for t in range(11)]
        np.testing.assert_allclose(row, want, rtol=1e-15)
        assert row[5] == 0.1 and row[10] == base


def test_the_schedule_sets_the_rate_the_optimizer_uses():
    w = cr.tensor([0.0], requires_grad=True)
    optimizer = SGD([w], lr=1.0)
    schedule = StepLR(optimizer, step_size=1, gamma=0.5)
    for _ in range(3):
        w.grad = cr.tensor([1.0])
        optimizer.step()
        schedule.step()
    assert w.numpy()[0] == -(1.0 + 0.5 + 0.25)
    assert optimizer.param_groups[0]["lr"] == 0.125


def test_creating_a_schedule_records_initial_lr_and_keeps_the_rate():
    optimizer = optimizer_with(0.3)
    schedule = ExponentialLR(optimizer, gamma=0.5)
    assert optimizer.param_groups[0]["initial_lr"] == 0.3
    assert schedule.last_epoch == 0 and schedule.get_last_lr() == [0.3]


def test_resuming_from_a_state_dict_gives_the_same_rates():
    full = rates(CosineAnnealingLR(optimizer_with(0.5), T_max=7, eta_min=0.01), 9)[0]

    first_optimizer = optimizer_with(0.5)
    first = CosineAnnealingLR(first_optimizer, T_max=7, eta_min=0.01)
    head = rates(first, 4)[0]
    saved_optimizer, saved = first_optimizer.state_dict(), first.state_dict()
    optimizer = optimizer_with(0.5)
    optimizer.load_state_dict(saved_optimizer)
    resumed = CosineAnnealingLR(optimizer, T_max=1)
    resumed.load_state_dict({k: np.asarray(v) for k, v in saved.items()})  # as from an .npz
    tail = rates(resumed, 5)[0]
    np.testing.assert_array_equal(np.concatenate([head, tail]), full)
    assert resumed.T_max == 7 and isinstance(resumed.eta_min, float)


def test_state_dict_holds_plain_numbers():
    saved = StepLR(optimizer_with(0.5), step_size=2, gamma=0.5).state_dict()
    assert saved == dict(step_size=2, gamma=0.5, last_epoch=0, base_lrs=[0.5], _last_lr=[0.5])


def test_resuming_with_last_epoch_and_no_initial_lr_is_refused():
    with pytest.raises(KeyError, match="no 'initial_lr'"):
        StepLR(optimizer_with(0.5), step_size=2, last_epoch=4)


def test_resuming_with_last_epoch_continues_the_closed_form():
    optimizer = optimizer_with(0.5)
    optimizer.param_groups[0]["initial_lr"] = 1.0
    assert ExponentialLR(optimizer, gamma=0.5, last_epoch=2).get_last_lr() == [0.125]


def test_a_group_added_after_the_schedule_is_refused_at_step():
    optimizer = optimizer_with(0.5)
    schedule = StepLR(optimizer, step_size=2)
    optimizer.add_param_group({"params": [cr.tensor([1.0], requires_grad=True)]})
    with pytest.raises(ValueError, match="create the schedule after adding the groups"):
        schedule.step()


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda o: StepLR(o, step_size=0), ValueError, "step_size must be a number >= 1"),
        (lambda o: StepLR(o, step_size=1.5), ValueError, "step_size must be a positive integer"),
        (lambda o: ExponentialLR(o, gamma=-0.5), ValueError, "gamma must be a number >= 0"),
        (lambda o: CosineAnnealingLR(o, T_max=0), ValueError, "T_max must be a number >= 1"),
        (lambda o: CosineAnnealingLR(o, 5, eta_min=-1), ValueError, "eta_min must be"),
        (lambda o: StepLR("sgd", step_size=1), TypeError, "needs an Optimizer, got str"),
    ],
)
def test_bad_schedules_are_refused(make, error, message):
    with pytest.raises(error, match=message):
        make(optimizer_with(0.5))


def test_loading_a_state_dict_of_another_schedule_is_refused():
    saved = StepLR(optimizer_with(0.5), step_size=2).state_dict()
    with pytest.raises(ValueError, match=r"ExponentialLR state dict has the keys"):
        ExponentialLR(optimizer_with(0.5), gamma=0.5).load_state_dict(saved)
    with pytest.raises(ValueError, match="has 1 parameter groups but the optimizer has 2"):
        StepLR(optimizer_with(0.5, 0.5), step_size=2).load_state_dict(saved)
