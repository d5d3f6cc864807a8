"""Per-layer gradient norms in the history, the confusion matrix, and the pictures of a run:
drawn with matplotlib, written atomically, refused in one clear line without it."""

import sys

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn, optim
from chainrule.data import ArrayDataset, DataLoader
from chainrule.train import (
    GradientNorms,
    History,
    TrainingCurves,
    confusion_matrix,
    fit,
    gradient_norms,
    plot_confusion_matrix,
    plot_gradient_norms,
    plot_history,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def deep_network(activation, layers=6, width=16, he_init=False):
    cr.manual_seed(0)
    modules = []
    for fan_in in [8] + [width] * (layers - 1):
        linear = nn.Linear(fan_in, width)
        if he_init:
            nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
        modules += [linear, activation()]
    return nn.Sequential(*modules, nn.Linear(width, 2))


def train_with_norms(model, epochs=2, callbacks=()):
    x = np.random.default_rng(0).normal(size=(64, 8)).astype(np.float32)
    loader = DataLoader(ArrayDataset(x, (x[:, 0] > 0).astype(np.int64)), batch_size=16)
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    return fit(
        model,
        nn.CrossEntropyLoss(),
        optimizer,
        loader,
        epochs,
        callbacks=[GradientNorms(), *callbacks],
        seed=0,
    )


def test_gradient_norms_are_in_the_history_one_key_per_layer_per_epoch():
    history = train_with_norms(deep_network(nn.ReLU, layers=3), epochs=3)
    norms = gradient_norms(history)
    assert list(norms) == ["0", "2", "4", "6"]  # the Linear layers, in order
    assert all(len(values) == 3 and all(v > 0 for v in values) for values in norms.values())


def test_gradient_norms_are_the_mean_over_batches_of_each_layers_joint_norm():
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 2))
    x = np.random.default_rng(1).normal(size=(8, 2)).astype(np.float32)
    y = np.array([0, 1] * 4)
    seen = []

    class Record(GradientNorms):
        def on_batch_end(self, batch, logs):
            grads = [p.grad.numpy() for p in model[0].parameters()]
            seen.append(np.sqrt(sum(np.sum(g.astype(np.float64) ** 2) for g in grads)))
            super().on_batch_end(batch, logs)

    loader = DataLoader(ArrayDataset(x, y), batch_size=4)
    history = fit(
        model,
        nn.CrossEntropyLoss(),
        optim.SGD(model.parameters(), lr=0.1),
        loader,
        1,
        callbacks=[Record()],
    )
    assert history["grad_norm/0"] == [pytest.approx(np.mean(seen))]


def test_a_deep_sigmoid_network_has_vanishing_gradients_and_relu_with_he_init_has_not():
    sigmoid = gradient_norms(train_with_norms(deep_network(nn.Sigmoid), epochs=1))
    relu = gradient_norms(train_with_norms(deep_network(nn.ReLU, he_init=True), epochs=1))
    first_over_last = {
        name: norms["0"][0] / norms["12"][0]
        for name, norms in (("sigmoid", sigmoid), ("relu", relu))
    }
    assert first_over_last["sigmoid"] < 1e-2
    assert first_over_last["relu"] > 1e-1


def test_gradient_norms_need_a_module():
    with pytest.raises(TypeError, match="GradientNorms needs an nn.Module"):
        fit(
            lambda x: x,
            nn.MSELoss(),
            optim.SGD([cr.tensor([1.0], requires_grad=True)], lr=1),
            [(np.ones((1, 1)), np.ones((1, 1)))],
            callbacks=[GradientNorms()],
        )


def test_confusion_matrix_counts_true_rows_against_predicted_columns():
    matrix = confusion_matrix([2, 0, 2, 1], [2, 0, 1, 1], classes=4)
    assert matrix.tolist() == [[1, 0, 0, 0], [0, 1, 0, 0], [0, 1, 1, 0], [0, 0, 0, 0]]
    with pytest.raises(ValueError, match="labels must be in range"):
        confusion_matrix([0, 3], [0, 1], classes=3)
    with pytest.raises(ValueError, match="2 labels but 1 predictions"):
        confusion_matrix([0, 1], [0])


def test_plot_history_writes_a_png_with_losses_accuracies_and_norms(tmp_path):
    history = train_with_norms(deep_network(nn.Tanh, layers=2), epochs=2)
    path = tmp_path / "curves.png"
    plot_history(history, path, title="tanh")
    assert path.read_bytes().startswith(PNG_SIGNATURE)
    assert [p.name for p in tmp_path.iterdir()] == ["curves.png"]  # no temporary left behind


def test_plot_history_draws_runs_with_untracked_epochs_and_svg(tmp_path):
    history = History(
        {
            "epoch": [1, 2],
            "train_loss": [1.0, 0.5],
            "val_loss": [None, 0.6],
            "grad_norm/0": [None, 0.1],
        }
    )
    plot_history(history, tmp_path / "curves.svg")
    assert b"<svg" in (tmp_path / "curves.svg").read_bytes()


def test_pictures_refuse_an_unknown_suffix_and_an_empty_history(tmp_path):
    with pytest.raises(ValueError, match="name a .png, .svg or .pdf file"):
        plot_confusion_matrix([[1]], tmp_path / "matrix.bmp")
    with pytest.raises(ValueError, match="no epoch to draw"):
        plot_history(History(), tmp_path / "curves.png")
    with pytest.raises(ValueError, match="has no gradient norms"):
        plot_gradient_norms({"run": History({"epoch": [1]})}, tmp_path / "norms.png")


def test_gradient_norms_side_by_side_and_the_confusion_matrix_are_drawn(tmp_path):
    runs = {
        name: train_with_norms(deep_network(activation, layers=3), epochs=2)
        for name, activation in (("sigmoid", nn.Sigmoid), ("relu", nn.ReLU))
    }
    plot_gradient_norms(runs, tmp_path / "norms.png", title="per layer")
    plot_confusion_matrix(np.eye(3, dtype=int) * 5, tmp_path / "matrix.png", labels="abc")
    for name in ("norms.png", "matrix.png"):
        assert (tmp_path / name).read_bytes().startswith(PNG_SIGNATURE)


def test_training_curves_callback_draws_when_training_ends(tmp_path):
    path = tmp_path / "run.png"
    history = train_with_norms(deep_network(nn.ReLU, layers=2), callbacks=[TrainingCurves(path)])
    assert path.read_bytes().startswith(PNG_SIGNATURE) and len(history) == 2


def test_without_matplotlib_drawing_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now fails
    message = r"drawing needs matplotlib, which is not installed: pip install 'chainrule\[plot\]'"
    with pytest.raises(ImportError, match=message):
        plot_history(History({"epoch": [1], "train_loss": [1.0]}), tmp_path / "curves.png")
    with pytest.raises(ImportError, match=message):
        TrainingCurves(tmp_path / "curves.png")
    assert not any(tmp_path.iterdir())
