"""Resuming: a run saved part-way and loaded into fresh objects goes on exactly as the run
that was never interrupted — same losses, same weights, bit for bit."""

import numpy as np
import pytest

import chainrule as cr
from chainrule import checkpoint, nn, optim
from chainrule.checkpoint import CheckpointError
from chainrule.data import ArrayDataset, DataLoader
from chainrule.train import fit, train_step

from tests.train.problems import blobs, loaders, mlp, parameters_of, setup


def run_objects(variant):
    """Fresh model (with dropout), Adam, a schedule and loaders; random draws depend on
    ``variant``: the shared default generator and a seeded loader, or generators of their own."""
    if variant == "seeded loader, default generator":
        model = mlp(seed=0, dropout=0.3)
        x, y = blobs()
        train = DataLoader(ArrayDataset(x[:64], y[:64]), batch_size=16, shuffle=True, seed=3)
    else:
        model = mlp(seed=0, dropout=0.3, generator=np.random.default_rng(11))
        train = loaders(generator=np.random.default_rng(12))[0]
    optimizer = optim.Adam(model.parameters(), lr=0.02)
    schedule = optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.7)
    return model, nn.CrossEntropyLoss(), optimizer, schedule, train, loaders()[1]


def train_run(variant, epochs, **options):
    model, loss_fn, optimizer, schedule, train, val = run_objects(variant)
    history = fit(
        model, loss_fn, optimizer, train, epochs, val_loader=val, scheduler=schedule, **options
    )
    return history, model


def without_time(history):
    return {key: values for key, values in history.to_dict().items() if key != "time"}


VARIANTS = ["seeded loader, default generator", "generators of their own"]


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_resumed_run_goes_on_exactly_like_the_uninterrupted_one(tmp_path, variant):
    path = tmp_path / "run.npz"
    whole, whole_model = train_run(variant, 4, seed=5)
    train_run(variant, 2, seed=5, checkpoint=path)
    # Other draws in between must not matter: the checkpoint holds the generators' states.
    cr.manual_seed(1234)
    cr.random.default_generator.random(100)
    resumed, resumed_model = train_run(variant, 4, resume=path)
    assert without_time(resumed) == without_time(whole)
    assert resumed["time"][:2] == checkpoint.load(path)["history"]["time"][:2]
    for name, value in parameters_of(whole_model).items():
        np.testing.assert_array_equal(parameters_of(resumed_model)[name], value)


def test_the_next_step_after_loading_a_mid_epoch_checkpoint_has_the_same_loss(tmp_path):
    x, y = blobs(n=48)
    batches = [(x[i : i + 16], y[i : i + 16]) for i in range(0, 48, 16)]

    def objects():
        model, loss_fn, optimizer = setup(seed=2, dropout=0.5, optimizer="adam", lr=0.05)
        return model, loss_fn, optimizer, optim.lr_scheduler.ExponentialLR(optimizer, 0.9)

    def step(model, loss_fn, optimizer, schedule, x, y):
        loss = train_step(model, loss_fn, optimizer, (x,), y)[1].item()
        schedule.step()
        return loss

    model, loss_fn, optimizer, schedule = objects()
    cr.manual_seed(8)
    for x_batch, y_batch in batches[:2]:
        step(model, loss_fn, optimizer, schedule, x_batch, y_batch)
    state = {"step": 2, "dropout": cr.random.default_generator.bit_generator.state}
    checkpoint.save(tmp_path / "mid.npz", model, optimizer, schedule, extra=state)
    uninterrupted = step(model, loss_fn, optimizer, schedule, *batches[2])

    fresh = objects()
    cr.manual_seed(99)
    extra = checkpoint.load(tmp_path / "mid.npz", fresh[0], fresh[2], fresh[3])
    cr.random.default_generator.bit_generator.state = extra["dropout"]
    assert step(*fresh, *batches[extra["step"]]) == uninterrupted


def test_resume_refuses_a_checkpoint_that_fit_did_not_write(tmp_path):
    model, loss_fn, optimizer = setup()
    checkpoint.save(tmp_path / "plain.npz", model, optimizer)
    with pytest.raises(CheckpointError, match="holds no training run to resume"):
        fit(model, loss_fn, optimizer, loaders()[0], 2, resume=tmp_path / "plain.npz")


def test_resume_into_another_model_names_the_mismatch(tmp_path):
    model, loss_fn, optimizer = setup()
    fit(model, loss_fn, optimizer, loaders()[0], 1, checkpoint=tmp_path / "run.npz")
    other = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 2))
    with pytest.raises(CheckpointError, match=r"'0.weight' has shape \(8, 2\) in the checkpoint"):
        fit(
            other,
            loss_fn,
            optim.SGD(other.parameters(), lr=0.1),
            loaders()[0],
            2,
            resume=tmp_path / "run.npz",
        )


def test_checkpoint_extra_is_kept_beside_the_run(tmp_path):
    model, loss_fn, optimizer = setup()
    path = tmp_path / "run.npz"
    fit(
        model,
        loss_fn,
        optimizer,
        loaders()[0],
        2,
        checkpoint=path,
        checkpoint_extra={"config": {"hidden": [8]}},
    )
    saved = checkpoint.load(path)
    assert saved["config"] == {"hidden": [8]}
    assert saved["epoch"] == 2 and saved["history"]["epoch"] == [1, 2]
    with pytest.raises(ValueError, match="checkpoint_extra cannot use the names epoch"):
        fit(
            model,
            loss_fn,
            optimizer,
            loaders()[0],
            1,
            checkpoint=path,
            checkpoint_extra={"epoch": 5},
        )


def test_resuming_a_finished_run_trains_no_more(tmp_path):
    model, loss_fn, optimizer = setup()
    path = tmp_path / "run.npz"
    fit(model, loss_fn, optimizer, loaders()[0], 2, checkpoint=path)
    model, loss_fn, optimizer = setup(seed=3)
    history = fit(model, loss_fn, optimizer, loaders()[0], 2, resume=path)
    assert history["epoch"] == [1, 2]
    saved = checkpoint.read(path)["model"]
    for name, value in parameters_of(model).items():
        np.testing.assert_array_equal(value, saved[name])
