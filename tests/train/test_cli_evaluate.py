"""``chainrule evaluate``: a run saved by ``train --save`` is rebuilt (MLP or CNN) and measured on
its test images; a damaged, foreign or mismatched file ends in one line and exit status 2."""

import hashlib
import re

import numpy as np
import pytest

from chainrule import checkpoint, nn
from chainrule.cli import main
from chainrule.data import load_digits, train_test_split, write_idx
from chainrule.data.mnist import MNIST
from tests.reliability.archives import rewritten

TRAINED = re.compile(r"^test accuracy: (0\.\d{4}) \((\d+)/360\), test loss (\d\.\d{4})")


@pytest.fixture(scope="module")
def saved_run(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("runs") / "run.npz")
    assert main(["train", "--epochs", "2", "--hidden", "32", "--out", path]) == 0
    return path


def run(capsys, *args):
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out.splitlines(), err


def test_evaluate_measures_the_saved_network_as_training_ended(capsys, saved_run):
    status, lines, _ = run(capsys, "train", "--epochs", "2", "--hidden", "32")
    trained = TRAINED.match(lines[-1]).groups()
    status, lines, err = run(capsys, "evaluate", saved_run)
    assert status == 0 and err == ""
    assert lines[0] == (
        f"evaluating an MLP 64-32-10 (relu) from {saved_run} on digits: 360 test images"
    )
    assert lines[1] == f"test accuracy: {trained[0]} ({trained[1]}/360), test loss {trained[2]}"
    assert lines[2] == "confusion matrix (rows: true class, columns: predicted class):"
    assert lines[3].split() == [str(digit) for digit in range(10)]
    rows = np.array([[int(n) for n in line.split()] for line in lines[4:14]])
    assert rows[:, 0].tolist() == list(range(10)) and len(lines) == 14
    matrix = rows[:, 1:]
    assert np.trace(matrix) == int(trained[1]) and matrix.sum() == 360
    images, labels = load_digits()
    *_, test_labels = train_test_split(images, labels, test_size=0.2, seed=0, stratify=labels)
    assert matrix.sum(axis=1).tolist() == np.bincount(test_labels).tolist()


def test_evaluate_draws_the_confusion_matrix(capsys, saved_run, tmp_path):
    picture = tmp_path / "confusion.png"
    status, lines, _ = run(capsys, "evaluate", saved_run, "--plot", str(picture))
    assert status == 0 and lines[-1] == f"drew the confusion matrix to {picture}"
    assert picture.read_bytes().startswith(b"\x89PNG")


def test_a_cnn_run_is_rebuilt_from_its_saved_settings(capsys, tmp_path):
    path = str(tmp_path / "cnn.npz")
    args = ["--model", "cnn", "--hidden", "4", "8", "--epochs", "1", "--save", path]
    assert run(capsys, "train", *args)[0] == 0
    assert checkpoint.load(path)["config"]["model"] == "cnn"
    status, lines, _ = run(capsys, "evaluate", path)
    assert status == 0
    assert lines[0].startswith("evaluating a CNN conv4-pool-conv8-pool-10 (relu) from ")


def one_line_error(capsys, *args):
    status, out, err = run(capsys, "evaluate", *args)
    assert status == 2 and out == [] and err.count("\n") == 1 and "Traceback" not in err
    return err.strip()


def test_a_truncated_corrupted_or_missing_file_is_one_line(capsys, saved_run, tmp_path):
    whole = open(saved_run, "rb").read()
    truncated, corrupted = tmp_path / "truncated.npz", tmp_path / "corrupted.npz"
    truncated.write_bytes(whole[: len(whole) // 2])
    flipped = bytearray(whole)
    flipped[len(whole) // 3] ^= 0x01
    corrupted.write_bytes(bytes(flipped))
    for path in (truncated, corrupted):
        error = one_line_error(capsys, str(path))
        assert error.startswith(f"chainrule evaluate: checkpoint {path}: is ")
    missing = one_line_error(capsys, str(tmp_path / "missing.npz"))
    assert "cannot read: No such file" in missing


def test_a_foreign_file_is_one_line(capsys, tmp_path):
    foreign = tmp_path / "foreign.npz"
    checkpoint.save(foreign, model=nn.Linear(2, 2), extra={"epoch": 1})
    assert "was not written by 'chainrule train --save'" in one_line_error(capsys, str(foreign))
    text = tmp_path / "notes.txt"
    text.write_text("not a checkpoint")
    assert one_line_error(capsys, str(text)).startswith(f"chainrule evaluate: checkpoint {text}")


def test_settings_that_do_not_fit_the_weights_are_one_line(capsys, saved_run, tmp_path):
    # The whole file is checked before a network is built from it.
    mismatched = tmp_path / "mismatched.npz"
    mismatched.write_bytes(open(saved_run, "rb").read())
    rewritten(mismatched, lambda extra: extra["config"].update(hidden=[16]))
    error = one_line_error(capsys, str(mismatched))
    assert "asks for hidden layers of 16 units, but its weights are for 32" in error
    unknown = tmp_path / "unknown.npz"
    unknown.write_bytes(open(saved_run, "rb").read())
    rewritten(unknown, lambda extra: extra["config"].update(model="rnn"))
    assert "has a setting model = 'rnn' that chainrule train would refuse" in one_line_error(
        capsys, str(unknown))


def test_another_data_set_of_another_image_size_is_one_line(
    capsys, saved_run, tmp_path, monkeypatch
):
    folder = tmp_path / "mnist"
    folder.mkdir()
    images = np.zeros((20, 28, 28), dtype=np.uint8)
    for name, array in [
        ("train-images-idx3-ubyte.gz", images),
        ("train-labels-idx1-ubyte.gz", np.arange(20, dtype=np.uint8) % 10),
        ("t10k-images-idx3-ubyte.gz", images[:10]),
        ("t10k-labels-idx1-ubyte.gz", np.arange(10, dtype=np.uint8)),
    ]:
        write_idx(folder / name, array)
        monkeypatch.setitem(
            MNIST.sha256, name, hashlib.sha256((folder / name).read_bytes()).hexdigest()
        )
    monkeypatch.setenv("CHAINRULE_DATA", str(tmp_path))
    error = one_line_error(capsys, saved_run, "--dataset", "mnist")
    assert "does not fit the model" in error
    assert error.endswith("(it was trained on digits, not mnist)")


def test_bad_plot_paths_are_refused_before_any_work(capsys, saved_run, tmp_path):
    assert "name a .png, .svg or .pdf file" in one_line_error(
        capsys, saved_run, "--plot", str(tmp_path / "m.bmp")
    )
    assert "no such folder" in one_line_error(capsys, saved_run, "--plot", "/no/such/m.png")
