"""fit's jitted step: the same parameters as the eager step, taken only where it can be, and
the eager step wherever it cannot (silently by default, with a clear error for jit=True)."""

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn, optim
from chainrule.data import ArrayDataset, DataLoader, load_digits
from chainrule.train import Callback, EarlyStopping, GradientNorms, fit
from chainrule.random import default_generator
from chainrule.train.jitted_step import MOST_TRACES, JittedStep, obstacle

from tests.train.problems import loaders, setup

IMAGES, LABELS = (array[:200] for array in load_digits(flatten=True))


def default_layers():
    return [nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10)]


def digits_run(jit, layers=default_layers, make_optimizer=None, epochs=2, **options):
    """A small digits MLP trained by fit; returns (parameters after it, history)."""
    cr.manual_seed(0)
    model = nn.Sequential(*layers())
    make_optimizer = make_optimizer or (lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9))
    loader = DataLoader(ArrayDataset(IMAGES, LABELS), batch_size=48, shuffle=True, seed=0)
    history = fit(
        model,
        nn.CrossEntropyLoss(),
        make_optimizer(model.parameters()),
        loader,
        epochs,
        seed=0,
        jit=jit,
        **options,
    )
    return [p.numpy().copy() for p in model.parameters()], history


@pytest.fixture
def jitted_steps(monkeypatch):
    """Counts the steps that fit took through the replayed program."""
    counts = {"jitted": 0}
    gradients = JittedStep.gradients

    def counted(self, inputs, target):
        computed = gradients(self, inputs, target)
        counts["jitted"] += computed is not None
        return computed

    monkeypatch.setattr(JittedStep, "gradients", counted)
    return counts


def assert_same_run(jitted, eager):
    # The replay computes the weight gradients as (xᵀ·g)ᵀ where the eager sweep computes
    # gᵀ·x: the same sums in another order, so equal up to float32 rounding, not bit for bit.
    for ours, theirs in zip(jitted[0], eager[0]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(jitted[1]["train_loss"], eager[1]["train_loss"], rtol=1e-5)
    assert jitted[1]["train_accuracy"] == eager[1]["train_accuracy"]
    norms = [key for key in eager[1].keys() if key.startswith("grad_norm/")]
    assert norms == [key for key in jitted[1].keys() if key.startswith("grad_norm/")]
    for key in norms:
        np.testing.assert_allclose(jitted[1][key], eager[1][key], rtol=1e-4)


@pytest.mark.parametrize(
    "name, layers, make_optimizer, options",
    [
        ("sgd with momentum", None, None, {}),
        (
            "dropout",
            lambda: [nn.Linear(64, 32), nn.ReLU(), nn.Dropout(0.3), nn.Linear(32, 10)],
            None,
            {},
        ),
        ("adam", None, lambda ps: optim.Adam(ps, lr=0.01), {}),
        ("clipped gradients", None, None, {"clip_grad_norm": 0.5}),
        ("gradient norms", None, None, {"callbacks": [GradientNorms()]}),
    ],
)
def test_the_jitted_step_ends_with_the_eager_steps_parameters(
    jitted_steps, name, layers, make_optimizer, options
):
    layers = layers or default_layers
    eager = digits_run(False, layers, make_optimizer, **options)
    assert jitted_steps["jitted"] == 0
    jitted = digits_run(None, layers, make_optimizer, **options)
    assert jitted_steps["jitted"] == 10  # 5 batches an epoch
    assert_same_run(jitted, eager)


def test_the_last_shorter_batch_gets_its_own_trace():
    cr.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 16), nn.ReLU(), nn.Linear(16, 10))
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    step = JittedStep(model, nn.CrossEntropyLoss(), optimizer)
    loader = DataLoader(ArrayDataset(IMAGES, LABELS), batch_size=64)  # 64, 64, 64, 8
    for x, y in loader:
        assert step.gradients((x,), y) is not None
    assert {shapes[0][0] for shapes in step.signatures} == {(64, 64), (8, 64)}


class Halves(nn.Module):
    """A model of the user's own: only its first layer reaches the loss."""

    def __init__(self):
        super().__init__()
        self.used, self.unused = nn.Linear(2, 2), nn.Linear(2, 2)

    def forward(self, x):
        return self.used(x)


def test_user_modules_take_the_eager_step_unless_jit_is_true(jitted_steps):
    def run(jit):
        cr.manual_seed(0)
        train, _ = loaders()
        model = Halves()
        unused = model.unused.weight.numpy().copy()
        optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=0.1)
        fit(model, nn.CrossEntropyLoss(), optimizer, train, epochs=2, seed=0, jit=jit)
        # A layer the loss does not reach gets no .grad, so the optimizer leaves it alone.
        assert model.unused.weight.grad is None
        np.testing.assert_array_equal(model.unused.weight.numpy(), unused)
        return [p.numpy().copy() for p in model.parameters()]

    eager = run(None)
    assert jitted_steps["jitted"] == 0
    forced = run(True)
    assert jitted_steps["jitted"] == 8  # 4 batches an epoch
    for ours, theirs in zip(forced, eager):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-7)


def test_what_keeps_the_step_eager_is_named():
    model, loss_fn, optimizer = setup()
    assert obstacle(model, loss_fn, optimizer) is None
    assert "distributed" in obstacle(model, loss_fn, optimizer, parallel=object())
    assert "not an nn.Module" in obstacle(lambda x: x, loss_fn, optimizer)
    norm = nn.Sequential(nn.Linear(2, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))
    assert "BatchNorm" in obstacle(norm, loss_fn, optim.SGD(norm.parameters(), lr=0.1))
    part = optim.SGD(list(model.parameters())[:2], lr=0.1)
    assert "exactly the model's parameters" in obstacle(model, loss_fn, part)
    halves = Halves()
    assert "Halves is not a chainrule module" in obstacle(
        halves, loss_fn, optim.SGD(halves.parameters(), lr=0.1)
    )
    assert obstacle(halves, loss_fn, optim.SGD(halves.parameters(), lr=0.1), forced=True) is None
    own_loss = lambda output, target: nn.functional.cross_entropy(output, target)  # noqa: E731
    assert "the loss is not one of chainrule's" in obstacle(model, own_loss, optimizer)
    assert obstacle(model, nn.functional.cross_entropy, optimizer) is None

    class Freezer(Callback):
        def on_epoch_end(self, epoch, logs):
            model[0].weight.requires_grad = False  # the eager step sees it, a trace would not

    assert "the callback Freezer is not one of chainrule's" in obstacle(
        model, loss_fn, optimizer, callbacks=[Freezer()]
    )
    assert obstacle(model, loss_fn, optimizer, callbacks=[EarlyStopping(), GradientNorms()]) is None


def test_jit_true_where_the_step_cannot_be_jitted_is_a_clear_error():
    norm = nn.Sequential(nn.Linear(2, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))
    optimizer = optim.SGD(norm.parameters(), lr=0.1)
    with pytest.raises(ValueError, match=r"jit=True.*BatchNorm.*pass jit=None"):
        fit(norm, nn.CrossEntropyLoss(), optimizer, loaders()[0], jit=True)
    with pytest.raises(ValueError, match="jit must be None .* True or False, got 'yes'"):
        fit(norm, nn.CrossEntropyLoss(), optimizer, loaders()[0], jit="yes")
    # Automatic: the same run takes the eager step and trains.
    history = fit(norm, nn.CrossEntropyLoss(), optimizer, loaders()[0], epochs=2)
    assert len(history) == 2


def talking_loss(output, target):
    # .item() reads a value: a trace refuses it (TraceError), the eager step does not mind.
    loss = nn.functional.cross_entropy(output, target)
    assert loss.item() >= 0
    return loss


def test_a_step_that_cannot_be_traced_falls_back_or_raises_with_jit_true():
    model, _, optimizer = setup(dropout=0.5)
    x, y = next(iter(loaders()[0]))
    step = JittedStep(model, talking_loss, optimizer)
    state = default_generator.bit_generator.state
    assert step.gradients((x,), y) is None and not step.working
    # The dropout draws of the probing pass and of the failed trace are undone: the eager
    # step draws what it would have.
    assert default_generator.bit_generator.state == state
    with pytest.raises(cr.TraceError, match=r"\.item\(\)"):
        fit(model, talking_loss, optimizer, loaders()[0], jit=True)


def test_batches_that_change_shape_at_every_step_stop_the_tracing():
    model, loss_fn, optimizer = setup()
    step = JittedStep(model, loss_fn, optimizer)
    x, y = (np.ones((9, 2), np.float32), np.zeros(9, np.int64))
    results = [step.gradients((x[:n],), y[:n]) for n in range(1, MOST_TRACES + 2)]
    assert all(result is not None for result in results[:MOST_TRACES])
    assert results[-1] is None and not step.working
    assert len(step.signatures) == MOST_TRACES


def test_a_resumed_jitted_run_takes_the_steps_of_the_whole_run(tmp_path):
    # Every step of a jitted run is a replay (or the trace, which computes the same), also the
    # first step after a resume: the runs agree bit for bit, as eager runs do.
    def fresh():
        cr.manual_seed(0)
        model = nn.Sequential(*default_layers())
        loader = DataLoader(ArrayDataset(IMAGES, LABELS), batch_size=48, shuffle=True, seed=0)
        return model, optim.SGD(model.parameters(), lr=0.1, momentum=0.9), loader

    model, optimizer, loader = fresh()
    whole = fit(model, nn.CrossEntropyLoss(), optimizer, loader, epochs=3, seed=0)
    path = str(tmp_path / "run.npz")
    interrupted, optimizer, loader = fresh()
    fit(interrupted, nn.CrossEntropyLoss(), optimizer, loader, epochs=1, seed=0, checkpoint=path)
    model_again, optimizer, loader = fresh()
    resumed = fit(model_again, nn.CrossEntropyLoss(), optimizer, loader, epochs=3, resume=path)
    assert resumed["train_loss"] == whole["train_loss"]
    for ours, theirs in zip(model_again.parameters(), model.parameters()):
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
