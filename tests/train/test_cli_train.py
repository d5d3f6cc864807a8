"""``chainrule train``: an MLP or a CNN learns the built-in digits; runs save and resume, draw
their curves and record each layer's gradient norm; bad input ends in one line on stderr and exit
status 2."""

import re
import sys

import pytest

import chainrule as cr
from chainrule import checkpoint, nn, optim
from chainrule.cli import main, run_settings
from chainrule.data import ArrayDataset, DataLoader
from chainrule.train import fit
from tests.cli_process import run_chainrule

ACCURACY = re.compile(r"^test accuracy: (0\.\d{4}) \((\d+)/360\), test loss (\d\.\d{4}); ")


run_cli = run_chainrule


def test_train_learns_the_digits_to_over_90_percent_in_four_epochs():
    # How fast is a benchmark's figure, not this test's: no time limit on a shared machine.
    done = run_cli("train", "--epochs", "4")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:2] == [
        "training an MLP 64-512-10 (relu) on digits: 1437 training and 360 test images",
        "sgd (lr 0.3, momentum 0.9, times 0.8 per epoch), batch size 32, 4 epochs, seed 0",
    ]
    found = ACCURACY.match(lines[2])
    assert found and float(found[1]) > 0.9, lines[2]
    assert re.search(r"; 4 epochs in \d+\.\d\d s$", lines[2])
    # Not a terminal: one progress line per epoch, on stderr.
    progress = done.stderr.splitlines()
    assert [line.split("  ")[0] for line in progress] == [f"epoch {e}/4" for e in range(1, 5)]
    assert all("  loss " in line and "  accuracy " in line for line in progress)
    assert all("  val_accuracy " in line for line in progress)  # the test images, each epoch


def final_line(capsys, *args):
    assert main(["train", *args]) == 0
    lines = capsys.readouterr().out.splitlines()
    return next(ACCURACY.match(line) for line in lines if ACCURACY.match(line)).groups()


def test_a_saved_run_resumed_ends_where_one_uninterrupted_run_ends(capsys, tmp_path):
    path = str(tmp_path / "run.npz")
    whole = final_line(capsys, "--epochs", "3", "--hidden", "32", "--optimizer", "adam")
    final_line(capsys, "--epochs", "1", "--hidden", "32", "--optimizer", "adam", "--save", path)
    assert checkpoint.load(path)["config"]["hidden"] == [32]
    assert main(["train", "--epochs", "3", "--resume", path]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[2] == f"resuming {path} after epoch 1"
    assert ACCURACY.match(out[3]).groups() == whole


def test_other_settings_change_the_model_and_the_optimizer(capsys):
    args = [
        "--epochs",
        "1",
        "--hidden",
        "16",
        "8",
        "--activation",
        "tanh",
        "--optimizer",
        "rmsprop",
        "--lr",
        "0.01",
        "--batch-size",
        "64",
        "--seed",
        "3",
        "--test-size",
        "0.25",
    ]
    assert main(["train", *args]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == [
        "training an MLP 64-16-8-10 (tanh) on digits: 1347 training and 450 test images",
        "rmsprop (lr 0.01, times 0.8 per epoch), batch size 64, 1 epoch, seed 3",
    ]


def one_line_error(capsys, *args):
    assert main(["train", *args]) == 2
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and "Traceback" not in err
    return err


@pytest.mark.parametrize(
    "args, message",
    [
        (["--lr", "-1"], "chainrule train: argument --lr: expected a number > 0, got '-1'"),
        (["--epochs", "many"], "argument --epochs: expected an integer >= 0, got 'many'"),
        (["--hidden", "0"], "argument --hidden: expected an integer >= 1, got '0'"),
        (["--test-size", "1"], "argument --test-size: expected a number between 0 and 1, got '1'"),
        (["--optimizer", "lbfgs"], "argument --optimizer: invalid choice: 'lbfgs'"),
        (["--dataset", "cifar"], "argument --dataset: invalid choice: 'cifar'"),
        (["--optimizer", "adam", "--momentum", "0.5"], "--momentum goes with --optimizer sgd"),
        (["--dataset", "mnist", "--test-size", "0.1"], "--test-size goes with --dataset digits"),
        (["--save", "/no/such/folder/run.npz"], "--save /no/such/folder/run.npz: no such folder"),
        (
            ["--resume", "/no/such/run.npz"],
            "checkpoint /no/such/run.npz: cannot read: No such file",
        ),
    ],
)
def test_bad_input_is_one_line_and_status_2(capsys, args, message):
    assert message in one_line_error(capsys, *args)


def test_a_damaged_or_foreign_resume_file_is_one_line(capsys, tmp_path):
    damaged = tmp_path / "damaged.npz"
    checkpoint.save(damaged, extra={"epoch": 1})
    damaged.write_bytes(damaged.read_bytes()[:-10])
    assert "damaged.npz: is " in one_line_error(capsys, "--resume", str(damaged))
    foreign = tmp_path / "foreign.npz"
    checkpoint.save(foreign, extra={"epoch": 1})
    assert "was not written by 'chainrule train --save'" in one_line_error(
        capsys, "--resume", str(foreign)
    )


def test_a_setting_that_differs_from_the_resumed_run_is_refused(capsys, tmp_path):
    path = str(tmp_path / "run.npz")
    final_line(capsys, "--epochs", "1", "--hidden", "16", "--save", path)
    err = one_line_error(capsys, "--resume", path, "--hidden", "32", "16")
    assert "--hidden 32 16 differs from the resumed run's 16; leave it out" in err


def test_a_data_set_file_that_fails_its_check_is_one_line(capsys, tmp_path, monkeypatch):
    folder = tmp_path / "mnist"
    folder.mkdir()
    for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"):
        (folder / name).write_bytes(b"not the real file")
    monkeypatch.setenv("CHAINRULE_DATA", str(tmp_path))
    assert "its SHA-256 is" in one_line_error(capsys, "--dataset", "mnist")


def test_errors_from_the_installed_command_show_no_traceback(tmp_path):
    done = run_cli("train", "--resume", "missing.npz", cwd=tmp_path)
    assert done.returncode == 2
    assert (
        done.stderr
        == "chainrule train: checkpoint missing.npz: cannot read: No such file or directory\n"
    )
    assert done.stdout == ""


def test_plot_draws_the_curves_and_track_gradients_records_every_layer(capsys, tmp_path):
    picture, path = tmp_path / "curves.png", str(tmp_path / "run.npz")
    args = ["--epochs", "2", "--hidden", "16", "--plot", str(picture), "--track-gradients"]
    assert main(["train", *args, "--out", path]) == 0
    out = capsys.readouterr().out.splitlines()
    assert picture.read_bytes().startswith(b"\x89PNG")
    assert re.fullmatch(r"gradient norm per layer in the last epoch: 0: \S+  2: \S+", out[3])
    assert out[4] == f"drew the curves to {picture}"
    history = checkpoint.load(path)["history"]
    assert len(history["grad_norm/0"]) == len(history["val_accuracy"]) == 2


def test_plot_without_matplotlib_is_one_line_before_any_training(capsys, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    err = one_line_error(capsys, "--plot", str(tmp_path / "curves.png"))
    assert err == (
        "chainrule train: --plot: drawing needs matplotlib, which is not installed: "
        "pip install 'chainrule[plot]'\n"
    )
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(
    "args, message",
    [
        (["--plot", "c.gif"], "--plot: cannot draw to 'c.gif': name a .png, .svg or .pdf"),
        (["--plot", "/no/such/folder/c.png"], "--plot /no/such/folder/c.png: no such folder"),
        (["--model", "cnn", "--hidden", "8"], "--model cnn takes two --hidden values"),
        (["--schedule", "cosine"], "argument --schedule: invalid choice: 'cosine'"),
    ],
)
def test_bad_picture_and_model_settings_are_one_line(capsys, args, message):
    assert message in one_line_error(capsys, *args)


def test_a_cnn_trains_on_the_digits_as_images(capsys):
    assert main(["train", "--model", "cnn", "--hidden", "4", "8", "--epochs", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "training a CNN conv4-pool-conv8-pool-10 (relu) on digits: 1437 training and 360 "
        "test images"
    )
    assert ACCURACY.match(out[2])


def test_a_run_saved_before_models_and_schedules_resumes_as_a_constant_rate_mlp(capsys, tmp_path):
    # What 'chainrule train --save' wrote before --model and --schedule existed.
    config = {"dataset": "digits", "hidden": [16], "activation": "relu", "optimizer": "sgd",
              "lr": 0.1, "momentum": 0.9, "batch_size": 32, "seed": 0, "test_size": 0.2}
    x_train, _, y_train, _ = run_settings.load_split({**config, "model": "mlp"})
    cr.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 16), nn.ReLU(), nn.Linear(16, 10))
    loader = DataLoader(ArrayDataset(x_train, y_train), 32, shuffle=True, seed=0)
    path = str(tmp_path / "old.npz")
    fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1, momentum=0.9),
        loader, 1, seed=0, checkpoint=path, checkpoint_extra={"config": config})
    assert main(["train", "--resume", path, "--epochs", "2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:3] == [
        "training an MLP 64-16-10 (relu) on digits: 1437 training and 360 test images",
        "sgd (lr 0.1, momentum 0.9), batch size 32, 2 epochs, seed 0",
        f"resuming {path} after epoch 1",
    ]


def test_the_mnist_mlp_takes_its_own_default_rate_and_the_digits_keep_theirs():
    def rate(**settings):
        return run_settings.completed({**run_settings.TRAIN_DEFAULTS, **settings})["lr"]

    assert rate() == 0.3
    assert rate(dataset="mnist") == rate(dataset="fashion-mnist") == 0.03
    assert rate(dataset="mnist", lr=0.2) == 0.2  # a rate given wins
    assert rate(dataset="mnist", optimizer="adam") == 0.001
    assert rate(dataset="mnist", model="cnn") == 0.1
