"""Resuming checks the whole run file before building anything from it: its settings by the
command line's rules, its layers against the weights it holds, its epoch count, history and
random states; each problem is one sentence, never ``KeyError: 'epoch'``."""

import json
import subprocess
import sys

import numpy as np
import pytest

from chainrule import checkpoint, nn, optim
from chainrule.cli import main
from chainrule.cli import run_settings
from chainrule.data import ArrayDataset, DataLoader
from chainrule.train import fit
from tests.cli_process import REPO
from tests.reliability.archives import rewritten


@pytest.fixture(scope="module")
def run_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("run") / "run.npz"
    assert main(["train", "--epochs", "1", "--hidden", "16", "--save", str(path)]) == 0
    return path.read_bytes()


@pytest.fixture
def run(run_file, tmp_path, capsys):
    capsys.readouterr()
    path = tmp_path / "run.npz"
    path.write_bytes(run_file)
    return path


def one_line_error(capsys, path):
    assert main(["train", "--epochs", "2", "--resume", str(path)]) == 2
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err.strip()


def test_a_run_file_asking_for_huge_layers_is_refused_before_the_model_is_built(
    run, capsys, monkeypatch
):
    # Found by the review: a 40.9 kB file asking for [12000, 12000] hidden units had the model
    # built (2.3 GB) before the weights were found not to fit.
    rewritten(run, lambda extra: extra["config"].update(hidden=[12000, 12000]))
    built = []
    monkeypatch.setattr(run_settings, "build_model", lambda *args: built.append(args))
    assert one_line_error(capsys, run) == (
        f"chainrule train: the run file {run} asks for hidden layers of 12000 12000 units, but "
        "its weights are for 16: it was changed after it was written"
    )
    assert built == []


def test_the_refusal_of_huge_layers_takes_no_memory(run):
    rewritten(run, lambda extra: extra["config"].update(hidden=[12000, 12000]))
    probe = [sys.executable, "-m", "tests.reliability.bounded_memory", "resume", str(run)]
    done = subprocess.run(probe, capture_output=True, text=True, cwd=REPO, check=True)
    figures = json.loads(done.stdout)
    assert "asks for hidden layers of 12000 12000 units" in figures["message"]
    assert figures["peak_mib"] - figures["before_mib"] < 32


def test_a_run_file_without_an_epoch_count_says_so_in_a_sentence(run, capsys):
    # Found by the review: this was "chainrule: error: KeyError: 'epoch'".
    rewritten(run, lambda extra: extra.pop("epoch"))
    assert one_line_error(capsys, run) == (
        f"chainrule train: the run file {run} has no epoch count: it was not written by "
        "'chainrule train --save'"
    )


@pytest.mark.parametrize(
    "key, value",
    [
        ("activation", "__import__"),
        ("optimizer", ["sgd"]),
        ("hidden", []),
        ("hidden", [16.0]),
        ("hidden", [True]),
        ("lr", -1.0),
        ("lr", "0.1"),
        ("momentum", 1.5),
        ("batch_size", 0),
        ("seed", -1),
        ("test_size", 1.0),
    ],
)
def test_a_setting_the_command_line_would_refuse_is_named(run, capsys, key, value):
    rewritten(run, lambda extra: extra["config"].update({key: value}))
    err = one_line_error(capsys, run)
    assert err.startswith(f"chainrule train: the run file {run} has a setting {key} = ")
    assert err.endswith("that chainrule train would refuse: it was changed after it was written")


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda extra: extra.pop("config"), "holds no settings of a training run"),
        (lambda extra: extra.update(kind="other"), "holds no settings of a training run"),
        (lambda extra: extra["config"].pop("seed"), "holds settings"),
        (lambda extra: extra.update(epoch=-1), "has no epoch count"),
        (lambda extra: extra.update(epoch="1"), "has no epoch count"),
    ],
)
def test_a_file_that_is_no_run_of_chainrule_train_is_named(run, capsys, change, message):
    rewritten(run, change)
    err = one_line_error(capsys, run)
    assert f"the run file {run} {message}" in err
    assert err.endswith("it was not written by 'chainrule train --save'")


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda extra: extra.update(history=[1]), "has no history of its 1 epochs"),
        (lambda extra: extra["history"].update(train_loss=[]), "has no history of its 1 epochs"),
        (lambda extra: extra.update(random={}), "has no random-generator states of a run"),
        (
            lambda extra: extra["random"].update(default_generator={"bit_generator": "MT19937"}),
            "has a random-generator state that NumPy refuses",
        ),
        (lambda extra: extra["random"].update(loader_epoch=-3), "has a loader epoch -3"),
    ],
)
def test_a_damaged_run_is_refused_by_fit_with_nothing_restored(run, change, message):
    rewritten(run, change)
    model = nn.Sequential(nn.Linear(64, 16), nn.ReLU(), nn.Linear(16, 10))
    before = {key: value.copy() for key, value in model.state_dict().items()}
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x, y = np.zeros((4, 64), np.float32), np.zeros(4, np.int64)
    loader = DataLoader(ArrayDataset(x, y), batch_size=2, shuffle=True, seed=0)
    with pytest.raises(checkpoint.CheckpointError, match=message):
        fit(model, nn.CrossEntropyLoss(), optimizer, loader, epochs=2, resume=run)
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[key])
