"""fit and evaluate: learning, the history, reproducibility, callbacks and early stopping."""

import numpy as np
import pytest

from chainrule import nn, optim
from chainrule.data import ArrayDataset, DataLoader
from chainrule.train import Callback, EarlyStopping, accuracy, evaluate, fit

from tests.train.problems import blobs, loaders, mlp, parameters_of, setup


def without_time(history):
    return {key: values for key, values in history.to_dict().items() if key != "time"}


def test_fit_learns_two_blobs():
    model, loss_fn, optimizer = setup()
    train, val = loaders()
    history = fit(model, loss_fn, optimizer, train, epochs=8, val_loader=val)
    assert history["train_loss"][-1] < history["train_loss"][0] / 3
    assert history["train_accuracy"][-1] >= 0.95
    assert history["val_accuracy"][-1] >= 0.9
    assert evaluate(model, loss_fn, val)["accuracy"] == history["val_accuracy"][-1]


def test_history_has_one_entry_per_epoch_for_each_measure():
    model, loss_fn, optimizer = setup()
    train, val = loaders()
    history = fit(model, loss_fn, optimizer, train, epochs=3, val_loader=val)
    assert list(history.keys()) == [
        "epoch",
        "train_loss",
        "train_accuracy",
        "val_loss",
        "val_accuracy",
        "lr",
        "time",
    ]
    assert len(history) == 3
    assert history["epoch"] == [1, 2, 3]
    assert history["lr"] == [0.1, 0.1, 0.1]
    assert all(isinstance(t, float) and t > 0 for t in history["time"])
    assert all(0 <= a <= 1 for a in history["train_accuracy"] + history["val_accuracy"])
    assert history.last()["epoch"] == 3


def test_history_without_validation_has_no_val_entries():
    model, loss_fn, optimizer = setup()
    history = fit(model, loss_fn, optimizer, loaders()[0], epochs=1, metrics=("loss",))
    assert list(history.keys()) == ["epoch", "train_loss", "lr", "time"]


def test_train_loss_is_the_example_weighted_mean_of_the_batch_losses():
    x, y = blobs(n=40)
    model, loss_fn, _ = setup()
    frozen = optim.SGD(model.parameters(), lr=0.0)  # the loss is that of the initial weights
    loader = DataLoader(ArrayDataset(x, y), batch_size=16)  # batches of 16, 16 and 8
    history = fit(model, loss_fn, frozen, loader, epochs=1)
    whole = loss_fn(model(x), y).item()
    assert history["train_loss"][0] == pytest.approx(whole, rel=1e-6)


def test_lr_in_the_history_follows_the_schedule():
    model, loss_fn, optimizer = setup()
    schedule = optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    history = fit(model, loss_fn, optimizer, loaders()[0], epochs=3, scheduler=schedule)
    assert history["lr"] == [0.1, 0.05, 0.025]
    assert optimizer.param_groups[0]["lr"] == 0.0125


@pytest.mark.parametrize("dropout", [0.0, 0.3])
def test_the_same_seed_gives_the_same_history(dropout):
    runs = []
    for _ in range(2):
        model, loss_fn, optimizer = setup(seed=1, dropout=dropout)
        train, val = loaders(shuffle=True)  # shuffles with no seed of its own
        history = fit(model, loss_fn, optimizer, train, epochs=3, val_loader=val, seed=7)
        runs.append((without_time(history), parameters_of(model)))
    assert runs[0][0] == runs[1][0]
    for name, value in runs[0][1].items():
        np.testing.assert_array_equal(value, runs[1][1][name])


def test_another_seed_gives_another_history():
    histories = []
    for seed in (7, 8):
        model, loss_fn, optimizer = setup(seed=1, dropout=0.3)
        history = fit(model, loss_fn, optimizer, loaders()[0], epochs=2, seed=seed)
        histories.append(history["train_loss"])
    assert histories[0] != histories[1]


def test_evaluate_runs_in_eval_mode_and_puts_the_mode_back():
    model = mlp(dropout=0.9)
    loss_fn = nn.CrossEntropyLoss()
    val = loaders()[1]
    first, second = evaluate(model, loss_fn, val), evaluate(model, loss_fn, val)
    assert first == second  # dropout is off: the same numbers each time
    assert model.training is True
    model.eval()
    evaluate(model, loss_fn, val)
    assert model.training is False


def test_evaluate_records_no_graph_and_leaves_no_gradients():
    model, loss_fn, _ = setup()
    evaluate(model, loss_fn, loaders()[1])
    assert all(p.grad is None for p in model.parameters())


def test_evaluate_gives_the_mean_loss_and_the_fraction_correct():
    x, y = blobs(n=50)
    model = mlp()
    loss_fn = nn.CrossEntropyLoss()
    scores = evaluate(model, loss_fn, DataLoader(ArrayDataset(x, y), batch_size=16))
    logits = model(x).detach().numpy()
    assert scores["accuracy"] == np.mean(logits.argmax(axis=1) == y)
    assert scores["loss"] == pytest.approx(loss_fn(model(x), y).item(), rel=1e-6)


class Recorder(Callback):
    def __init__(self):
        self.events = []

    def on_train_begin(self, logs):
        self.events.append(("train_begin", logs))

    def on_epoch_begin(self, epoch, logs):
        self.events.append(("epoch_begin", epoch))

    def on_batch_end(self, batch, logs):
        self.events.append(("batch_end", batch, logs["size"]))

    def on_epoch_end(self, epoch, logs):
        self.events.append(("epoch_end", epoch, sorted(logs)))

    def on_train_end(self, logs):
        self.events.append(("train_end", logs["epoch"]))


def test_callbacks_are_called_in_order_with_their_logs():
    x, y = blobs(n=40)
    model, loss_fn, optimizer = setup()
    recorder = Recorder()
    loader = DataLoader(ArrayDataset(x, y), batch_size=16)
    fit(model, loss_fn, optimizer, loader, epochs=2, callbacks=[recorder])
    keys = ["epoch", "lr", "time", "train_accuracy", "train_loss"]
    epoch = [("batch_end", 1, 16), ("batch_end", 2, 16), ("batch_end", 3, 8)]
    assert recorder.events == [
        ("train_begin", {"epochs": 2, "initial_epoch": 0, "steps": 3}),
        ("epoch_begin", 1),
        *epoch,
        ("epoch_end", 1, keys),
        ("epoch_begin", 2),
        *epoch,
        ("epoch_end", 2, keys),
        ("train_end", 2),
    ]
    assert recorder.model is model and recorder.optimizer is optimizer


def test_a_callback_returning_true_stops_training():
    class StopAtTwo(Callback):
        def on_epoch_end(self, epoch, logs):
            return epoch == 2

    model, loss_fn, optimizer = setup()
    history = fit(model, loss_fn, optimizer, loaders()[0], epochs=5, callbacks=[StopAtTwo()])
    assert history["epoch"] == [1, 2]


def test_each_step_is_forward_loss_zero_grad_backward_step():
    events = []
    model, loss_fn, optimizer = setup()

    class Spy(optim.SGD):
        def zero_grad(self, set_to_none=True):
            events.append("zero_grad")
            super().zero_grad(set_to_none)

        def step(self, closure=None):
            has_grads = all(p.grad is not None for p in model.parameters())
            events.append("step with gradients" if has_grads else "step without gradients")
            return super().step(closure)

    def spied_model(x):
        events.append("forward")
        return model(x)

    def spied_loss(output, target):
        events.append("loss")
        return loss_fn(output, target)

    spy = Spy(model.parameters(), lr=0.1)
    x, y = blobs(n=32)
    fit(spied_model, spied_loss, spy, DataLoader(ArrayDataset(x, y), batch_size=16), epochs=1)
    assert events == ["forward", "loss", "zero_grad", "step with gradients"] * 2


def test_gradients_do_not_accumulate_across_steps():
    x, y = blobs(n=32)
    model, loss_fn, optimizer = setup()
    seen = []

    class Watch(Callback):
        def on_batch_end(self, batch, logs):
            seen.append(model[0].weight.grad.numpy().copy())

    reference = mlp()
    fit(
        model,
        loss_fn,
        optim.SGD(model.parameters(), lr=0.0),
        DataLoader(ArrayDataset(x, y), batch_size=16),
        epochs=1,
        callbacks=[Watch()],
    )
    loss_fn(reference(x[16:]), y[16:]).backward()
    np.testing.assert_allclose(seen[1], reference[0].weight.grad.numpy(), rtol=1e-6)


def test_clip_grad_norm_bounds_each_update():
    x, y = blobs(n=32)
    model, loss_fn, _ = setup()
    before = parameters_of(model)
    optimizer = optim.SGD(model.parameters(), lr=1.0)
    loader = DataLoader(ArrayDataset(x, y), batch_size=32)
    fit(model, loss_fn, optimizer, loader, epochs=1, clip_grad_norm=1e-3)
    moved = np.sqrt(sum(np.sum((v - before[k]) ** 2) for k, v in parameters_of(model).items()))
    assert 0 < moved <= 1e-3 * (1 + 1e-5)


def test_a_metric_function_is_averaged_over_examples():
    def positives(output, target):
        return float(np.mean(target.numpy()))

    x, y = blobs(n=40)
    model, loss_fn, optimizer = setup()
    history = fit(
        model,
        loss_fn,
        optimizer,
        DataLoader(ArrayDataset(x, y), batch_size=16),
        epochs=1,
        metrics=("loss", positives),
    )
    assert history["train_positives"][0] == pytest.approx(y.mean())


def test_early_stopping_stops_after_patience_epochs_without_improvement():
    model, loss_fn, _ = setup()
    frozen = optim.SGD(model.parameters(), lr=0.0)  # the loss never improves after epoch 1
    stopper = EarlyStopping(monitor="train_loss", patience=2)
    train = loaders(shuffle=False)[0]  # the same batches, so exactly the same loss
    history = fit(model, loss_fn, frozen, train, epochs=10, early_stopping=stopper)
    assert history["epoch"] == [1, 2, 3]
    assert (stopper.best_epoch, stopper.stopped_epoch) == (1, 3)


def test_early_stopping_as_an_int_is_the_patience_on_val_loss():
    model, loss_fn, _ = setup()
    frozen = optim.SGD(model.parameters(), lr=0.0)
    train, val = loaders(shuffle=False)
    history = fit(model, loss_fn, frozen, train, epochs=10, val_loader=val, early_stopping=1)
    assert history["epoch"] == [1, 2]


def test_early_stopping_restores_the_best_weights():
    model = mlp()
    stopper = EarlyStopping(monitor="val_loss", patience=1, restore_best_weights=True)
    stopper.model = model
    stopper.on_train_begin({})
    best = parameters_of(model)
    assert stopper.on_epoch_end(1, {"val_loss": 0.5}) is False
    model.load_state_dict(parameters_of(mlp(seed=5)))
    assert stopper.on_epoch_end(2, {"val_loss": 0.7}) is True
    stopper.on_train_end({})
    for name, value in parameters_of(model).items():
        np.testing.assert_array_equal(value, best[name])


def test_early_stopping_on_accuracy_looks_for_the_largest_value():
    stopper = EarlyStopping(monitor="val_accuracy", patience=0, min_delta=0.01)
    stopper.on_train_begin({})
    assert stopper.mode == "max"
    assert not stopper.on_epoch_end(1, {"val_accuracy": 0.5})
    assert not stopper.on_epoch_end(2, {"val_accuracy": 0.6})
    assert stopper.on_epoch_end(3, {"val_accuracy": 0.605})  # not better by min_delta
    assert (stopper.best, stopper.best_epoch) == (0.6, 2)


def test_early_stopping_on_an_unmeasured_value_says_what_is_measured():
    model, loss_fn, optimizer = setup()
    with pytest.raises(ValueError, match="does not measure 'val_loss'; it measures train_loss"):
        fit(model, loss_fn, optimizer, loaders()[0], epochs=2, early_stopping=EarlyStopping())


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"patience": -1}, "patience must be an int >= 0"),
        ({"mode": "best"}, "mode must be 'auto', 'min' or 'max'"),
        ({"min_delta": -0.1}, "min_delta must be >= 0"),
    ],
)
def test_early_stopping_refuses_bad_settings(settings, message):
    with pytest.raises(ValueError, match=message):
        EarlyStopping(**settings)


def test_batches_without_targets_are_refused():
    model, loss_fn, optimizer = setup()
    loader = DataLoader(ArrayDataset(blobs()[0]), batch_size=16)
    with pytest.raises(ValueError, match=r"batches of \(inputs..., target\), got a batch of 1"):
        fit(model, loss_fn, optimizer, loader, epochs=1)


def test_accuracy_of_a_regression_says_to_measure_only_the_loss():
    x = np.ones((8, 2), dtype=np.float32)
    model = nn.Linear(2, 1)
    loader = DataLoader(ArrayDataset(x, np.zeros((8, 1), dtype=np.float32)), batch_size=4)
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match=r"metrics=\('loss',\)"):
        fit(model, nn.MSELoss(), optimizer, loader, epochs=1)
    history = fit(model, nn.MSELoss(), optimizer, loader, epochs=2, metrics=("loss",))
    assert history["train_loss"][1] < history["train_loss"][0]


@pytest.mark.parametrize(
    "metrics, epochs, message",
    [
        (("loss", "f1"), 1, "unknown metric 'f1'"),
        (("loss",), -1, "epochs must be an int >= 0, got -1"),
        (("loss",), 2.5, "epochs must be an int >= 0, got 2.5"),
    ],
)
def test_fit_refuses_bad_arguments(metrics, epochs, message):
    model, loss_fn, optimizer = setup()
    with pytest.raises(ValueError, match=message):
        fit(model, loss_fn, optimizer, loaders()[0], epochs=epochs, metrics=metrics)


def test_accuracy_reads_labels_or_one_hot_targets():
    scores = np.array([[2.0, 1.0, 0.0], [0.0, 3.0, 1.0], [5.0, 4.0, 6.0], [1.0, 0.0, 0.0]])
    labels = np.array([0, 1, 1, 2])
    assert accuracy(scores, labels) == 0.5
    assert accuracy(scores, np.eye(3)[labels]) == 0.5
    assert np.isnan(accuracy(np.zeros((0, 3)), np.zeros(0, dtype=int)))
